/**
 * The archive on PostgreSQL, loopback only, on a throw-away cluster of its own
 * (fsync off as in the tests: the figures are the store's, not the disk's); skipped with a message
 * when no PostgreSQL binaries are installed. About three minutes:
 *  (a) bulk-PUT ingest over HTTP into the PostgreSQL store vs a raw `COPY` of the same rows into
 *      the same table through psql (goal ≥ 0.5×), and vs the SQLite store;
 *  (b) reading a 1 M-point series over HTTP in 10 000-point pages: PostgreSQL vs SQLite store vs a
 *      raw `SELECT` of the same rows in the same pages (node-postgres, one object per point);
 *  (c) write throughput of four writers: two servers on one database vs one;
 *  (d) metadata search p50 at 10 000 and 100 000 metadata, searches on parameters alone among them
 *      (goal p50 ≤ 5 ms at 100 000, as for SQLite).
 * Every server runs in a child process. `ESMOND_BENCH_QUICK=1`: a 100 000-point series and
 * 30 000 metadata, for a quick look (about a minute). `ESMOND_BENCH_PG_PARTS=ingest,search` runs
 * only the parts named (ingest, read, writers, search).
 * @module
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startPgCluster } from '../scripts/pg-cluster.mjs';
import { createArchiveService } from '../src/archive/service.js';
import { openStore } from '../src/archive/storage/open.js';
import { PG_TYPES } from '../src/archive/storage/postgres/rows.js';
import type { ArchiveStore } from '../src/archive/storage/store.js';
import type { RequestContext } from '../src/archive/types.js';
import { BenchClient, benchMetadataBody, inParallel, pct, rate } from './support/bench-http.js';
import { startChildArchive, type ChildArchive } from './support/child-archive.js';
import { copyIn, createDatabase, meshRecords, meshSource, psqlOf } from './support/pg-bench-data.js';

type Report = (line: string) => void;

const QUICK = process.env['ESMOND_BENCH_QUICK'] === '1';
const PARTS = new Set((process.env['ESMOND_BENCH_PG_PARTS'] ?? 'ingest,read,writers,search').split(','));
const NOW = Math.floor(Date.now() / 1000);
const SERIES_POINTS = QUICK ? 100_000 : 1_000_000;
const SERIES_STEP = 30;
const PAGE = 10_000;
const INGEST_PUTS = QUICK ? 50 : 200;
const INGEST_TS_PER_PUT = 500;
const INGEST_TYPES = ['packet-count-sent', 'packet-count-lost', 'packet-duplicates', 'packet-reorders'] as const;
const INGEST_CONCURRENCY = 2;
const WRITERS = 4;
const WRITER_PUTS = QUICK ? 20 : 50;
const WRITER_TS_PER_PUT = 100;
const SEARCH_SIZES = QUICK ? [10_000, 30_000] : [10_000, 100_000];
const SEARCH_ROUNDS = 100;
/** Throughput figures are the best of this many runs (the machine may be shared). */
const REPEAT = QUICK ? 1 : 3;
/** Series ids the raw COPY writes into `cells` (far beyond any the archive hands out). */
const RAW_SERIES = 1_000_000_000;

const ctx = (): RequestContext => ({
  requestUrl: new URL('http://127.0.0.1/esmond/perfsonar/archive/'),
  prefix: '/esmond',
  now: NOW,
});

export default async function postgresBench(report: Report): Promise<void> {
  const cluster = await startPgCluster();
  if (!cluster) {
    report('postgres        skipped: no PostgreSQL binaries (install postgresql, or set PG_BINDIR)');
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'esmond-bench-pg-'));
  const children: ChildArchive[] = [];
  const serve = async (spec: string): Promise<ChildArchive> => {
    const child = await startChildArchive(spec);
    children.push(child);
    return child;
  };
  try {
    report(
      `postgres        throw-away cluster from ${cluster.bin} (fsync off)${QUICK ? '; QUICK run: smaller sizes' : ''}`,
    );
    const pgUrl = await createDatabase(cluster.url, 'esmond_bench');
    const sqlitePath = join(dir, 'archive.sqlite');
    const points = PARTS.has('read') ? SERIES_POINTS : 0;
    const pgSeries = await prepare(pgUrl, 'postgres', points, report);
    const sqliteSeries = await prepare(sqlitePath, 'sqlite', points, report);
    const pgHttp = new BenchClient((await serve(pgUrl)).url, pgSeries.apiKey);
    const sqliteHttp = new BenchClient((await serve(sqlitePath)).url, sqliteSeries.apiKey);
    if (PARTS.has('ingest')) await benchIngest(pgHttp, sqliteHttp, pgUrl, psqlOf(cluster.bin), report);
    if (PARTS.has('read')) await benchRead(pgHttp, sqliteHttp, pgUrl, pgSeries, sqliteSeries, report);
    if (PARTS.has('writers'))
      await benchTwoServers(pgHttp, new BenchClient((await serve(pgUrl)).url, pgSeries.apiKey), report);
    if (PARTS.has('search')) await benchSearch(await createDatabase(cluster.url, 'esmond_search'), serve, report);
  } finally {
    await Promise.all(children.map((c) => c.stop()));
    cluster.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// setup: a write user and the big series, in-process

interface Prepared {
  apiKey: string;
  baseUri: string;
  seriesId: number;
}

async function prepare(spec: string, name: string, points: number, report: Report): Promise<Prepared> {
  const store = await openStore(spec);
  const service = createArchiveService(store, { resolver: false });
  try {
    const apiKey = await service.addUser('bench');
    const { metadata } = await service.createMetadata(benchMetadataBody('read', ['packet-count-sent']), ctx());
    const key = metadata['metadata-key'];
    const first = NOW - points * SERIES_STEP;
    const t = performance.now();
    for (let i = 0; i < points; i += 10_000) {
      const data = [];
      for (let j = i; j < Math.min(points, i + 10_000); j++) {
        data.push({ ts: first + j * SERIES_STEP, val: [{ 'event-type': 'packet-count-sent', val: 600 + (j % 7) }] });
      }
      await service.bulkWrite(key, { data }, ctx());
    }
    const s = (performance.now() - t) / 1000;
    if (points > 0)
      report(
        `postgres.setup  ${name}: ${points} points written in-process in ${s.toFixed(1)} s (${rate(points / s)} pts/s)`,
      );
    const base = (await store.eventTypeRows(key, 'packet-count-sent')).find((r) => r.summaryType === 'base');
    const baseUri = metadata['event-types'][0]?.['base-uri'];
    if (!base || baseUri === undefined) throw new Error('bench metadata has no base series');
    return { apiKey, baseUri, seriesId: base.seriesId };
  } finally {
    await service.close();
  }
}

// ---------------------------------------------------------------------------------------------
// (a) ingest

const INGEST_FIRST = NOW - 10 * 365 * 86400;
const ingestTs = (put: number, i: number): number => INGEST_FIRST + (put * INGEST_TS_PER_PUT + i) * 60;
const ingestValue = (ts: number, e: number): number => (ts * 31 + e * 7) % 1000;

async function benchIngest(
  pgHttp: BenchClient,
  sqliteHttp: BenchClient,
  pgUrl: string,
  psql: string | undefined,
  report: Report,
): Promise<void> {
  // Bodies and COPY text are built before any clock starts: we time the stores, not the strings.
  const bodies: string[] = [];
  for (let p = 0; p < INGEST_PUTS; p++) {
    const data = Array.from({ length: INGEST_TS_PER_PUT }, (_, i) => {
      const ts = ingestTs(p, i);
      return { ts, val: INGEST_TYPES.map((et, e) => ({ 'event-type': et, val: ingestValue(ts, e) })) };
    });
    bodies.push(JSON.stringify({ data }));
  }
  const points = INGEST_PUTS * INGEST_TS_PER_PUT * INGEST_TYPES.length;
  const put = async (http: BenchClient, name: string): Promise<number> => {
    const md = await http.createMetadata(benchMetadataBody(name, INGEST_TYPES));
    const t = performance.now();
    await inParallel(bodies, INGEST_CONCURRENCY, (body) => http.put(`${md['metadata-key']}/`, body));
    return points / ((performance.now() - t) / 1000);
  };
  const db = new pg.Client({ connectionString: pgUrl });
  await db.connect();
  let pgRate = 0;
  let sqliteRate = 0;
  let copyRate = 0;
  try {
    // Best of REPEAT, the three alternating, so a busy neighbour process skews them alike.
    for (let rep = 0; rep < REPEAT; rep++) {
      pgRate = Math.max(pgRate, await put(pgHttp, `ingest-${rep}`));
      sqliteRate = Math.max(sqliteRate, await put(sqliteHttp, `ingest-${rep}`));
      if (psql === undefined) continue;
      // The same rows into the same table (its primary key and all), series ids of their own.
      const lines: string[] = [];
      for (let p = 0; p < INGEST_PUTS; p++) {
        for (let i = 0; i < INGEST_TS_PER_PUT; i++) {
          const ts = ingestTs(p, i);
          for (let e = 0; e < INGEST_TYPES.length; e++)
            lines.push(`${RAW_SERIES + rep * 10 + e}\t${ts}\t${ingestValue(ts, e)}\n`);
        }
      }
      const text = lines.join('');
      const t = performance.now();
      await copyIn(psql, pgUrl, 'cells (series_id, ts, num)', text);
      copyRate = Math.max(copyRate, points / ((performance.now() - t) / 1000));
    }
    await db.query('DELETE FROM cells WHERE series_id >= $1', [RAW_SERIES]);
  } finally {
    await db.end();
  }
  const shape = `[${points} integer points, ${INGEST_TS_PER_PUT * INGEST_TYPES.length}/PUT, ${INGEST_CONCURRENCY} in flight, best of ${REPEAT}]`;
  if (psql === undefined) {
    report(
      `postgres.ingest bulk PUT ${rate(pgRate)} pts/s; no psql next to the server binaries, so no raw COPY figure`,
    );
  } else {
    const ratio = pgRate / copyRate;
    report(
      `postgres.ingest: ${ratio.toFixed(2)}x of baseline (goal >= 0.5)  bulk PUT ${rate(pgRate)} pts/s, raw COPY ${rate(copyRate)} pts/s` +
        `${ratio >= 0.5 ? '' : '  BELOW GOAL'}  ${shape}`,
    );
  }
  report(
    `postgres.ingest vs SQLite store: bulk PUT ${rate(sqliteRate)} pts/s, PostgreSQL/SQLite ratio ${(pgRate / sqliteRate).toFixed(2)}x`,
  );
}

// ---------------------------------------------------------------------------------------------
// (b) read

async function benchRead(
  pgHttp: BenchClient,
  sqliteHttp: BenchClient,
  pgUrl: string,
  pgSeries: Prepared,
  sqliteSeries: Prepared,
  report: Report,
): Promise<void> {
  const db = new pg.Client({ connectionString: pgUrl, types: PG_TYPES });
  await db.connect();
  let pgRate = 0;
  let sqliteRate = 0;
  let rawRate = 0;
  try {
    const timed = async (read: () => Promise<number>): Promise<number> => {
      const t = performance.now();
      const n = await read();
      if (n !== SERIES_POINTS) throw new Error(`read ${n} points, expected ${SERIES_POINTS}`);
      return n / ((performance.now() - t) / 1000);
    };
    for (let rep = 0; rep < REPEAT; rep++) {
      pgRate = Math.max(pgRate, await timed(() => pgHttp.readSeries(pgSeries.baseUri, NOW, PAGE)));
      sqliteRate = Math.max(sqliteRate, await timed(() => sqliteHttp.readSeries(sqliteSeries.baseUri, NOW, PAGE)));
      rawRate = Math.max(rawRate, await timed(() => rawRead(db, pgSeries.seriesId)));
    }
  } finally {
    await db.end();
  }
  report(
    `postgres.read   ${SERIES_POINTS} pts over HTTP, pages of ${PAGE}: PostgreSQL ${rate(pgRate)} pts/s  SQLite ${rate(sqliteRate)} pts/s` +
      `  raw SELECT ${rate(rawRate)} pts/s  PostgreSQL/raw ${(pgRate / rawRate).toFixed(2)}x  PostgreSQL/SQLite ${(pgRate / sqliteRate).toFixed(2)}x  [best of ${REPEAT}]`,
  );
}

/** The same rows in the same pages straight from PostgreSQL, one point object each; returns the count. */
async function rawRead(db: pg.Client, seriesId: number): Promise<number> {
  let n = 0;
  let sum = 0;
  for (let start = 0; ;) {
    const { rows } = await db.query<[number, number]>({
      name: 'bench_raw_read',
      text: 'SELECT ts, num FROM cells WHERE series_id = $1 AND ts >= $2 AND ts <= $3 ORDER BY ts LIMIT $4',
      values: [seriesId, start, NOW, PAGE],
      rowMode: 'array',
    });
    for (const row of rows) {
      const point = { ts: row[0], val: row[1] };
      sum += point.val;
      n++;
    }
    const last = rows.at(-1);
    if (rows.length < PAGE || last === undefined) break;
    start = last[0] + 1;
  }
  if (sum === 0) throw new Error('empty raw series');
  return n;
}

// ---------------------------------------------------------------------------------------------
// (c) two servers

async function benchTwoServers(first: BenchClient, second: BenchClient, report: Report): Promise<void> {
  let run = 0;
  const writers = async (servers: readonly BenchClient[]): Promise<number> => {
    run++;
    const targets = await Promise.all(
      Array.from({ length: WRITERS }, async (_, w) => {
        const http = servers[w % servers.length] ?? first;
        return {
          http,
          key: (await http.createMetadata(benchMetadataBody(`writers-${run}-${w}`, INGEST_TYPES)))['metadata-key'],
        };
      }),
    );
    const body = (p: number): string =>
      JSON.stringify({
        data: Array.from({ length: WRITER_TS_PER_PUT }, (_, i) => {
          const ts = INGEST_FIRST + (p * WRITER_TS_PER_PUT + i) * 60;
          return { ts, val: INGEST_TYPES.map((et, e) => ({ 'event-type': et, val: ingestValue(ts, e) })) };
        }),
      });
    const bodies = Array.from({ length: WRITER_PUTS }, (_, p) => body(p));
    const t = performance.now();
    await Promise.all(
      targets.map(async ({ http, key }) => {
        for (const b of bodies) await http.put(`${key}/`, b);
      }),
    );
    return (WRITERS * WRITER_PUTS * WRITER_TS_PER_PUT * INGEST_TYPES.length) / ((performance.now() - t) / 1000);
  };
  let one = 0;
  let two = 0;
  for (let rep = 0; rep < REPEAT; rep++) {
    one = Math.max(one, await writers([first]));
    two = Math.max(two, await writers([first, second]));
  }
  report(
    `postgres.writers ${WRITERS} writers, ${WRITER_TS_PER_PUT * INGEST_TYPES.length} pts/PUT: one server ${rate(one)} pts/s  two servers ${rate(two)} pts/s` +
      `  ratio ${(two / one).toFixed(2)}x  [one machine, 2 cores shared with PostgreSQL and the clients; best of ${REPEAT}]`,
  );
}

// ---------------------------------------------------------------------------------------------
// (d) search

async function benchSearch(url: string, serve: (spec: string) => Promise<ChildArchive>, report: Report): Promise<void> {
  const store: ArchiveStore = await openStore(url);
  let http: BenchClient | undefined;
  let filled = 0;
  try {
    for (const size of SEARCH_SIZES) {
      const t = performance.now();
      for (; filled < size; filled += 10_000)
        await store.insertMetadata(meshRecords(filled, Math.min(size, filled + 10_000)));
      const s = (performance.now() - t) / 1000;
      // What autovacuum would do after such a load, so the planner knows the tables' sizes.
      await analyze(url);
      http ??= new BenchClient((await serve(url)).url, '');
      const pairs = size / 4;
      let n = 0;
      const pick = (m: number): number => (n = (n * 1103515245 + 12345) % 2147483648) % m;
      const kinds: Array<[string, () => string]> = [
        ['param rare', () => `?ip-packet-size=${100 + pick(1000)}`],
        [
          'params 3 (~1/200)',
          () => `?ip-tos=${4 * pick(64)}&time-duration=${[20, 30, 60][pick(3)]}&ip-transport-protocol=tcp&limit=10`,
        ],
        ['param common', () => `?ip-transport-protocol=tcp&limit=10&offset=${pick(1000)}`],
        ['source+param', () => `?source=${meshSource(pick(pairs))}&pscheduler-test-type=throughput`],
        ['event-type+param', () => `?event-type=throughput&bw-parallel-streams=${1 + pick(8)}&limit=10`],
      ];
      const client = http;
      for (let i = 0; i < 10; i++) for (const [, q] of kinds) await client.get(q()); // warm-up
      const times = kinds.map(() => [] as number[]);
      for (let i = 0; i < SEARCH_ROUNDS; i++) {
        for (const [k, [, q]] of kinds.entries()) {
          const path = q();
          const began = performance.now();
          await client.get(path);
          times[k]?.push(performance.now() - began);
        }
      }
      const all = times.flat();
      const p50 = pct(all, 50);
      report(
        `postgres.search ${size} metadata (loaded in ${s.toFixed(1)} s): p50 ${p50.toFixed(2)} ms  p95 ${pct(all, 95).toFixed(2)} ms` +
          `${size >= 100_000 ? ` (goal p50 <= 5 ms)${p50 <= 5 ? '' : '  BELOW GOAL'}` : ''}  [${all.length} requests over HTTP]`,
      );
      report(
        `postgres.search ${size}: per query p50/p95 ms: ${kinds.map(([name], k) => `${name} ${pct(times[k] ?? [], 50).toFixed(2)}/${pct(times[k] ?? [], 95).toFixed(2)}`).join(', ')}`,
      );
    }
  } finally {
    await store.close();
  }
}

async function analyze(url: string): Promise<void> {
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  try {
    await db.query('ANALYZE');
  } finally {
    await db.end();
  }
}
