/**
 * The archive's read path against its same-process limit, its latency under a big export, and
 * search at 100 000 metadata, loopback only. The server runs in a child process:
 *  (a) data GETs of 10 000-point pages of a 1 M-point integer series, a 100 000-point histogram
 *      series and its statistics summary, paged the esmond client's way (time-start = last ts + 1),
 *      vs better-sqlite3 iterating the same rows in raw mode and writing the same JSON text by
 *      hand (goal ≥ 0.8×). The baseline is served over HTTP from its own child process and read
 *      by the same client as the archive, so both sides pay the same loopback and client work per
 *      byte (see {@link benchRead});
 *  (b) p50/p99 of small requests (metadata GET, one-point POST) alone and while a client exports
 *      the 1 M-point series (goal p99 ≤ 50 ms);
 *  (c) metadata search p50 with 100 000 metadata (goal ≤ 5 ms).
 * `ESMOND_BENCH_SPEED_PARTS=search` runs only the parts named (read, latency, search); the
 * search part alone takes about 15 s, and `ESMOND_BENCH_SEARCH_METADATA=10000` sets its size.
 * @module
 */
import Database from 'better-sqlite3';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request, Agent } from 'node:http';
import { fileURLToPath } from 'node:url';
import { startChildServer, type ChildServer } from './support/child-archive.js';
import { rawPageStatement, writeRawPage, type RawForm } from './support/raw-read.js';
import { openSqliteArchive } from '../src/archive/service.js';
import { openSqliteStore } from '../src/archive/storage/sqlite.js';
import { rawCell } from '../src/archive/series.js';
import type { RawCell } from '../src/archive/storage/store.js';
import type { RequestContext } from '../src/archive/types.js';
import { Rng } from '../src/archive/seed/prng.js';
import { fillSearchMetadata, searchQueries } from './support/search-metadata.js';
import { benchMetadataBody } from './support/bench-http.js';

type Report = (line: string) => void;
const NOW = 1_700_000_000;
const BIG = 1_000_000;
const HIST = 100_000;
const PAGE = 10_000;
const REPEAT = 3;
const METADATA = 100_000;
const LIST = '/esmond/perfsonar/archive/';
const PARTS = new Set((process.env['ESMOND_BENCH_SPEED_PARTS'] ?? 'read,latency,search').split(','));
/**
 * Uncompressed answers: fetch asks for gzip/br by default and the archive compresses when asked,
 * but these figures are of the loopback read path against hand-written JSON text (the WAN bench
 * measures compression).
 */
const PLAIN = { headers: { 'Accept-Encoding': 'identity' } };
const ctx: RequestContext = { requestUrl: new URL(`http://127.0.0.1${LIST}`), prefix: '/esmond', now: NOW };

interface Series {
  name: string;
  path: string;
  seriesId: number;
  points: number;
  /** How the baseline writes a row's point text by hand. */
  form: RawForm;
}

export default async function archiveSpeedBench(report: Report): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'esmond-bench-speed-'));
  const db = join(dir, 'archive.sqlite');
  try {
    if (!PARTS.has('read') && !PARTS.has('latency')) {
      await benchSearchOnly(db, report);
      return;
    }
    const { series, key, detail, post } = await prepare(db);
    const server = await startChildServer(fileURLToPath(new URL('./support/archive-server.ts', import.meta.url)), [db]);
    const rawServer = await startChildServer(fileURLToPath(new URL('./support/raw-read-server.ts', import.meta.url)), [
      db,
    ]);
    const raw = new Database(db, { readonly: true });
    try {
      if (PARTS.has('read')) for (const s of series) await benchRead(server, rawServer, raw, s, report);
      if (PARTS.has('latency')) await benchLatency(server.url, key, detail, post, series[0] as Series, report);
      if (PARTS.has('search')) await benchSearch(server.url, raw, report);
    } finally {
      raw.close();
      await rawServer.stop();
      await server.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The search part alone: the same metadata, without the data series the other parts read. */
async function benchSearchOnly(db: string, report: Report): Promise<void> {
  await fillSearchMetadata(db, Number(process.env['ESMOND_BENCH_SEARCH_METADATA'] ?? METADATA));
  const server = await startChildServer(fileURLToPath(new URL('./support/archive-server.ts', import.meta.url)), [db]);
  const raw = new Database(db, { readonly: true });
  try {
    await benchSearch(server.url, raw, report);
  } finally {
    raw.close();
    await server.stop();
  }
}

async function prepare(db: string): Promise<{ series: Series[]; key: string; detail: string; post: string }> {
  const service = openSqliteArchive(db, { resolver: false });
  const key = await service.addUser('bench');
  const md = async (name: string, eventTypes: readonly object[]) =>
    (await service.createMetadata(benchMetadataBody(name, eventTypes), ctx)).metadata;
  const big = await md('read-1M', [{ 'event-type': 'packet-count-sent' }]);
  const hist = await md('read-hist', [
    { 'event-type': 'histogram-owdelay', summaries: [{ 'summary-type': 'statistics', 'summary-window': 0 }] },
  ]);
  const small = await md('probe', [{ 'event-type': 'packet-count-lost' }]);
  await service.close();
  // Cells go straight into the store (fast setup; the read path is what is measured).
  const store = openSqliteStore(db);
  const ids = new Database(db, { readonly: true });
  const idOf = (k: string, et: string, st: string): number =>
    ids
      .prepare(
        'SELECT e.id FROM event_types e JOIN metadata m ON m.id = e.metadata_id WHERE m.metadata_key = ? AND e.event_type = ? AND e.summary_type = ?',
      )
      .pluck()
      .get(k, et, st) as number;
  const bigId = idOf(big['metadata-key'], 'packet-count-sent', 'base');
  const histId = idOf(hist['metadata-key'], 'histogram-owdelay', 'base');
  const statsId = idOf(hist['metadata-key'], 'histogram-owdelay', 'statistics');
  ids.close();
  const first = NOW - BIG * 30;
  for (let i = 0; i < BIG; i += 50_000) {
    const cells: RawCell[] = [];
    for (let j = i; j < i + 50_000; j++)
      cells.push({
        seriesId: bigId,
        cell: { ts: first + j * 30, num: 600 + (j % 7), den: null, doc: null, out: null },
      });
    await store.putCells(cells);
  }
  const rng = new Rng(3);
  for (let i = 0; i < HIST; i += 10_000) {
    const cells: RawCell[] = [];
    for (let j = i; j < i + 10_000; j++) {
      const ts = NOW - HIST * 60 + j * 60;
      const pairs: Array<[string, number]> = Array.from({ length: 8 }, (_, b) => [
        (20 + b * 0.1 + rng.int(0, 3) / 100).toFixed(2),
        rng.int(1, 200),
      ]);
      const value = { type: 'histogram' as const, pairs };
      const baseCell = rawCell('histogram', 'base', ts, value);
      const statsCell = rawCell('histogram', 'statistics', ts, value);
      if (baseCell) cells.push({ seriesId: histId, cell: baseCell });
      if (statsCell) cells.push({ seriesId: statsId, cell: statsCell });
    }
    await store.putCells(cells);
  }
  await store.close();
  await fillSearchMetadata(db, METADATA);
  const uri = (m: typeof big, et: string, tail: string) => `${LIST}${m['metadata-key']}/${et}/${tail}`;
  return {
    key,
    detail: `${LIST}${small['metadata-key']}/`,
    post: uri(small, 'packet-count-lost', 'base'),
    series: [
      {
        name: 'integer base, 1 M points',
        path: uri(big, 'packet-count-sent', 'base'),
        seriesId: bigId,
        points: BIG,
        form: 'integer',
      },
      {
        name: 'histogram base, 100 000 points',
        path: uri(hist, 'histogram-owdelay', 'base'),
        seriesId: histId,
        points: HIST,
        form: 'histogram',
      },
      {
        name: 'histogram statistics, 100 000 points',
        path: uri(hist, 'histogram-owdelay', 'statistics/0'),
        seriesId: statsId,
        points: HIST,
        form: 'statistics',
      },
    ],
  };
}

/** Keep-alive connections of the bench's page reads, to either server. */
const agent = new Agent({ keepAlive: true, maxSockets: 1 });
const TS = Buffer.from('{"ts":');

/**
 * One GET's body as bytes, status checked: node:http with no decoding, the leanest client, so the
 * figures are of the servers (both read by it the same way). A kept-alive connection the server
 * closed while it idled is retried once on a new one (as node's documentation advises).
 */
function getBytes(url: string, retry = true): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent, headers: PLAIN.headers }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (b: Buffer) => parts.push(b));
      res.on('error', reject);
      res.on('end', () => {
        if (res.statusCode === 200) resolve(Buffer.concat(parts));
        else reject(new Error(`GET ${url}: ${String(res.statusCode)}`));
      });
    });
    req.on('error', (err: NodeJS.ErrnoException) => {
      if (retry && req.reusedSocket && err.code === 'ECONNRESET') resolve(getBytes(url, false));
      else reject(err);
    });
    req.end();
  });
}

/** How many points a page's bytes hold and the last one's ts (the client's next time-start is ts + 1). */
function pagePoints(body: Buffer): { n: number; last: number } {
  let n = 0;
  let at = -1;
  for (let i = body.indexOf(TS); i >= 0; i = body.indexOf(TS, i + TS.length)) {
    n++;
    at = i;
  }
  return { n, last: at < 0 ? NaN : parseInt(body.toString('latin1', at + 6, at + 26), 10) };
}

/** Whole series over HTTP: pages of PAGE (`pageUrl` of a time-start), the client's paging; returns points/s. */
async function httpExport(pageUrl: (start: number) => string, expect: number, stop?: () => boolean): Promise<number> {
  const t = performance.now();
  let start = 0;
  let count = 0;
  for (;;) {
    const { n, last } = pagePoints(await getBytes(pageUrl(start)));
    count += n;
    if (n < PAGE || stop?.() === true) break;
    start = last + 1;
  }
  if (stop === undefined && count !== expect) throw new Error(`read ${count} points, expected ${expect}`);
  return count / ((performance.now() - t) / 1000);
}

/** The archive's page URL of a series from `start`. */
const archivePage = (url: string, s: Series) => (start: number) =>
  `${url}${s.path}?time-start=${start}&time-end=${NOW}&limit=${PAGE}`;

/**
 * The baseline in this process, as earlier runs measured it: the same pages and text, never
 * flattened nor written anywhere (V8 joins the pieces lazily), so it omits the cost of the bytes.
 */
function rawExport(raw: Database.Database, s: Series): number {
  const stmt = rawPageStatement(raw, s.form);
  const t = performance.now();
  let start = 0;
  let count = 0;
  let chars = 0;
  for (;;) {
    const page = writeRawPage(
      stmt,
      s.form,
      { seriesId: s.seriesId, from: start, to: NOW, limit: PAGE },
      Infinity,
      (text) => {
        chars += text.length;
      },
    );
    count += page.count;
    if (page.count < PAGE) break;
    start = page.last + 1;
  }
  if (count !== s.points || chars === 0) throw new Error(`raw read ${count} points, expected ${s.points}`);
  return count / ((performance.now() - t) / 1000);
}

/** CPU seconds a child process has used so far (Linux /proc; undefined elsewhere). */
function cpuSeconds(server: ChildServer): number | undefined {
  try {
    const stat = readFileSync(`/proc/${String(server.child.pid)}/stat`, 'utf8');
    // After the command name: state is the first field, utime and stime the 12th and 13th (ticks).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

/** A whole export's points/s and the server's CPU microseconds per point (NaN where unknown). */
async function measuredExport(
  server: ChildServer,
  pageUrl: (start: number) => string,
  points: number,
): Promise<{ rate: number; cpu: number }> {
  const before = cpuSeconds(server);
  const rate = await httpExport(pageUrl, points);
  const after = cpuSeconds(server);
  return { rate, cpu: before === undefined || after === undefined ? NaN : ((after - before) * 1e6) / points };
}

/**
 * The archive against its baseline served over the same loopback HTTP and read by the same client
 * (the goal ratio), best of REPEAT alternated rounds. Also each server's CPU per point (least of
 * the rounds), which a loaded machine disturbs less than wall time. The in-process figure of
 * earlier runs is printed for reference: it pays neither the bytes nor a client, so on a series
 * of big points (statistics, ~250 bytes each) it measured the bench's client, not the archive.
 */
async function benchRead(
  server: ChildServer,
  rawServer: ChildServer,
  raw: Database.Database,
  s: Series,
  report: Report,
): Promise<void> {
  let http = { rate: 0, cpu: Infinity };
  let base = { rate: 0, cpu: Infinity };
  let inProcess = 0;
  const best = (a: typeof http, b: typeof http) => ({ rate: Math.max(a.rate, b.rate), cpu: Math.min(a.cpu, b.cpu) });
  const basePage = (start: number) =>
    `${rawServer.url}/${s.form}/${s.seriesId}?time-start=${start}&time-end=${NOW}&limit=${PAGE}`;
  for (let rep = 0; rep < REPEAT; rep++) {
    inProcess = Math.max(inProcess, rawExport(raw, s));
    base = best(base, await measuredExport(rawServer, basePage, s.points));
    http = best(http, await measuredExport(server, archivePage(server.url, s), s.points));
  }
  const ratio = http.rate / base.rate;
  report(
    `archive.read    ${s.name}, pages of ${PAGE}: HTTP ${Math.round(http.rate)} pts/s  raw sqlite + hand-written JSON over HTTP ${Math.round(base.rate)} pts/s` +
      `  ratio ${ratio.toFixed(2)}x (goal >= 0.8x)${ratio >= 0.8 ? '' : '  BELOW GOAL'}  [best of ${REPEAT}]` +
      `; server CPU per point: archive ${http.cpu.toFixed(2)} us, baseline ${base.cpu.toFixed(2)} us (${(base.cpu / http.cpu).toFixed(2)}x)` +
      `; in-process baseline, text not written: ${Math.round(inProcess)} pts/s (${(http.rate / inProcess).toFixed(2)}x)`,
  );
  report(`archive.read ${s.name}: ${ratio.toFixed(2)}x of baseline (goal >= 0.8)`);
}

function pct(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

/** Small requests one after another (a metadata GET, a one-point POST, alternating) for `ms`. */
async function probe(
  url: string,
  key: string,
  detail: string,
  post: string,
  ms: number,
  tsBase: number,
): Promise<number[]> {
  const times: number[] = [];
  const end = performance.now() + ms;
  for (let i = 0; performance.now() < end; i++) {
    const t = performance.now();
    const res =
      i % 2 === 0
        ? await fetch(`${url}${detail}`, PLAIN)
        : await fetch(`${url}${post}`, {
            method: 'POST',
            headers: { ...PLAIN.headers, Authorization: `Token ${key}`, 'Content-Type': 'application/json' },
            body: JSON.stringify({ ts: tsBase + i, val: i }),
          });
    await res.arrayBuffer();
    if (res.status !== 200 && res.status !== 201) throw new Error(`probe: ${res.status}`);
    times.push(performance.now() - t);
    await new Promise((r) => setTimeout(r, 5));
  }
  return times;
}

async function benchLatency(
  url: string,
  key: string,
  detail: string,
  post: string,
  big: Series,
  report: Report,
): Promise<void> {
  const idle = await probe(url, key, detail, post, 3000, NOW - 10_000_000);
  const state = { exporting: true };
  let exported = 0;
  const exporter = (async () => {
    while (state.exporting) {
      await httpExport(archivePage(url, big), big.points, () => !state.exporting);
      exported++;
    }
  })();
  const busy = await probe(url, key, detail, post, 8000, NOW - 5_000_000);
  state.exporting = false;
  await exporter;
  const p99 = pct(busy, 99);
  report(
    `archive.latency small requests alone p50 ${pct(idle, 50).toFixed(1)} ms p99 ${pct(idle, 99).toFixed(1)} ms;` +
      ` during a 1 M-point export p50 ${pct(busy, 50).toFixed(1)} ms p99 ${p99.toFixed(1)} ms (goal p99 <= 50 ms)${p99 <= 50 ? '' : '  BELOW GOAL'}` +
      `  [${busy.length} requests, ${exported} exports started]`,
  );
  report(`archive.latency p99 of small requests during a 1 M-point export: ${p99.toFixed(1)} ms (goal <= 50 ms)`);
}

async function benchSearch(url: string, raw: Database.Database, report: Report): Promise<void> {
  const total = raw.prepare('SELECT COUNT(*) FROM metadata').pluck().get() as number;
  const queries = searchQueries(raw, new Rng(5));
  for (let i = 0; i < 20; i++)
    for (const [, q] of queries) await (await fetch(`${url}${LIST}${q()}`, PLAIN)).arrayBuffer();
  const times = queries.map(() => [] as number[]);
  for (let round = 0; round < 100; round++) {
    for (const [k, [, q]] of queries.entries()) {
      const path = `${url}${LIST}${q()}`;
      const t = performance.now();
      const res = await fetch(path, PLAIN);
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`search ${path}: ${res.status}`);
      times[k]?.push(performance.now() - t);
    }
  }
  const all = times.flat();
  const p50 = pct(all, 50);
  report(
    `archive.search  ${total} metadata  p50 ${p50.toFixed(2)} ms  p95 ${pct(all, 95).toFixed(2)} ms (goal p50 <= 5 ms)${p50 <= 5 ? '' : '  BELOW GOAL'}` +
      `; per query p50/p95: ${queries.map(([n], k) => `${n} ${pct(times[k] ?? [], 50).toFixed(2)}/${pct(times[k] ?? [], 95).toFixed(2)}`).join(', ')}`,
  );
  report(`archive.search p50 at ${total} metadata: ${p50.toFixed(2)} ms (goal <= 5 ms)`);
}
