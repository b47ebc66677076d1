/**
 * The SQLite store's cell writer: new numeric cells are inserted by a worker thread on a
 * connection of its own, so the event loop goes on reading and checking the next request's
 * body while SQLite inserts the last one (a bulk PUT spends about half of its CPU time there).
 * It takes the common bulk write only: a few hundred new cells or more, each with a plain
 * number (integer and float points), no summary to compute, nothing replaced. Everything else
 * stays on the store's connection, and the group commit runs one group at a time, so the two
 * connections never wait for each other's write lock.
 *
 * A work item is one request's batch, run like the group commit runs it on the main thread:
 * all items of a group in one transaction, each in a savepoint of its own, the same multi-row
 * INSERTs (the SQL comes from `sqlite-cell-insert.ts`), and at the first stored ts the item is
 * undone and reports it. Its promise settles after the COMMIT returned, so a 2xx still means
 * the data is in the database file (it survives `kill -9`).
 * @module
 */
import type { Worker } from 'node:worker_threads';
import { lockOrder } from './bins.js';
import { numCellInsertTexts } from './sqlite-cell-insert.js';
import type { ItemOutcome } from './sqlite-group-commit.js';
import { BUSY_TIMEOUT_MS } from './sqlite-schema.js';
import { closeSqliteWorker, startSqliteWorker } from './sqlite-worker.js';
import { StoreBusyError, type SeriesWriteBatch } from './store.js';

/** One request's new cells as the worker takes them: each series' ts and num as doubles. */
export interface CellJob {
  writes: Array<{ series: number; ts: Float64Array<ArrayBuffer>; num: Float64Array<ArrayBuffer> }>;
  touch: number[];
  now: number;
}

/** What the worker answers per item: 0 stored, `[series, ts]` a conflict, or an error. */
type ItemAnswer = 0 | [number, number] | { error: string; code?: string };

/** What the worker answers per group. */
type GroupAnswer = { outcomes: ItemAnswer[] } | { error: string; code?: string };

/**
 * The worker's code (started by {@link startSqliteWorker}). `insert` is {@link insertNewCells}'s loop.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path, { fileMustExist: true });
db.pragma('busy_timeout = ' + workerData.busyMs);
db.pragma('synchronous = NORMAL');
// Each item's savepoint journal in memory, as on the store's connection.
db.pragma('temp_store = MEMORY');
// The store's checkpointer copies the WAL back; a commit here never does.
db.pragma('wal_autocheckpoint = 0');
const batches = new Map(workerData.batches.map(([rows, sql]) => [rows, db.prepare(sql)]));
const largest = workerData.batches[0][0];
const one = db.prepare(workerData.one);
const touch = db.prepare('UPDATE event_types SET time_updated = ? WHERE id = ?');
const values = [];
function insert(series, ts, num) {
  let at = 0;
  while (at < ts.length) {
    let rows = largest;
    while (rows > ts.length - at) rows >>= 1;
    const end = at + rows;
    values.length = 0;
    for (let i = at; i < end; i++) values.push(series, ts[i], num[i]);
    try {
      batches.get(rows).run(values);
    } catch (err) {
      if (err.code !== 'SQLITE_CONSTRAINT_PRIMARYKEY') throw err;
      for (let i = at; i < end; i++) if (one.run(series, ts[i], num[i], null, null, null).changes === 0) return ts[i];
    }
    at = end;
  }
  return undefined;
}
class Conflict {
  constructor(series, ts) { this.series = series; this.ts = ts; }
}
const item = db.transaction((job) => {
  for (const w of job.writes) {
    const taken = insert(w.series, w.ts, w.num);
    if (taken !== undefined) throw new Conflict(w.series, taken);
  }
  for (const id of new Set(job.touch)) touch.run(job.now, id);
});
const group = db.transaction((jobs, outcomes) => {
  outcomes.length = 0;
  for (const job of jobs) {
    try {
      item(job);
      outcomes.push(0);
    } catch (err) {
      if (err instanceof Conflict) outcomes.push([err.series, err.ts]);
      else outcomes.push({ error: String(err && err.message), code: err && err.code });
    }
  }
});
parentPort.on('message', (jobs) => {
  if (jobs === 'close') {
    db.close();
    parentPort.close();
    return;
  }
  const outcomes = [];
  try {
    group.immediate(jobs, outcomes);
    parentPort.postMessage({ outcomes });
  } catch (err) {
    parentPort.postMessage({ error: String(err && err.message), code: err && err.code });
  }
});
`;

/**
 * Cells a request must bring for the writer to take it: below, the hop to the thread and a
 * commit of its own cost more than the insert (a GridFTP transfer's PUT has a few points, and
 * shares the store's group commit with its metadata POST).
 */
export const MIN_JOB_CELLS = 256;

/**
 * The job of a batch the cell writer takes, or undefined: fewer than {@link MIN_JOB_CELLS}
 * cells, summaries, replacements, or values other than plain numbers.
 */
export function cellJobOf(batch: SeriesWriteBatch): CellJob | undefined {
  let cells = 0;
  for (const write of batch.writes) cells += write.cells.length;
  if (cells < MIN_JOB_CELLS) return undefined;
  const writes: CellJob['writes'] = [];
  for (const write of lockOrder(batch)) {
    if (write.replace || write.summaries.length > 0) return undefined;
    const n = write.cells.length;
    const ts = new Float64Array(n);
    const num = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const c = write.cells[i];
      if (c === undefined || typeof c.num !== 'number' || c.den !== null || c.doc !== null || c.out !== null)
        return undefined;
      ts[i] = c.ts;
      num[i] = c.num;
    }
    writes.push({ series: write.baseSeriesId, ts, num });
  }
  return { writes, touch: [...batch.touch], now: batch.now };
}

/** An error the worker reported, as the store's own would be (busy: {@link StoreBusyError}). */
function storeError(answer: { error: string; code?: string }): Error {
  if (answer.code !== undefined && (answer.code.startsWith('SQLITE_BUSY') || answer.code.startsWith('SQLITE_LOCKED')))
    return new StoreBusyError(`the database is locked by another writer (${BUSY_TIMEOUT_MS} ms)`);
  return Object.assign(new Error(answer.error), { code: answer.code });
}

/**
 * The worker of one database file, started on first use. After a failure to start, or an exit
 * it was not asked for, {@link usable} is false and the store writes on its own connection.
 */
export class SqliteCellWriter {
  private worker: Worker | undefined;
  private failed = false;
  /** The group in the worker: settles its promise (one at a time). */
  private answer: ((a: GroupAnswer) => void) | undefined;

  constructor(private readonly path: string) {}

  get usable(): boolean {
    return !this.failed;
  }

  /** Runs `jobs` as one transaction in the worker; one result per job, in order. */
  run(jobs: readonly CellJob[]): Promise<ItemOutcome[]> {
    const worker = this.worker ?? this.start();
    if (worker === undefined) return Promise.reject(new Error('the cell writer thread is not running'));
    return new Promise<GroupAnswer>((resolve) => {
      this.answer = resolve;
      // Moved, not copied: the jobs are built for this message alone.
      worker.postMessage(
        jobs,
        jobs.flatMap((job) => job.writes.flatMap((w) => [w.ts.buffer, w.num.buffer])),
      );
    }).then((a) => {
      if ('error' in a) throw storeError(a);
      return a.outcomes.map((o): ItemOutcome => {
        if (o === 0) return { ok: true, value: { ok: true } };
        if (Array.isArray(o)) return { ok: true, value: { ok: false, conflict: { baseSeriesId: o[0], ts: o[1] } } };
        return { ok: false, err: storeError(o) };
      });
    });
  }

  private start(): Worker | undefined {
    try {
      const { batches, one } = numCellInsertTexts();
      const worker = startSqliteWorker(WORKER_SOURCE, { path: this.path, busyMs: BUSY_TIMEOUT_MS, batches, one });
      worker.on('message', (a: GroupAnswer) => {
        const answer = this.answer;
        this.answer = undefined;
        answer?.(a);
      });
      worker.on('exit', () => {
        if (this.worker !== worker) return;
        // Whatever was in flight may or may not be committed: its requests fail (500).
        this.failed = true;
        this.worker = undefined;
        this.answer?.({ error: 'the cell writer thread stopped' });
        this.answer = undefined;
      });
      this.worker = worker;
      return worker;
    } catch {
      this.failed = true;
      return undefined;
    }
  }

  /** Closes the worker's connection and waits for the thread to end (before the store's own closes). */
  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    this.failed = true;
    if (worker !== undefined) await closeSqliteWorker(worker);
  }
}
