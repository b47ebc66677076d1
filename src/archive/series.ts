/**
 * How values and summary state are laid out in {@link SeriesCell}s, and how a base write updates
 * the summary bins (archive-api.md: Summaries), computed at write time and kept exact:
 *
 * | data type  | base cell                | aggregation / average bin   | statistics bin            |
 * |------------|--------------------------|-----------------------------|---------------------------|
 * | integer    | num = value              | num = Σ, den = count        | –                         |
 * | float      | num = trunc(v·10⁴)       | num = Σ fixed, den = count  | –                         |
 * | percentage | num, den                 | num = Σ num, den = Σ den    | –                         |
 * | histogram  | doc = pairs JSON         | doc = merged pairs JSON     | doc = merged, out = stats |
 * | json, subinterval | doc = value JSON  | –                           | –                         |
 * @module
 */
import { ALLOWED_SUMMARIES, type DataType, type SummaryType } from '../model/event-types.js';
import type {
  ArchiveStore,
  SeriesCell,
  SeriesWrite,
  StoredEventTypeRow,
  SummarySeries,
  WriteRow,
} from './storage/store.js';
import { binOf } from './storage/bins.js';

export { binOf };
import type { NormalizedValue } from './validate.js';
import { INT64_MAX_BIG } from '../model/pyparse.js';
import { ApiError } from './types.js';
import {
  FLOAT_SCALE,
  aggregationValue,
  averageValue,
  histogramObject,
  histogramStatistics,
  ratioValue,
  type HistogramPairs,
} from '../model/summaries.js';

/** Rows read per query while streaming or re-computing a bin. */
const CHUNK = 1000;

/** Data types whose base points may not be overwritten (409 on a duplicate ts). */
export function rejectsDuplicates(dataType: DataType): boolean {
  return dataType === 'integer' || dataType === 'float' || dataType === 'percentage';
}

export function baseCell(ts: number, v: NormalizedValue): SeriesCell {
  switch (v.type) {
    case 'integer':
      return { ts, num: v.value, den: null, doc: null, out: null };
    case 'float':
      return { ts, num: v.fixed, den: null, doc: null, out: null };
    case 'percentage':
      return { ts, num: v.numerator, den: v.denominator, doc: null, out: null };
    case 'histogram':
      return { ts, num: null, den: null, doc: JSON.stringify(v.pairs), out: null };
    case 'subinterval':
    case 'json':
      return { ts, num: null, den: null, doc: v.json, out: null };
  }
}

/** Whether `row` is a summary this data type computes. */
function computes<R extends StoredEventTypeRow>(dataType: DataType, row: R): row is R & { summaryType: SummaryType } {
  return (ALLOWED_SUMMARIES[dataType] as readonly string[]).includes(row.summaryType);
}

function pairsOf(doc: string | null): HistogramPairs {
  return doc === null ? [] : (JSON.parse(doc) as HistogramPairs);
}

/** A summary bin's running state, decoded for cheap repeated folding. */
export interface BinState {
  /** Σ; a BigInt only for an integer sum past 2^53. */
  num: number | bigint;
  den: number;
  pairs: HistogramPairs;
  /** Bucket key → index in `pairs`, built lazily. */
  index: Map<string, number> | undefined;
}

export function decodeBin(cell: SeriesCell | undefined): BinState {
  return { num: cell?.num ?? 0, den: cell?.den ?? 0, pairs: pairsOf(cell?.doc ?? null), index: undefined };
}

/**
 * a + b exactly (BigInt once past 2^53). A sum past 64 bits is reported as a 400 (the whole
 * write is refused), never wrapped or rounded.
 */
function addInt64(a: number | bigint, b: number | bigint): number | bigint {
  if (typeof a === 'number' && typeof b === 'number' && Number.isSafeInteger(a + b)) return a + b;
  const sum = BigInt(a) + BigInt(b);
  if (sum > INT64_MAX_BIG || sum < -INT64_MAX_BIG - 1n) {
    throw new ApiError(400, 'Value would overflow the 64-bit aggregation of its summary bin');
  }
  return Number.isSafeInteger(Number(sum)) ? Number(sum) : sum;
}

/** Folds one base value into a summary bin's state, in place. */
export function foldInto(state: BinState, v: NormalizedValue): void {
  switch (v.type) {
    case 'integer':
      state.num = addInt64(state.num, v.value);
      state.den += 1;
      return;
    case 'float':
      state.num = Number(state.num) + v.fixed;
      state.den += 1;
      return;
    case 'percentage':
      state.num = Number(state.num) + v.numerator;
      state.den += v.denominator;
      return;
    case 'histogram': {
      if (!state.index) {
        state.index = new Map();
        state.pairs.forEach(([k], i) => state.index?.set(k, i));
      }
      for (const [k, c] of v.pairs) {
        const i = state.index.get(k);
        const slot = i === undefined ? undefined : state.pairs[i];
        if (slot) slot[1] += c;
        else {
          state.index.set(k, state.pairs.length);
          state.pairs.push([k, c]);
        }
      }
      return;
    }
    default:
      return;
  }
}

export function encodeBin(dataType: DataType, summary: SummaryType, ts: number, state: BinState): SeriesCell {
  if (dataType === 'histogram') {
    const out = summary === 'statistics' ? JSON.stringify(histogramStatistics(state.pairs)) : null;
    return { ts, num: null, den: null, doc: JSON.stringify(state.pairs), out };
  }
  return { ts, num: state.num, den: state.den, doc: null, out: null };
}

/** Decodes a stored base cell back into a normalised value. */
function decodeBase(dataType: DataType, cell: SeriesCell): NormalizedValue {
  switch (dataType) {
    case 'integer':
      return { type: 'integer', value: cell.num ?? 0 };
    case 'float':
      return { type: 'float', fixed: Number(cell.num ?? 0) };
    case 'percentage':
      return { type: 'percentage', numerator: Number(cell.num ?? 0), denominator: cell.den ?? 0 };
    case 'histogram':
      return { type: 'histogram', pairs: pairsOf(cell.doc) };
    default:
      return { type: dataType, json: cell.doc ?? 'null' };
  }
}

/**
 * Cells with `from ≤ ts ≤ to`, `skip` first, at most `take`, read lazily in chunks of up to
 * {@link CHUNK}: one store call per chunk, never per cell.
 */
export function iterateCells(
  store: ArchiveStore,
  seriesId: number,
  from: number,
  to: number,
  skip: number,
  take: number,
): AsyncGenerator<SeriesCell[]> {
  return iterateChunks(
    (lo, offset, want) => store.readCells(seriesId, lo, to, offset, want),
    (c) => c.ts,
    {
      from,
      skip,
      take,
    },
  );
}

/**
 * The items of a time range (`from` up, `skip` first, at most `take`) read lazily by `read(lo,
 * offset, want)` in chunks of up to {@link CHUNK}; `tsOf` gives an item's ts, where the next
 * chunk starts after.
 */
export async function* iterateChunks<T>(
  read: (lo: number, offset: number, want: number) => Promise<T[]>,
  tsOf: (item: T) => number,
  range: { from: number; skip: number; take: number },
): AsyncGenerator<T[]> {
  let remaining = range.take;
  let lo = range.from;
  let offset = range.skip;
  while (remaining > 0) {
    const want = Math.min(CHUNK, remaining);
    // Each chunk is a finished query, so no cursor stays open while the consumer waits.
    const chunk = await read(lo, offset, want);
    if (chunk.length > 0) yield chunk;
    const last = chunk[chunk.length - 1];
    if (chunk.length < want || last === undefined) return;
    remaining -= chunk.length;
    offset = 0;
    lo = tsOf(last) + 1;
  }
}

/** One event type of one metadata, resolved once per request and reused for every point. */
export interface WriteTarget {
  eventType: string;
  dataType: DataType;
  rows: WriteRow[];
  /** The (base, 0) row; without it nothing is stored (unknown key or unregistered type). */
  base: WriteRow | undefined;
  /** The summary rows this data type computes. */
  summaries: Array<WriteRow & { summaryType: SummaryType }>;
}

/** The rows of `eventType` among a metadata's rows (from one {@link ArchiveStore.writeRows} call). */
export function writeTargetOf(rows: readonly WriteRow[], eventType: string, dataType: DataType): WriteTarget {
  const own = rows.filter((r) => r.eventType === eventType);
  return {
    eventType,
    dataType,
    rows: own,
    base: own.find((r) => r.summaryType === 'base' && r.window === 0),
    summaries: own.filter((r) => computes(dataType, r)),
  };
}

/** Whether every ts is above the one before it (then none repeats and no sort is needed). */
function rising(ts: readonly number[]): boolean {
  for (let i = 1; i < ts.length; i++) if ((ts[i] as number) <= (ts[i - 1] as number)) return false;
  return true;
}

/**
 * The store write of one event type's validated base points (`ts[i]` with `values[i]`, in
 * request order; for a type that may replace, the last value of a ts wins). The fold keeps the
 * caller's decoded values so a bulk write parses and encodes each bin (and computes its
 * statistics) once.
 */
export function seriesWrite(
  target: WriteTarget,
  ts: readonly number[],
  values: readonly NormalizedValue[],
): SeriesWrite | undefined {
  const { base, dataType } = target;
  if (!base) return undefined;
  let cells: SeriesCell[];
  let valueOf: (cell: SeriesCell, i: number) => NormalizedValue;
  if (rising(ts)) {
    // The usual bulk body: already in order, one value per ts.
    cells = ts.map((t, i) => baseCell(t, values[i] as NormalizedValue));
    valueOf = (_, i) => values[i] as NormalizedValue;
  } else {
    const byTs = new Map<number, NormalizedValue>();
    ts.forEach((t, i) => byTs.set(t, values[i] as NormalizedValue));
    cells = [...byTs.keys()].sort((a, b) => a - b).map((t) => baseCell(t, byTs.get(t) as NormalizedValue));
    valueOf = (cell) => byTs.get(cell.ts) as NormalizedValue;
  }
  // Only summaries fold values: the map from cell to value is built for them alone.
  const decoded = new Map<SeriesCell, NormalizedValue>();
  if (target.summaries.length > 0) cells.forEach((cell, i) => decoded.set(cell, valueOf(cell, i)));
  const kinds = new Map(target.summaries.map((r) => [r.seriesId, r.summaryType]));
  return {
    baseSeriesId: base.seriesId,
    cells,
    // Numeric types never replace: a stored ts is a 409.
    replace: !rejectsDuplicates(dataType),
    summaries: target.summaries.map((r): SummarySeries => ({ seriesId: r.seriesId, window: r.window })),
    fold(summary, bin, previous, binCells) {
      const state = decodeBin(previous);
      for (const c of binCells) foldInto(state, decoded.get(c) ?? decodeBase(dataType, c));
      return encodeBin(dataType, kinds.get(summary.seriesId) ?? 'aggregation', bin, state);
    },
  };
}

/**
 * Recomputes every computed summary series of one event type from its base series (for
 * repairs, or after base data was imported raw). Streams the base series once per summary; the
 * bins of one summary are replaced at once. Returns how many summary bins were written.
 */
export async function rebuildSummaries(
  store: ArchiveStore,
  dataType: DataType,
  rows: readonly StoredEventTypeRow[],
): Promise<number> {
  const base = rows.find((r) => r.summaryType === 'base' && r.window === 0);
  if (!base) return 0;
  let written = 0;
  for (const row of rows) {
    if (!computes(dataType, row)) continue;
    const bins: SeriesCell[] = [];
    let bin: number | undefined;
    let state = decodeBin(undefined);
    const put = (): void => {
      if (bin !== undefined) bins.push(encodeBin(dataType, row.summaryType, bin, state));
    };
    const all = iterateCells(
      store,
      base.seriesId,
      Number.MIN_SAFE_INTEGER,
      Number.MAX_SAFE_INTEGER,
      0,
      Number.MAX_SAFE_INTEGER,
    );
    for await (const chunk of all) {
      for (const cell of chunk) {
        const b = binOf(cell.ts, row.window);
        if (b !== bin) {
          put();
          bin = b;
          state = decodeBin(undefined);
        }
        foldInto(state, decodeBase(dataType, cell));
      }
    }
    put();
    await store.replaceSeries(row.seriesId, bins);
    written += bins.length;
  }
  return written;
}

/**
 * A raw value as the cell of a series, bypassing summary computation — the way esmond's test
 * data is loaded into Cassandra (a summary value becomes the bin's whole state). Undefined for a
 * summary type that has no stored form.
 */
export function rawCell(
  dataType: DataType,
  summaryType: string,
  ts: number,
  value: NormalizedValue,
): SeriesCell | undefined {
  if (summaryType === 'base') return baseCell(ts, value);
  if (summaryType === 'aggregation' || summaryType === 'average' || summaryType === 'statistics') {
    const state = decodeBin(undefined);
    foldInto(state, value);
    return encodeBin(dataType, summaryType, ts, state);
  }
  return undefined;
}

/** The wire value of a stored cell of a series of `summaryType` (`base` for raw points). */
export function cellValue(dataType: DataType, summaryType: string, cell: SeriesCell): unknown {
  const num = cell.num ?? 0;
  const bin = { sum: Number(num), count: cell.den ?? 0 };
  switch (dataType) {
    case 'integer':
      // A base value or sum past 2^53 stays an exact BigInt (written as its digits).
      if (summaryType === 'average') return averageValue(bin);
      return typeof num === 'bigint' ? num : aggregationValue(bin);
    case 'float':
      return summaryType === 'average' ? averageValue(bin, FLOAT_SCALE) : aggregationValue(bin, FLOAT_SCALE);
    case 'percentage':
      return ratioValue(bin.sum, bin.count);
    case 'histogram':
      if (summaryType === 'statistics') return cell.out === null ? {} : (JSON.parse(cell.out) as unknown);
      return histogramObject(pairsOf(cell.doc));
    default:
      return cell.doc === null ? null : (JSON.parse(cell.doc) as unknown);
  }
}
