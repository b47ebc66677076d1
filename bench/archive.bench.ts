/**
 * Embedded archive benchmark, loopback only, about two minutes:
 *  (a) bulk-PUT ingest over HTTP vs a raw better-sqlite3 insert of the same rows (goal ≥ 0.4×),
 *      plus realistic powstream bulks with their summaries (no raw equivalent: information only);
 *  (b) metadata search latency with ~10 000 metadata (goal p50 ≤ 5 ms);
 *  (c) reading a 1 M-point series over HTTP page by page vs reading the rows from SQLite.
 * The server runs in a child process so the load generator does not steal its CPU.
 * @module
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BenchClient as Client, inParallel, pct, rate } from './support/bench-http.js';
import { startChildArchive, type ChildArchive } from './support/child-archive.js';
import { seedArchive } from '../src/archive/seed.js';
import { latencyModel } from '../src/archive/seed/latency.js';
import { buildMesh } from '../src/archive/seed/mesh.js';
import type { BulkItem } from '../src/archive/seed/model.js';
import { Rng } from '../src/archive/seed/prng.js';
import { openSqliteArchive } from '../src/archive/service.js';
import type { ArchiveService, RequestContext } from '../src/archive/types.js';

const NOW = Math.floor(Date.now() / 1000);
/** Hosts of the search mesh: 51·50 ordered pairs × 4 tests = 10 200 metadata. */
const SEARCH_HOSTS = 51;
const SERIES_POINTS = 1_000_000;
const SERIES_STEP = 30;
const INGEST_POINTS = 400_000;
const INGEST_TS_PER_PUT = 500;
const INGEST_TYPES = ['packet-count-sent', 'packet-count-lost', 'packet-duplicates', 'packet-reorders'] as const;
/** Requests kept in flight by the ingest client (keeps the server busy between requests). */
const INGEST_CONCURRENCY = 2;
const SEARCH_ROUNDS = 150;
/** Throughput figures are the best of this many runs (the machine may be shared). */
const REPEAT = 3;

type Report = (line: string) => void;

export default async function archiveBench(report: Report): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'esmond-bench-'));
  let server: ChildArchive | undefined;
  try {
    const dbPath = join(dir, 'archive.sqlite');
    const setup = await prepareArchive(dbPath, report);
    const raw = new Database(join(dir, 'raw.sqlite'));
    raw.pragma('journal_mode = WAL');
    raw.pragma('synchronous = NORMAL');
    raw.exec(
      'CREATE TABLE points (series INTEGER NOT NULL, ts INTEGER NOT NULL, val INTEGER NOT NULL, PRIMARY KEY (series, ts)) WITHOUT ROWID',
    );
    server = await startChildArchive(dbPath);
    const http = new Client(server.url, setup.apiKey);
    await benchIngest(http, raw, setup, report);
    await benchRealisticIngest(http, report);
    await benchSearch(http, setup, report);
    await benchRead(http, raw, setup.seriesBaseUri, report);
    raw.close();
  } finally {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// setup

interface Setup {
  apiKey: string;
  /** [source, destination] of every throughput test, for search parameters. */
  pairs: Array<[string, string]>;
  hostnames: string[];
  keys: string[];
  seriesBaseUri: string;
  ingestBodies: string[];
  /** Points/s of the ingest workload written in-process. */
  inProcessIngest: number;
}

const ctx = (): RequestContext => ({
  requestUrl: new URL('http://127.0.0.1/esmond/perfsonar/archive/'),
  prefix: '/esmond',
  now: NOW,
});

/** Fills the archive in-process (fast), then closes it for the server to open. */
async function prepareArchive(dbPath: string, report: Report): Promise<Setup> {
  const service = openSqliteArchive(dbPath, { resolver: false });
  try {
    const apiKey = await service.addUser('bench');
    let t = performance.now();
    const seeded = await seedArchive(service, { hosts: SEARCH_HOSTS, days: 0, seed: 1, now: NOW });
    let s = (performance.now() - t) / 1000;
    report(
      `archive.setup   ${seeded.metadata} metadata created in-process in ${s.toFixed(1)} s (${rate(seeded.metadata / s)} /s)`,
    );
    const all = (await service.searchMetadata(new URLSearchParams({ limit: '100000' }), ctx())).body;
    const tput = all.filter((m) => m['tool-name'] === 'pscheduler/iperf3');
    t = performance.now();
    const seriesBaseUri = await writeBigSeries(service);
    s = (performance.now() - t) / 1000;
    report(
      `archive.setup   ${rate(SERIES_POINTS)} integer points written in-process in ${s.toFixed(1)} s (${rate(SERIES_POINTS / s)} pts/s)`,
    );
    const bodies = ingestBodies();
    const inProcessIngest = await ingestInProcess(service, bodies);
    return {
      ingestBodies: bodies,
      inProcessIngest,
      apiKey,
      pairs: tput.map((m) => [String(m.source), String(m.destination)]),
      hostnames: [...new Set(all.map((m) => String(m['input-source'])))],
      keys: all.map((m) => m['metadata-key']),
      seriesBaseUri,
    };
  } finally {
    await service.close();
  }
}

function benchMetadataBody(name: string, eventTypes: readonly string[]): Record<string, unknown> {
  return {
    'subject-type': 'point-to-point',
    source: '10.255.0.1',
    destination: '10.255.0.2',
    'measurement-agent': '10.255.0.1',
    'tool-name': 'bench',
    'input-source': 'bench-a.example.net',
    'input-destination': 'bench-b.example.net',
    'bench-series': name,
    'event-types': eventTypes.map((e) => ({ 'event-type': e })),
  };
}

/** One metadata with a 1 M-point integer series ending before NOW; returns its base-uri. */
async function writeBigSeries(service: ArchiveService): Promise<string> {
  const { metadata } = await service.createMetadata(benchMetadataBody('read-1M', ['packet-count-sent']), ctx());
  const first = NOW - SERIES_POINTS * SERIES_STEP;
  for (let i = 0; i < SERIES_POINTS; i += 10_000) {
    const data = [];
    for (let j = i; j < Math.min(SERIES_POINTS, i + 10_000); j++) {
      data.push({ ts: first + j * SERIES_STEP, val: [{ 'event-type': 'packet-count-sent', val: 600 + (j % 7) }] });
    }
    await service.bulkWrite(metadata['metadata-key'], { data }, ctx());
  }
  const et = metadata['event-types'][0];
  if (et === undefined) throw new Error('bench metadata has no event type');
  return et['base-uri'];
}

// ---------------------------------------------------------------------------------------------
// (a) ingest

const INGEST_FIRST = NOW - 10 * 365 * 86400;
const ingestValue = (ts: number, e: number): number => (ts * 31 + e * 7) % 1000;

/** The ingest workload as PUT bodies (built before any clock starts: we time the archive, not JSON.stringify). */
function ingestBodies(): string[] {
  const puts = Math.ceil(INGEST_POINTS / (INGEST_TS_PER_PUT * INGEST_TYPES.length));
  const bodies: string[] = [];
  for (let p = 0; p < puts; p++) {
    const data = [];
    for (let i = 0; i < INGEST_TS_PER_PUT; i++) {
      const ts = INGEST_FIRST + (p * INGEST_TS_PER_PUT + i) * 60;
      data.push({ ts, val: INGEST_TYPES.map((et, e) => ({ 'event-type': et, val: ingestValue(ts, e) })) });
    }
    bodies.push(JSON.stringify({ data }));
  }
  return bodies;
}

/**
 * The same workload straight into the core (JSON.parse + bulkWrite), best of REPEAT: tells the
 * HTTP layer's cost from the core's.
 */
async function ingestInProcess(service: ArchiveService, bodies: readonly string[]): Promise<number> {
  let best = 0;
  for (let rep = 0; rep < REPEAT; rep++) {
    const { metadata } = await service.createMetadata(
      benchMetadataBody(`ingest-in-process-${rep}`, INGEST_TYPES),
      ctx(),
    );
    const t = performance.now();
    for (const body of bodies) await service.bulkWrite(metadata['metadata-key'], JSON.parse(body), ctx());
    best = Math.max(best, (bodies.length * INGEST_TS_PER_PUT * INGEST_TYPES.length) / ((performance.now() - t) / 1000));
  }
  return best;
}

async function benchIngest(http: Client, raw: Database.Database, setup: Setup, report: Report): Promise<void> {
  const bodies = setup.ingestBodies;
  const perPut = INGEST_TS_PER_PUT * INGEST_TYPES.length;
  const puts = bodies.length;
  const points = puts * perPut;
  const insert = raw.prepare('INSERT INTO points (series, ts, val) VALUES (?, ?, ?)');
  let httpRate = 0;
  let rawRate = 0;
  // Best of REPEAT, alternating HTTP and raw, so a busy neighbour process skews both alike.
  for (let rep = 0; rep < REPEAT; rep++) {
    const md = await http.createMetadata(benchMetadataBody(`ingest-${rep}`, INGEST_TYPES));
    const key = md['metadata-key'];
    let t = performance.now();
    await inParallel(bodies, INGEST_CONCURRENCY, (body) => http.put(`${key}/`, body));
    httpRate = Math.max(httpRate, points / ((performance.now() - t) / 1000));

    const batch = raw.transaction((p: number) => {
      for (let i = 0; i < INGEST_TS_PER_PUT; i++) {
        const ts = INGEST_FIRST + (p * INGEST_TS_PER_PUT + i) * 60;
        for (let e = 0; e < INGEST_TYPES.length; e++) insert.run(rep * 10 + e + 1, ts, ingestValue(ts, e));
      }
    });
    t = performance.now();
    for (let p = 0; p < puts; p++) batch(p);
    rawRate = Math.max(rawRate, points / ((performance.now() - t) / 1000));
  }
  const ratio = httpRate / rawRate;
  report(
    `archive.ingest  bulk PUT ${rate(httpRate)} pts/s  raw sqlite ${rate(rawRate)} pts/s  ratio ${ratio.toFixed(2)}x (goal >= 0.4x)` +
      `  [${points} integer points, ${perPut}/PUT, ${INGEST_CONCURRENCY} in flight, best of ${REPEAT}]${ratio >= 0.4 ? '' : '  BELOW GOAL'}`,
  );
  report(
    `archive.ingest  same rows in-process (JSON.parse + service.bulkWrite) ${rate(setup.inProcessIngest)} pts/s (best of ${REPEAT})` +
      `  ratio ${(setup.inProcessIngest / rawRate).toFixed(2)}x of raw: HTTP keeps ${((httpRate / setup.inProcessIngest) * 100).toFixed(0)} % of the core's rate`,
  );
}

/** Realistic powstream bulks: 9 event types per ts, histograms, 17 summary series kept up to date. */
async function benchRealisticIngest(http: Client, report: Report): Promise<void> {
  const rng = new Rng(99);
  const end = NOW - 400 * 86400;
  const mesh = buildMesh(rng.fork('mesh'), 2, end - 3 * 86400, end);
  const pair = mesh.pairs[0];
  if (pair === undefined) throw new Error('no pair');
  const model = latencyModel(60);
  const md = await http.createMetadata(model.metadata(pair));
  const bodies: string[] = [];
  let batch: BulkItem[] = [];
  let points = 0;
  for (const item of model.runs(mesh, pair, rng.fork('runs'))) {
    batch.push(item);
    points += item.val.length;
    if (batch.length === 500) {
      bodies.push(JSON.stringify({ data: batch }));
      batch = [];
    }
  }
  if (batch.length > 0) bodies.push(JSON.stringify({ data: batch }));
  const t = performance.now();
  await inParallel(bodies, INGEST_CONCURRENCY, (body) => http.put(`${md['metadata-key']}/`, body));
  const s = (performance.now() - t) / 1000;
  report(
    `archive.ingest  powstream bulk PUT ${rate(points / s)} pts/s (${rate(points / 9 / s)} results/s)` +
      `  [${points} values incl. histograms, 17 summary series; information only]`,
  );
}

// ---------------------------------------------------------------------------------------------
// (b) search

async function benchSearch(http: Client, setup: Setup, report: Report): Promise<void> {
  const rng = new Rng(5);
  const pair = (): [string, string] => rng.pick(setup.pairs);
  const kinds: Array<[string, () => string]> = [
    [
      'src+dst+event-type',
      () => {
        const [s, d] = pair();
        return `?source=${enc(s)}&destination=${enc(d)}&event-type=throughput`;
      },
    ],
    ['tool+input-source', () => `?tool-name=pscheduler%2Fpowstream&input-source=${enc(rng.pick(setup.hostnames))}`],
    ['source+event-type', () => `?source=${enc(pair()[0])}&event-type=histogram-owdelay`],
    [
      'event-type+summary',
      () =>
        `?event-type=packet-loss-rate&summary-type=aggregation&summary-window=3600&limit=10&offset=${rng.int(0, 2000)}`,
    ],
    ['detail by key', () => `${rng.pick(setup.keys)}/`],
  ];
  for (let i = 0; i < 20; i++) for (const [, q] of kinds) await http.get(q()); // warm-up
  // Rounds interleave the query kinds so that a noisy moment hits all of them alike.
  const times = kinds.map(() => [] as number[]);
  let found = 0;
  for (let i = 0; i < SEARCH_ROUNDS; i++) {
    for (const [k, [, q]] of kinds.entries()) {
      const url = q();
      const t = performance.now();
      const body = await http.get(url);
      times[k]?.push(performance.now() - t);
      found += Array.isArray(body) ? body.length : 1;
    }
  }
  const all = times.flat();
  const parts = kinds.map(
    ([name], k) => `${name} ${pct(times[k] ?? [], 50).toFixed(2)}/${pct(times[k] ?? [], 95).toFixed(2)}`,
  );
  const p50 = pct(all, 50);
  report(
    `archive.search  ${setup.keys.length} metadata  p50 ${p50.toFixed(2)} ms  p95 ${pct(all, 95).toFixed(2)} ms (goal p50 <= 5 ms)` +
      `${p50 <= 5 ? '' : '  BELOW GOAL'}  [${all.length} requests, ${found} objects]`,
  );
  report(`archive.search  per query p50/p95 ms: ${parts.join(', ')}`);
}

// ---------------------------------------------------------------------------------------------
// (c) read

async function benchRead(http: Client, raw: Database.Database, baseUri: string, report: Report): Promise<void> {
  const insert = raw.prepare('INSERT INTO points (series, ts, val) VALUES (100, ?, ?)');
  const first = NOW - SERIES_POINTS * SERIES_STEP;
  raw.transaction(() => {
    for (let j = 0; j < SERIES_POINTS; j++) insert.run(first + j * SERIES_STEP, 600 + (j % 7));
  })();
  for (const pageSize of [10_000, 1_000]) {
    let httpRate = 0;
    let rawRate = 0;
    let pages = 0;
    for (let rep = 0; rep < REPEAT; rep++) {
      const t = performance.now();
      let count = 0;
      let start = 0;
      pages = 0;
      // The esmond client's paging: limit N, then time-start = last ts + 1 until a short page.
      for (;;) {
        const page = (await http.get(`${baseUri}?time-start=${start}&time-end=${NOW}&limit=${pageSize}`)) as Array<{
          ts: number;
        }>;
        pages++;
        count += page.length;
        const last = page.at(-1);
        if (page.length < pageSize || last === undefined) break;
        start = last.ts + 1;
      }
      const s = (performance.now() - t) / 1000;
      if (count !== SERIES_POINTS) throw new Error(`read ${count} points, expected ${SERIES_POINTS}`);
      httpRate = Math.max(httpRate, count / s);
      rawRate = Math.max(rawRate, rawRead(raw));
    }
    report(
      `archive.read    ${rate(SERIES_POINTS)} pts over HTTP, ${pages} pages of ${pageSize}: ${rate(httpRate)} pts/s` +
        `  raw sqlite ${rate(rawRate)} pts/s  ratio ${(httpRate / rawRate).toFixed(2)}x  [best of ${REPEAT}]`,
    );
  }
}

/** Rows/s of iterating the same series straight out of SQLite, building each point object. */
function rawRead(raw: Database.Database): number {
  const t = performance.now();
  let n = 0;
  let sum = 0;
  for (const row of raw.prepare('SELECT ts, val FROM points WHERE series = 100 ORDER BY ts').iterate() as Iterable<{
    ts: number;
    val: number;
  }>) {
    const point = { ts: row.ts, val: row.val };
    sum += point.val;
    n++;
  }
  if (sum === 0) throw new Error('empty raw series');
  return n / ((performance.now() - t) / 1000);
}

// ---------------------------------------------------------------------------------------------
// plumbing

function enc(s: string): string {
  return encodeURIComponent(s);
}
