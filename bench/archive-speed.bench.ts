/**
 * The archive's read path against its same-process limit, its latency under a big export, and
 * search at 100 000 metadata, loopback only. The server runs in a child process:
 *  (a) data GETs of 10 000-point pages of a 1 M-point integer series, a 100 000-point histogram
 *      series and its statistics summary, paged the esmond client's way (time-start = last ts + 1),
 *      vs better-sqlite3 in this process iterating the same rows in raw mode and writing the same
 *      JSON text by hand (goal ≥ 0.8×);
 *  (b) p50/p99 of small requests (metadata GET, one-point POST) alone and while a client exports
 *      the 1 M-point series (goal p99 ≤ 50 ms);
 *  (c) metadata search p50 with 100 000 metadata (goal ≤ 5 ms).
 * @module
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startChildArchive } from './support/child-archive.js';
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
const ctx: RequestContext = { requestUrl: new URL(`http://127.0.0.1${LIST}`), prefix: '/esmond', now: NOW };

interface Series {
  name: string;
  path: string;
  seriesId: number;
  points: number;
  /** One row's JSON point text, written by hand from the raw row. */
  text: (row: unknown[]) => string;
  column: string;
}

export default async function archiveSpeedBench(report: Report): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'esmond-bench-speed-'));
  const db = join(dir, 'archive.sqlite');
  try {
    const { series, key, detail, post } = await prepare(db);
    const server = await startChildArchive(db);
    const raw = new Database(db, { readonly: true });
    try {
      for (const s of series) await benchRead(server.url, raw, s, report);
      await benchLatency(server.url, key, detail, post, series[0] as Series, report);
      await benchSearch(server.url, raw, report);
    } finally {
      raw.close();
      await server.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
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
  const histText = ([ts, doc]: unknown[]): string => {
    let t = '{';
    for (const [k, c] of JSON.parse(doc as string) as Array<[string, number]>)
      t += `${t.length > 1 ? ',' : ''}${JSON.stringify(k)}:${c}`;
    return `{"ts":${ts as number},"val":${t}}}`;
  };
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
        column: 'num',
        text: ([ts, v]) => `{"ts":${ts as number},"val":${v as number}}`,
      },
      {
        name: 'histogram base, 100 000 points',
        path: uri(hist, 'histogram-owdelay', 'base'),
        seriesId: histId,
        points: HIST,
        column: 'doc',
        text: histText,
      },
      {
        name: 'histogram statistics, 100 000 points',
        path: uri(hist, 'histogram-owdelay', 'statistics/0'),
        seriesId: statsId,
        points: HIST,
        column: 'out',
        text: ([ts, out]) => `{"ts":${ts as number},"val":${out as string}}`,
      },
    ],
  };
}

/** The last `"ts":N` of a page's text (the client's next time-start is N + 1). */
function lastTs(text: string): number {
  const at = text.lastIndexOf('{"ts":');
  return at < 0 ? NaN : parseInt(text.slice(at + 6, at + 26), 10);
}

/** Whole series over HTTP: pages of PAGE, the client's paging; returns points/s. */
async function httpExport(url: string, path: string, expect: number, stop?: () => boolean): Promise<number> {
  const t = performance.now();
  let start = 0;
  let count = 0;
  for (;;) {
    const res = await fetch(`${url}${path}?time-start=${start}&time-end=${NOW}&limit=${PAGE}`);
    const text = await res.text();
    if (res.status !== 200) throw new Error(`GET ${path}: ${res.status}`);
    const n = text === '[]' ? 0 : text.split('{"ts":').length - 1;
    count += n;
    if (n < PAGE || stop?.() === true) break;
    start = lastTs(text) + 1;
  }
  if (stop === undefined && count !== expect) throw new Error(`read ${count} points of ${path}, expected ${expect}`);
  return count / ((performance.now() - t) / 1000);
}

/** The same rows straight from SQLite in raw mode, the same pages and JSON text by hand. */
function rawExport(raw: Database.Database, s: Series): number {
  const stmt = raw
    .prepare(`SELECT ts, ${s.column} FROM cells WHERE series_id = ? AND ts >= ? AND ts <= ? ORDER BY ts LIMIT ?`)
    .raw();
  const t = performance.now();
  let start = 0;
  let count = 0;
  let bytes = 0;
  for (;;) {
    let text = '[';
    let n = 0;
    let last = 0;
    for (const row of stmt.iterate(s.seriesId, start, NOW, PAGE) as Iterable<unknown[]>) {
      text += (n === 0 ? '' : ',') + s.text(row);
      last = row[0] as number;
      n++;
    }
    bytes += text.length + 1;
    count += n;
    if (n < PAGE) break;
    start = last + 1;
  }
  if (count !== s.points || bytes === 0) throw new Error(`raw read ${count} points, expected ${s.points}`);
  return count / ((performance.now() - t) / 1000);
}

async function benchRead(url: string, raw: Database.Database, s: Series, report: Report): Promise<void> {
  let httpRate = 0;
  let rawRate = 0;
  for (let rep = 0; rep < REPEAT; rep++) {
    rawRate = Math.max(rawRate, rawExport(raw, s));
    httpRate = Math.max(httpRate, await httpExport(url, s.path, s.points));
  }
  const ratio = httpRate / rawRate;
  report(
    `archive.read    ${s.name}, pages of ${PAGE}: HTTP ${Math.round(httpRate)} pts/s  raw sqlite + hand-written JSON ${Math.round(rawRate)} pts/s` +
      `  ratio ${ratio.toFixed(2)}x (goal >= 0.8x)${ratio >= 0.8 ? '' : '  BELOW GOAL'}  [best of ${REPEAT}]`,
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
        ? await fetch(`${url}${detail}`)
        : await fetch(`${url}${post}`, {
            method: 'POST',
            headers: { Authorization: `Token ${key}`, 'Content-Type': 'application/json' },
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
      await httpExport(url, big.path, big.points, () => !state.exporting);
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
  for (let i = 0; i < 20; i++) for (const [, q] of queries) await (await fetch(`${url}${LIST}${q()}`)).arrayBuffer();
  const times = queries.map(() => [] as number[]);
  for (let round = 0; round < 100; round++) {
    for (const [k, [, q]] of queries.entries()) {
      const path = `${url}${LIST}${q()}`;
      const t = performance.now();
      const res = await fetch(path);
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
