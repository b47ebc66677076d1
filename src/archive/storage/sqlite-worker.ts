/**
 * What the SQLite store's worker threads (the checkpointer and the cell writer) share: how one
 * is started on a connection of its own, and how it is closed. Each worker's code is CommonJS
 * run with `eval`, so the bundled bins need no file of their own, and it opens the database
 * with the same better-sqlite3 the store uses.
 * @module
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * Starts `source` (CommonJS, `eval`) with `workerData` plus `driver`, the path of better-sqlite3
 * for its `require`. The worker never keeps a process alive that is otherwise done, and its
 * errors end it (its `exit` event) instead of ending this process.
 * @throws when the thread cannot be started.
 */
export function startSqliteWorker(source: string, workerData: Record<string, unknown>): Worker {
  const worker = new Worker(source, {
    eval: true,
    workerData: { ...workerData, driver: createRequire(import.meta.url).resolve('better-sqlite3') },
  });
  worker.unref();
  worker.on('error', () => undefined);
  return worker;
}

/**
 * Asks a worker to close its connection (the message `'close'`) and waits for the thread to
 * end, so the store's own connection closes last (the last connection to close checkpoints the
 * WAL and removes it). A worker that does not end within 5 s is terminated.
 */
export async function closeSqliteWorker(worker: Worker): Promise<void> {
  const exited = new Promise<void>((resolve) =>
    worker.once('exit', () => {
      resolve();
    }),
  );
  worker.postMessage('close');
  const timer = setTimeout(() => void worker.terminate(), 5000);
  await exited;
  clearTimeout(timer);
}
