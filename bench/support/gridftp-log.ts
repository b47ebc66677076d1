/**
 * Synthetic GridFTP NetLogger transfer logs for the benches: realistic lines (a transfer every
 * 3 s, a LIST every 10th, a failure every 50th), every line's size different, so each transfer
 * of a log is its own metadata in the archive, as with real logs; and one timed load of such a log
 * into an archive, as esmond-ps-load-gridftp does it.
 * @module
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { createClient } from '../../src/client.js';
import { runGridftpLoad, type GridftpRunResult } from '../../src/loaders/gridftp/run.js';
import { ArchiveSink } from '../../src/loaders/sink.js';
import { netloggerRun } from '../../test/loaders/gridftp-fixture.js';

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** A NetLogger DATE/START stamp of a time in microseconds. */
function stamp(micros: number): string {
  const d = new Date(Math.floor(micros / 1000));
  return `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}.${pad(micros % 1_000_000, 6)}`;
}

/** Line `i` of the log, with its newline. */
export function transferLine(i: number): string {
  const start = (1_700_000_000 + i * 3) * 1_000_000 + ((i * 7919) % 1_000_000);
  const type = i % 10 === 9 ? 'LIST' : i % 2 === 0 ? 'RETR' : 'STOR';
  return (
    `DATE=${stamp(start + 2_000_000 + (i % 13) * 250_000)} HOST=gftp.example.org PROG=globus-gridftp-server NL.EVNT=FTP_INFO ` +
    `START=${stamp(start)} USER=anonymous FILE=/data1/f${i % 1000}.dat BUFFER=87380 BLOCK=262144 NBYTES=${100_000_000 + (i % 100_000) * 4096} ` +
    `VOLUME=/ STREAMS=4 STRIPES=1 DEST=[198.51.100.${(i % 200) + 1}] TYPE=${type} CODE=${i % 50 === 49 ? 426 : 226} retrans=${i % 7},3,0,1\n`
  );
}

/** Writes lines `first` … `first + n - 1` to `path`. */
export async function writeTransferLog(path: string, n: number, first = 0): Promise<void> {
  const out = createWriteStream(path);
  let chunk = '';
  for (let i = first; i < first + n; i++) {
    chunk += transferLine(i);
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end(chunk);
  await once(out, 'finish');
}

/**
 * Loads `file` into the archive at `url` (key `apiKey`) the way esmond-ps-load-gridftp does
 * (netlogger, write, batches of 200, `concurrency` metadata in flight, batch writes where the
 * archive offers them, every DEST resolved to one address so no DNS is asked); resolves to the
 * run's result, its wall time, seconds, and which way the transfers went.
 */
export async function loadTransferLog(opts: {
  file: string;
  statePath: string;
  url: string;
  apiKey: string;
  concurrency: number;
  /** Use the archive's batch writes where it offers them, as the loaders do. @defaultValue true */
  batchWrites?: boolean;
}): Promise<{ result: GridftpRunResult; seconds: number; path: 'batch' | 'two requests' }> {
  // A socket per metadata in flight, as the loaders' own clients have.
  const client = createClient({
    url: opts.url,
    credentials: { apiKey: opts.apiKey },
    retry: { retryWrites: true },
    connections: opts.concurrency,
  });
  try {
    const began = performance.now();
    const result = await runGridftpLoad({
      ...netloggerRun(opts.file, opts.statePath, () => Promise.resolve('192.0.2.50')),
      batchSize: 200,
      sink: new ArchiveSink(client, { concurrency: opts.concurrency, batchWrites: opts.batchWrites ?? true }),
      log: () => undefined,
      now: Date.now,
    });
    const seconds = (performance.now() - began) / 1000;
    const batched = (opts.batchWrites ?? true) && client.writeBatchState?.() === 'offered';
    return { result, seconds, path: batched ? 'batch' : 'two requests' };
  } finally {
    await client.close();
  }
}
