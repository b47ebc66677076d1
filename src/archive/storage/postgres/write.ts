/**
 * One request's writes ({@link SeriesWriteBatch}) inside a PostgreSQL transaction. A batch of
 * new points only goes in through `COPY` ({@link plainAppendText}, copy.ts); otherwise the new
 * points of every appending write go in as ONE plain multi-row `INSERT … SELECT FROM unnest(…)`
 * (a round trip per batch, not per event type; no `ON CONFLICT`, which costs about 70 % more per
 * row). Either way a ts another writer stored since validation is a unique violation, which
 * aborts the transaction and comes out as {@link DuplicateCells}. Replacing writes upsert. Summary bins are
 * created when missing, then locked (`FOR UPDATE`) before they are folded, so concurrent writers
 * (any process) never lose or double an update.
 * @module
 */
import type { ClientBase, QueryResultRow } from 'pg';
import { binEnd, binUpdates, lockOrder, summariesInLockOrder } from '../bins.js';
import type { SeriesCell, SeriesWrite, SeriesWriteBatch } from '../store.js';
import { copyText } from './copy.js';
import { named, SQL } from './queries.js';
import { arrayLiteral, cellColumns, cellOf, type CellArrayRow } from './rows.js';

const CHUNK = 1000;
const UNIQUE_VIOLATION = '23505';

/** The batch met points already stored (a 409); the transaction is rolled back. */
export class DuplicateCells extends Error {
  constructor(readonly writes: ReadonlyArray<{ baseSeriesId: number; stamps: number[] }>) {
    super('a point of the batch is already stored');
    this.name = 'DuplicateCells';
  }
}

async function arrays<R extends unknown[]>(c: ClientBase, name: string, text: string, values: unknown[]): Promise<R[]> {
  return (await c.query<R>({ ...named(name, text, values), rowMode: 'array' })).rows;
}

async function run(c: ClientBase, name: string, text: string, values: unknown[]): Promise<void> {
  await c.query<QueryResultRow>(named(name, text, values));
}

/** Carries out `batch` on `c`, which is inside a transaction. */
export async function writeBatch(c: ClientBase, batch: SeriesWriteBatch): Promise<void> {
  const writes = lockOrder(batch);
  const appends = writes.filter((w) => !w.replace && w.cells.length > 0);
  if (appends.length > 0) {
    try {
      await insertNew(c, appends);
    } catch (err) {
      throw asDuplicate(err, batch);
    }
  }
  for (const write of writes) {
    let replaced = new Set<number>();
    if (write.replace) {
      const base = write.baseSeriesId;
      const stamps = write.cells.map((cell) => cell.ts);
      replaced = new Set(
        (await arrays<[number]>(c, 'existing_for_update', SQL.existingForUpdate, [base, stamps])).map((r) => r[0]),
      );
      await run(c, 'upsert_cells', SQL.upsertCells, [base, ...cellColumns(write.cells)]);
    }
    for (const summary of summariesInLockOrder(write)) await foldSummary(c, write, summary, replaced);
  }
  await touchRows(c, batch);
}

/** The columns of the new base points of appending writes (series id first), for one statement. */
function newCellColumns(appends: readonly SeriesWrite[]): unknown[] {
  const series: number[] = [];
  const cells: SeriesCell[] = [];
  for (const w of appends) {
    for (const cell of w.cells) {
      series.push(w.baseSeriesId);
      cells.push(cell);
    }
  }
  return [arrayLiteral(series), ...cellColumns(cells)];
}

/** A unique violation of the cells key becomes {@link DuplicateCells}; anything else stays. */
export function asDuplicate(err: unknown, batch: SeriesWriteBatch): unknown {
  if ((err as { code?: unknown } | null)?.code !== UNIQUE_VIOLATION) return err;
  const appends = lockOrder(batch).filter((w) => !w.replace && w.cells.length > 0);
  return new DuplicateCells(
    appends.map((w) => ({ baseSeriesId: w.baseSeriesId, stamps: w.cells.map((cell) => cell.ts) })),
  );
}

/** The new base points of appending writes, all in one statement. */
async function insertNew(c: ClientBase, appends: readonly SeriesWrite[]): Promise<void> {
  await run(c, 'insert_cells', SQL.insertCells, newCellColumns(appends));
}

/**
 * A batch of new points only (no replacing, no summary to fold: the usual bulk PUT of counters):
 * the COPY text of its cells (see copy.ts), to be followed by {@link touchRows} in the same
 * transaction. undefined for other batches.
 */
export function plainAppendText(batch: SeriesWriteBatch): string | undefined {
  if (batch.writes.some((w) => w.replace || w.summaries.length > 0)) return undefined;
  return copyText(lockOrder(batch).filter((w) => w.cells.length > 0));
}

/** Sets the time-updated of the batch's touched rows (ascending ids, a fixed lock order). */
export async function touchRows(c: ClientBase, batch: SeriesWriteBatch): Promise<void> {
  const touch = [...new Set(batch.touch)].sort((a, b) => a - b);
  if (touch.length > 0) await run(c, 'touch_rows', SQL.touchRows, [batch.now, touch]);
}

/** Folds a write's cells into the bins of one of its summaries. */
async function foldSummary(
  c: ClientBase,
  write: SeriesWrite,
  summary: SeriesWrite['summaries'][number],
  replaced: ReadonlySet<number>,
): Promise<void> {
  const updates = binUpdates(write, summary, replaced);
  const bins = updates.map((u) => u.bin);
  await run(c, 'place_bins', SQL.placeBins, [summary.seriesId, bins]);
  const locked = await arrays<CellArrayRow>(c, 'lock_bins', SQL.lockBins, [summary.seriesId, bins]);
  const previous = new Map(locked.map((r) => [r[0], cellOf(r)]));
  const next: SeriesCell[] = [];
  for (const u of updates) {
    if (!u.rebuild) {
      next.push(write.fold(summary, u.bin, previous.get(u.bin), u.cells));
      continue;
    }
    // A replaced point: the bin is recomputed from the base series, chunk by chunk.
    let state: SeriesCell | undefined;
    const end = binEnd(u.bin, summary.window);
    for (let lo = u.bin; ;) {
      const chunk = (
        await arrays<CellArrayRow>(c, 'read_cells', SQL.readCells, [write.baseSeriesId, lo, end, CHUNK, 0])
      ).map(cellOf);
      if (chunk.length > 0) state = write.fold(summary, u.bin, state, chunk);
      const last = chunk[chunk.length - 1];
      if (chunk.length < CHUNK || !last) break;
      lo = last.ts + 1;
    }
    next.push(state ?? write.fold(summary, u.bin, undefined, []));
  }
  await run(c, 'upsert_cells', SQL.upsertCells, [summary.seriesId, ...cellColumns(next)]);
}
