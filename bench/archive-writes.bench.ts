/**
 * The archive's write paths on SQLite, loopback only, every archive in a child process so the
 * load generator does not share its CPU (about a minute; `ESMOND_BENCH_QUICK=1`: smaller):
 *  (a) bulk-PUT ingest over HTTP vs better-sqlite3 in this process inserting the same rows with a
 *      prepared statement, one transaction per PUT's rows (goal ≥ 0.7×);
 *  (b) GridFTP end to end: the esmond-ps-load-gridftp loader (log parsing, metadata cache, state
 *      file) into the archive, where every transfer is its own metadata (through the archive's
 *      batch writes, as the loader sends them where offered; else a POST and a PUT each), against
 *      the 1 200 transfers/s this path managed before group commits and the batched write lookups
 *      (goal ≥ 3×). The line says which way the transfers went; a second line pairs it with the
 *      two-request way in the same run.
 * Both figures are the best of a few alternating runs, since the machine may be shared.
 * `ESMOND_BENCH_WRITES=ingest` (or `gridftp`) runs only that part.
 * @module
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteArchive } from '../src/archive/service.js';
import { DEFAULT_SINK_CONCURRENCY } from '../src/loaders/sink.js';
import { BenchClient, benchMetadataBody, inParallel, rate } from './support/bench-http.js';
import { startChildArchive, type ChildArchive } from './support/child-archive.js';
import { loadTransferLog, writeTransferLog } from './support/gridftp-log.js';

type Report = (line: string) => void;

const QUICK = process.env['ESMOND_BENCH_QUICK'] === '1';
/** Which parts run: both unless `ESMOND_BENCH_WRITES` names one. */
const ONLY = process.env['ESMOND_BENCH_WRITES'];
const REPEAT = 3;
const NOW = Math.floor(Date.now() / 1000);
const INGEST_PUTS = QUICK ? 50 : 200;
const INGEST_TS_PER_PUT = 500;
const INGEST_TYPES = ['packet-count-sent', 'packet-count-lost', 'packet-duplicates', 'packet-reorders'] as const;
/** Requests kept in flight by the ingest client (keeps the server busy between requests). */
const INGEST_CONCURRENCY = 2;
const GRIDFTP_LINES = QUICK ? 2_000 : 5_000;
/** GridFTP transfers/s end to end on loopback before this work (the figure the goal multiplies). */
const GRIDFTP_BEFORE = 1_200;

export default async function archiveWritesBench(report: Report): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'esmond-bench-writes-'));
  let server: ChildArchive | undefined;
  try {
    const db = join(dir, 'archive.sqlite');
    const service = openSqliteArchive(db, { resolver: false });
    const apiKey = await service.addUser('bench');
    await service.close();
    server = await startChildArchive(db);
    if (ONLY !== 'gridftp') await benchIngest(new BenchClient(server.url, apiKey), join(dir, 'raw.sqlite'), report);
    if (ONLY !== 'ingest') await benchGridftp(server.url, apiKey, dir, report);
  } finally {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// (a) bulk-PUT ingest

const INGEST_FIRST = NOW - 10 * 365 * 86400;
const ingestTs = (put: number, i: number): number => INGEST_FIRST + (put * INGEST_TS_PER_PUT + i) * 60;
const ingestValue = (ts: number, e: number): number => (ts * 31 + e * 7) % 1000;

async function benchIngest(http: BenchClient, rawPath: string, report: Report): Promise<void> {
  // Bodies are built before any clock starts: we time the archive, not JSON.stringify.
  const bodies: string[] = [];
  for (let p = 0; p < INGEST_PUTS; p++) {
    const data = Array.from({ length: INGEST_TS_PER_PUT }, (_, i) => {
      const ts = ingestTs(p, i);
      return { ts, val: INGEST_TYPES.map((et, e) => ({ 'event-type': et, val: ingestValue(ts, e) })) };
    });
    bodies.push(JSON.stringify({ data }));
  }
  const perPut = INGEST_TS_PER_PUT * INGEST_TYPES.length;
  const points = INGEST_PUTS * perPut;
  const raw = new Database(rawPath);
  raw.pragma('journal_mode = WAL');
  raw.pragma('synchronous = NORMAL');
  raw.exec(
    'CREATE TABLE points (series INTEGER NOT NULL, ts INTEGER NOT NULL, val INTEGER NOT NULL, PRIMARY KEY (series, ts)) WITHOUT ROWID',
  );
  const insert = raw.prepare('INSERT INTO points (series, ts, val) VALUES (?, ?, ?)');
  let httpRate = 0;
  let rawRate = 0;
  try {
    // Alternating HTTP and raw, so a busy neighbour process skews both alike.
    for (let rep = 0; rep < REPEAT; rep++) {
      const md = await http.createMetadata(benchMetadataBody(`ingest-${rep}`, INGEST_TYPES));
      let t = performance.now();
      await inParallel(bodies, INGEST_CONCURRENCY, (body) => http.put(`${md['metadata-key']}/`, body));
      httpRate = Math.max(httpRate, points / ((performance.now() - t) / 1000));

      const put = raw.transaction((p: number) => {
        for (let i = 0; i < INGEST_TS_PER_PUT; i++) {
          const ts = ingestTs(p, i);
          for (let e = 0; e < INGEST_TYPES.length; e++) insert.run(rep * 10 + e + 1, ts, ingestValue(ts, e));
        }
      });
      t = performance.now();
      for (let p = 0; p < INGEST_PUTS; p++) put(p);
      rawRate = Math.max(rawRate, points / ((performance.now() - t) / 1000));
    }
  } finally {
    raw.close();
  }
  const ratio = httpRate / rawRate;
  report(
    `archive-writes.ingest: ${ratio.toFixed(2)}x of baseline (goal >= 0.7)  bulk PUT ${rate(httpRate)} pts/s, raw better-sqlite3 ${rate(rawRate)} pts/s` +
      `  [${points} integer points, ${perPut}/PUT, ${INGEST_CONCURRENCY} in flight, best of ${REPEAT}]${ratio >= 0.7 ? '' : '  BELOW GOAL'}`,
  );
}

// ---------------------------------------------------------------------------------------------
// (b) GridFTP end to end

async function benchGridftp(url: string, apiKey: string, dir: string, report: Report): Promise<void> {
  let best = 0;
  let bestTwo = 0;
  let transfers = 0;
  let path = '';
  /** One load of fresh lines (a transfer already stored would only meet the loader's cache). */
  const load = async (run: number, batchWrites: boolean): Promise<{ rate: number; path: string }> => {
    const log = join(dir, `gridftp-${run}.log`);
    await writeTransferLog(log, GRIDFTP_LINES, run * GRIDFTP_LINES);
    const {
      result: r,
      seconds: s,
      path: way,
    } = await loadTransferLog({
      file: log,
      statePath: join(dir, `gridftp-${run}.state`),
      url,
      apiKey,
      concurrency: DEFAULT_SINK_CONCURRENCY,
      batchWrites,
    });
    if (r.failed || r.duplicates > 0 || r.stored !== r.transfers) {
      throw new Error(`gridftp run did not store every transfer: ${JSON.stringify(r)}`);
    }
    transfers = r.stored;
    return { rate: r.stored / s, path: way };
  };
  // Alternating with the two-request way (a metadata POST and a bulk PUT per transfer, what
  // every esmond gets), so a machine that runs slower for a while is seen in both figures.
  for (let rep = 0; rep < REPEAT; rep++) {
    const batch = await load(2 * rep, true);
    path = batch.path;
    best = Math.max(best, batch.rate);
    bestTwo = Math.max(bestTwo, (await load(2 * rep + 1, false)).rate);
  }
  const ratio = best / GRIDFTP_BEFORE;
  report(
    `archive-writes.gridftp: ${ratio.toFixed(2)}x of baseline (goal >= 3)  ${rate(best)} transfers/s end to end vs ${GRIDFTP_BEFORE} before` +
      `  [${transfers} transfers, each its own metadata, ${path === 'batch' ? 'batch writes' : `two requests each, ${DEFAULT_SINK_CONCURRENCY} in flight`}, best of ${REPEAT}]${ratio >= 3 ? '' : '  BELOW GOAL'}`,
  );
  report(
    `archive-writes.gridftp paired: ${(best / bestTwo).toFixed(2)}x of two requests per transfer in the same run` +
      `  (${rate(best)} vs ${rate(bestTwo)} transfers/s, ${DEFAULT_SINK_CONCURRENCY} in flight, best of ${REPEAT} each)`,
  );
}
