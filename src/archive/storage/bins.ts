/**
 * Pure helpers both stores use to carry out a {@link SeriesWriteBatch}: which summary bins a
 * write touches, which of them hold a replaced point (and must be recomputed from the base
 * series), and the order in which rows are locked (ascending series id, then ts, so concurrent
 * writers never wait on each other in a cycle).
 * @module
 */
import type { SeriesCell, SeriesWrite, SeriesWriteBatch, SummarySeries } from './store.js';

/** The bin a point at `ts` falls in for window `w` (window 0: the point's own ts). */
export function binOf(ts: number, w: number): number {
  return w > 0 ? Math.floor(ts / w) * w : ts;
}

/** The last ts inside the bin starting at `bin`. */
export function binEnd(bin: number, w: number): number {
  return w > 0 ? bin + w - 1 : bin;
}

/** One summary bin a write touches. */
export interface BinUpdate {
  bin: number;
  /** The written base cells inside it, ascending. */
  cells: SeriesCell[];
  /** True when one of them replaced a stored point: the bin is recomputed from the base series. */
  rebuild: boolean;
}

/** The bins of `summary` that `write`'s cells fall in, ascending (cells are ascending by ts). */
export function binUpdates(write: SeriesWrite, summary: SummarySeries, replaced: ReadonlySet<number>): BinUpdate[] {
  const out: BinUpdate[] = [];
  let current: BinUpdate | undefined;
  for (const cell of write.cells) {
    const bin = binOf(cell.ts, summary.window);
    if (current === undefined || current.bin !== bin) {
      current = { bin, cells: [], rebuild: false };
      out.push(current);
    }
    current.cells.push(cell);
    if (replaced.has(cell.ts)) current.rebuild = true;
  }
  return out;
}

/** The writes of a batch in lock order (ascending base series id). */
export function lockOrder(batch: SeriesWriteBatch): SeriesWrite[] {
  return [...batch.writes].sort((a, b) => a.baseSeriesId - b.baseSeriesId);
}

/** A write's summaries in lock order (ascending series id). */
export function summariesInLockOrder(write: SeriesWrite): SummarySeries[] {
  return [...write.summaries].sort((a, b) => a.seriesId - b.seriesId);
}

/** Thrown inside a store transaction to roll it back when a base ts already exists. */
export class WriteConflict extends Error {
  constructor(
    readonly baseSeriesId: number,
    readonly ts: number,
  ) {
    super(`series ${baseSeriesId} already holds ts ${ts}`);
    this.name = 'WriteConflict';
  }
}
