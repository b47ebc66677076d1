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
import type { SeriesCell } from './storage/store.js';
import { cellValue } from './series.js';

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
