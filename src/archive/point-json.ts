/**
 * The JSON text of data points, written by hand for the data types whose text is a pure
 * function of a few numbers (integer, float, percentage) or of a stored histogram: no point
 * object is built and no `JSON.stringify` runs per point. The text is exactly what
 * {@link plainPointJson} writes for `{ts, val: cellValue(…)}` (a property test checks it);
 * whatever the fast path cannot vouch for (JSON values, histograms with repeated buckets,
 * statistics with integer-like keys) takes the plain path.
 * @module
 */
import { stringify as stringifyLossless } from 'lossless-json';
import type { DataType } from '../model/event-types.js';
import type { WirePoint } from '../model/wire.js';
import { INDEX_KEY_TEXT } from '../model/ordered-json.js';
import type { ArchiveStore, PointTextForm, SeriesCell } from './storage/store.js';
import { cellValue, iterateChunks } from './series.js';

/**
 * One point as JSON, the plain way. A value past 2^53 is a BigInt (JSON.stringify refuses
 * those): only then lossless-json writes it, with its exact digits.
 */
export function plainPointJson(point: WirePoint): string {
  try {
    return JSON.stringify(point);
  } catch {
    return stringifyLossless(point) ?? 'null';
  }
}

/** A number as `JSON.stringify` writes it (non-finite: `null`); a BigInt as its digits. */
function numberText(v: number | bigint): string {
  if (typeof v === 'bigint') return v.toString();
  return Number.isFinite(v) ? String(v) : 'null';
}

/** A stored histogram (`[[bucket, count], …]`) as the JSON object the plain path writes; undefined when a bucket repeats. */
function histogramText(doc: string | null): string | undefined {
  if (doc === null) return '{}';
  return copiedHistogramText(doc) ?? parsedHistogramText(doc);
}

const QUOTE = 0x22;
const COMMA = 0x2c;
const OPEN = 0x5b;
const CLOSE = 0x5d;

/** True when `key` is among `keys` (a Set of them once there are many). */
function repeats(keys: string[], seen: { set?: Set<string> }, key: string): boolean {
  if (seen.set === undefined && keys.length < 32) return keys.includes(key);
  seen.set ??= new Set(keys);
  if (seen.set.has(key)) return true;
  seen.set.add(key);
  return false;
}

/**
 * The object text of a stored histogram made by copying its text, not parsing it: the archive
 * stores `JSON.stringify(pairs)`, `[["k",c],…]`, whose key and count texts are already what the
 * plain path writes when the key has no escape, control character or surrogate (JSON.stringify
 * then writes it between quotes as it is) and the count is a plain integer of at most 15 digits
 * (String(count) gives those digits back). Undefined for any other text, and when a key repeats;
 * the caller then parses.
 */
function copiedHistogramText(doc: string): string | undefined {
  if (doc === '[]') return '{}';
  if (doc.charCodeAt(0) !== OPEN) return undefined;
  const keys: string[] = [];
  const seen: { set?: Set<string> } = {};
  let text = '{';
  for (let i = 1; ;) {
    if (doc.charCodeAt(i) !== OPEN || doc.charCodeAt(i + 1) !== QUOTE) return undefined;
    const open = i + 1;
    let j = open + 1;
    for (let c = doc.charCodeAt(j); c !== QUOTE; c = doc.charCodeAt(++j)) {
      // NaN (past the end), controls, backslash (an escape), surrogates: the parsing path.
      if (!(c >= 0x20) || c === 0x5c || (c >= 0xd800 && c <= 0xdfff)) return undefined;
    }
    if (doc.charCodeAt(j + 1) !== COMMA) return undefined;
    const numberStart = j + 2;
    const negative = doc.charCodeAt(numberStart) === 0x2d;
    const digitStart = negative ? numberStart + 1 : numberStart;
    let k = digitStart;
    for (let c = doc.charCodeAt(k); c >= 0x30 && c <= 0x39; c = doc.charCodeAt(++k));
    const digits = k - digitStart;
    // One to 15 digits, no leading zero, no "-0" (written "0" by String).
    if (digits === 0 || digits > 15 || (doc.charCodeAt(digitStart) === 0x30 && (digits > 1 || negative))) {
      return undefined;
    }
    if (doc.charCodeAt(k) !== CLOSE) return undefined;
    const key = doc.slice(open + 1, j);
    if (repeats(keys, seen, key)) return undefined;
    keys.push(key);
    text += `${keys.length > 1 ? ',' : ''}${doc.slice(open, j + 1)}:${doc.slice(numberStart, k)}`;
    const next = doc.charCodeAt(k + 1);
    if (next === CLOSE) return k + 2 === doc.length ? `${text}}` : undefined;
    if (next !== COMMA) return undefined;
    i = k + 2;
  }
}

/** {@link histogramText} by parsing the stored text; undefined when a bucket repeats. */
function parsedHistogramText(doc: string): string | undefined {
  const pairs = JSON.parse(doc) as Array<[string, number]>;
  let text = '{';
  const seen = new Set<string>();
  for (const [k, c] of pairs) {
    if (seen.has(k)) return undefined;
    seen.add(k);
    text += `${seen.size > 1 ? ',' : ''}${JSON.stringify(k)}:${numberText(c)}`;
  }
  return `${text}}`;
}

/** The `val` text of a cell, or undefined where only the plain path is exact. */
function fastValueText(dataType: DataType, summaryType: string, cell: SeriesCell): string | undefined {
  switch (dataType) {
    case 'integer':
    case 'float':
    case 'percentage':
      return numberText(cellValue(dataType, summaryType, cell) as number | bigint);
    case 'histogram':
      if (summaryType !== 'statistics') return histogramText(cell.doc);
      // Stored as JSON.stringify output: parsing and writing it again gives the same text
      // unless JS would reorder a key.
      if (cell.out === null) return '{}';
      return INDEX_KEY_TEXT.test(cell.out) ? undefined : cell.out;
    default:
      return undefined;
  }
}

/**
 * The encoder of one series' points: `{"ts":…,"val":…}` per cell, the same text as
 * {@link plainPointJson} of `{ts, val: cellValue(dataType, summaryType, cell)}`.
 */
export function pointEncoder(dataType: DataType, summaryType: string): (cell: SeriesCell) => string {
  return (cell) => {
    const val = fastValueText(dataType, summaryType, cell);
    if (val !== undefined) return `{"ts":${cell.ts},"val":${val}}`;
    return plainPointJson({ ts: cell.ts, val: cellValue(dataType, summaryType, cell) });
  };
}

/**
 * The stored form whose point text the store can write for a series (see
 * `ArchiveStore.readPointTexts`): integers and their sums, and histogram statistics (stored as
 * their JSON text). Undefined for every other series.
 */
export function pointTextForm(dataType: DataType, summaryType: string): PointTextForm | undefined {
  if (dataType === 'integer' && summaryType !== 'average') return 'integer';
  if (dataType === 'histogram' && summaryType === 'statistics') return 'json';
  return undefined;
}

/** A point text's ts: the store writes every one as `{"ts":<digits>,…`. */
function textTs(text: string): number {
  return parseInt(text.slice(6), 10);
}

/**
 * The JSON texts of a page of one series, read lazily a chunk at a time like `iterateCells`:
 * written by the store for a series with a {@link pointTextForm}, else (and for a chunk the store
 * cannot vouch for: a non-integer `num`, statistics with an integer-like key that `JSON.parse`
 * would move) encoded from cells by {@link pointEncoder}. The same texts either way.
 */
export function iteratePointTexts(
  store: ArchiveStore,
  series: { seriesId: number; dataType: DataType; summaryType: string },
  range: { from: number; to: number; skip: number; take: number },
): AsyncGenerator<string[]> {
  const { seriesId, dataType, summaryType } = series;
  const form = pointTextForm(dataType, summaryType);
  const encode = pointEncoder(dataType, summaryType);
  const plain = async (lo: number, offset: number, want: number): Promise<string[]> =>
    (await store.readCells(seriesId, lo, range.to, offset, want)).map(encode);
  const read =
    form === undefined
      ? plain
      : async (lo: number, offset: number, want: number): Promise<string[]> => {
          const texts = await store.readPointTexts(seriesId, lo, range.to, offset, want, form);
          const exact = texts.every((t): t is string => t !== null && (form !== 'json' || !INDEX_KEY_TEXT.test(t)));
          return exact ? texts : plain(lo, offset, want);
        };
  return iterateChunks(read, textTs, range);
}
