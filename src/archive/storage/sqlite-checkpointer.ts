/**
 * WAL checkpoints of a SQLite archive off the request path. By default SQLite checkpoints inside
 * the COMMIT that pushes the WAL past 1 000 pages: that request's thread copies the pages back
 * into the database file and waits for two fsyncs, and with it every request of the event loop.
 * Here the writer's connection has `wal_autocheckpoint` off and a worker thread, on a second
 * connection, runs PASSIVE checkpoints (they never block the writer) shortly after writes.
 * Durability is unchanged: a commit is durable once it is in the WAL, checkpointed or not.
 * @module
 */
import type Database from 'better-sqlite3';
import type { Worker } from 'node:worker_threads';
import { ANALYSIS_LIMIT, BUSY_TIMEOUT_MS } from './sqlite-schema.js';
import { closeSqliteWorker, startSqliteWorker } from './sqlite-worker.js';

/** SQLite's own default, restored on the writer when the worker cannot run. */
const AUTOCHECKPOINT_PAGES = 1000;

/** The worker waits this long after a write before checkpointing, so one checkpoint covers a burst. */
const CHECKPOINT_DELAY_MS = 20;

/**
 * WAL frames (16 MiB of 4 KiB pages) past which the worker, after its PASSIVE pass, runs a
 * RESTART checkpoint: it waits for the writer to be between two transactions and holds it off
 * while it copies the few frames the PASSIVE pass left and syncs, so that the next transaction
 * writes the WAL from its beginning again. Without it a writer that never pauses would grow
 * the WAL for ever: only a fully copied WAL is started over, and a PASSIVE checkpoint never
 * catches a writer that commits while it runs.
 */
const RESTART_FRAMES = 4096;

/**
 * How often the worker, after a checkpoint, also refreshes the planner's statistics (SQLite's
 * advice for long-lived connections: `PRAGMA optimize` every few hours). An archive that grows
 * from a few metadata to 100 000 while it runs would otherwise keep statistics saying each
 * source address matches every row, and search by scanning. It runs on the worker's connection,
 * so its ANALYZE (bounded by `analysis_limit`) never holds up the event loop.
 */
const OPTIMIZE_EVERY_MS = 3_600_000;

/**
 * The worker's code (started by {@link startSqliteWorker}): it opens the database, and for each message checkpoints after {@link CHECKPOINT_DELAY_MS},
 * answering with SQLite's `[busy, log frames, checkpointed frames]`; `'close'` closes it.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path, { fileMustExist: true });
db.pragma('busy_timeout = ' + workerData.busyMs);
db.pragma('analysis_limit = ' + workerData.analysisLimit);
let timer;
let optimized = Date.now();
parentPort.on('message', (m) => {
  if (m === 'close') {
    clearTimeout(timer);
    db.close();
    parentPort.close();
    return;
  }
  if (timer !== undefined && m !== 'now') return;
  clearTimeout(timer);
  timer = setTimeout(() => {
    timer = undefined;
    try {
      let row = db.pragma('wal_checkpoint(PASSIVE)')[0];
      if (row.log > workerData.restartFrames) row = db.pragma('wal_checkpoint(RESTART)')[0];
      if (Date.now() - optimized >= workerData.optimizeEveryMs) {
        optimized = Date.now();
        db.pragma('optimize = 0x10002');
      }
      parentPort.postMessage([row.busy, row.log, row.checkpointed]);
    } catch {
      // Busy past the timeout, or the file went away: the next write asks again.
      parentPort.postMessage([1, -1, -1]);
    }
  }, m === 'now' ? 0 : workerData.delayMs);
});
`;

/**
 * The checkpointer of a store's connection: none for a database without a file of its own
 * (`:memory:`, a temporary one) or not in WAL mode, whose writer needs no help.
 */
export function backgroundCheckpointer(
  db: Database.Database,
  optimizeEveryMs = OPTIMIZE_EVERY_MS,
): BackgroundCheckpointer | undefined {
  if (db.memory || db.name === '' || db.pragma('journal_mode', { simple: true }) !== 'wal') return undefined;
  return new BackgroundCheckpointer(db, db.name, BUSY_TIMEOUT_MS, optimizeEveryMs);
}

/** What one checkpoint reported: `log` WAL frames, of which `checkpointed` are in the database file. */
export interface CheckpointResult {
  busy: boolean;
  log: number;
  checkpointed: number;
}

/**
 * Runs the checkpoints of the database at `path` (the writer's connection `db`) in a worker
 * thread, started on the first {@link wrote}. Should the worker fail, the writer checkpoints
 * itself again, as SQLite does by default.
 */
export class BackgroundCheckpointer {
  private worker: Worker | undefined;
  private failed = false;
  /** A checkpoint was asked for and has not answered yet. */
  private pending = false;
  private readonly waiters: Array<(r: CheckpointResult) => void> = [];

  constructor(
    private readonly db: Database.Database,
    private readonly path: string,
    private readonly busyMs: number,
    private readonly optimizeEveryMs: number,
  ) {}

  /** False once the worker failed (the writer checkpoints itself again). */
  get running(): boolean {
    return !this.failed;
  }

  /** Tells the worker that transactions were committed (asks for one checkpoint soon). */
  wrote(): void {
    if (this.pending || this.failed) return;
    const worker = this.worker ?? this.start();
    if (worker === undefined) return;
    this.pending = true;
    worker.postMessage('soon');
  }

  /** Checkpoints at once (tests); resolves with SQLite's answer, or undefined without a worker. */
  checkpointNow(): Promise<CheckpointResult | undefined> {
    const worker = this.worker ?? (this.failed ? undefined : this.start());
    if (worker === undefined) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      this.waiters.push(resolve);
      this.pending = true;
      worker.postMessage('now');
    });
  }

  private start(): Worker | undefined {
    try {
      const worker = startSqliteWorker(WORKER_SOURCE, {
        path: this.path,
        busyMs: this.busyMs,
        delayMs: CHECKPOINT_DELAY_MS,
        restartFrames: RESTART_FRAMES,
        optimizeEveryMs: this.optimizeEveryMs,
        analysisLimit: ANALYSIS_LIMIT,
      });
      worker.on('message', ([busy, log, checkpointed]: [number, number, number]) => {
        this.pending = false;
        const result = { busy: busy !== 0, log, checkpointed };
        for (const resolve of this.waiters.splice(0)) resolve(result);
      });
      // An exit it was not asked for (it could not open the file, say) hands the job back.
      worker.on('exit', () => {
        if (this.worker === worker) this.fallBack();
      });
      this.db.pragma('wal_autocheckpoint = 0');
      this.worker = worker;
      return worker;
    } catch {
      this.fallBack();
      return undefined;
    }
  }

  /** The writer checkpoints again (the worker could not start, or died). */
  private fallBack(): void {
    this.failed = true;
    this.worker = undefined;
    this.pending = false;
    if (this.db.open) this.db.pragma(`wal_autocheckpoint = ${AUTOCHECKPOINT_PAGES}`);
    for (const resolve of this.waiters.splice(0)) resolve({ busy: true, log: -1, checkpointed: -1 });
  }

  /**
   * Closes the worker's connection and waits for the thread to end, so the writer's connection
   * closes last (the last connection to close checkpoints the WAL and removes it).
   */
  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    this.failed = true;
    if (worker !== undefined) await closeSqliteWorker(worker);
  }
}
