/**
 * OpenSearch backend export rate: `dataPages()` of the OpenSearch backend against the baseline
 * of the same run, a raw client that fetches the same pages and `JSON.parse`s them, nothing
 * else. Goal ≥ 0.7×.
 *
 * Fair by construction, and checked: the OpenSearch stand-in runs in its own process
 * (bench/support/opensearch-server.ts, memoised answers, so both sides wait on it alike); the
 * baseline sends exactly the requests the backend sends — point in time, the same bodies
 * (`_source` filter, page size, sort, `search_after`), the same `filter_path`, the point in
 * time closed at the end — which the stand-in's request log confirms after every export; both
 * use one keep-alive undici pool per export and ask for the next page while handling the
 * current one. Rounds alternate which side goes first, with a garbage collection before each
 * export; the figure is the median of the per-round ratios, with their spread.
 *
 *   npm run bench -- opensearch
 *   ESMOND_BENCH_QUICK=1 npm run bench -- opensearch   # fewer runs and rounds
 * @module
 */
import { deepStrictEqual } from 'node:assert';
import { loadavg } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Agent, request } from 'undici';
import { createClient } from '../src/client.js';
import { seriesSource } from '../src/query/opensearch/documents.js';
import { PAGE_FILTER_PATH, TIME_SORT } from '../src/query/opensearch/search.js';
import { startChildServer, type ChildServer } from './support/child-archive.js';

const QUICK = process.env.ESMOND_BENCH_QUICK === '1';
const RUNS = QUICK ? 5_000 : 20_000;
const ROUNDS = QUICK ? 3 : 7;
/** The backend's default page size (the baseline asks for the same). */
const PAGE = 1000;
const EVENT_TYPES = ['throughput', 'packet-loss-rate', 'throughput-subintervals'];

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
const spread = (xs: readonly number[]): string => `${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)}`;

/** CPU milliseconds (user + system) of this process since `since`. */
function cpuMs(since: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(since);
  return (d.user + d.system) / 1000;
}

/** The raw client: the backend's requests, each page's body read as text and parsed, nothing else. */
async function rawExport(base: string, key: string, eventType: string): Promise<{ docs: number; bytes: number }> {
  const agent = new Agent({ connections: 8 });
  const post = async (path: string, query: Record<string, string>, body?: unknown): Promise<string> => {
    const qs = new URLSearchParams(query).toString();
    const r = await request(`${base}/${path}${qs === '' ? '' : `?${qs}`}`, {
      dispatcher: agent,
      method: 'POST',
      headers: { accept: 'application/json', 'content-type': 'application/json' },
      body: body === undefined ? null : JSON.stringify(body),
    });
    const text = await r.body.text();
    if (r.statusCode !== 200) throw new Error(`raw ${path}: ${r.statusCode} ${text.slice(0, 200)}`);
    return text;
  };
  try {
    let pit = (JSON.parse(await post('pscheduler_*/_search/point_in_time', { keep_alive: '2m' })) as { pit_id: string })
      .pit_id;
    const query = { bool: { filter: [{ term: { 'pscheduler.test_checksum.keyword': key } }] } };
    const source = seriesSource(eventType);
    const page = async (after: unknown[] | undefined): Promise<{ text: string; hits: Array<{ sort: unknown[] }> }> => {
      const body = {
        size: PAGE,
        query,
        sort: TIME_SORT,
        _source: source,
        track_total_hits: false,
        ...(after === undefined ? {} : { search_after: after }),
        pit: { id: pit, keep_alive: '2m' },
      };
      const text = await post('_search', { filter_path: PAGE_FILTER_PATH }, body);
      const parsed = JSON.parse(text) as { pit_id?: string; hits?: { hits: Array<{ sort: unknown[] }> } };
      if (parsed.pit_id !== undefined) pit = parsed.pit_id;
      return { text, hits: parsed.hits?.hits ?? [] };
    };
    let docs = 0;
    let bytes = 0;
    let pending: ReturnType<typeof page> | undefined = page(undefined);
    while (pending !== undefined) {
      const { text, hits }: Awaited<ReturnType<typeof page>> = await pending;
      pending = hits.length >= PAGE ? page(hits[hits.length - 1]!.sort) : undefined;
      docs += hits.length;
      bytes += text.length;
    }
    const r = await request(`${base}/_search/point_in_time`, {
      dispatcher: agent,
      method: 'DELETE',
      headers: { accept: 'application/json', 'content-type': 'application/json' },
      body: JSON.stringify({ pit_id: [pit] }),
    });
    await r.body.text();
    return { docs, bytes };
  } finally {
    await agent.close();
  }
}

/** The backend: every point of the series through the library, counted. */
async function backendExport(base: string, key: string, eventType: string): Promise<number> {
  const client = createClient({ url: base, archive: 'opensearch' });
  let n = 0;
  try {
    for await (const page of client.dataPages(key, eventType)) n += page.length;
  } finally {
    await client.close();
  }
  return n;
}

/** The requests the stand-in received since the last call (point-in-time ids normalised). */
function requestLog(server: ChildServer): Promise<unknown> {
  return new Promise((resolve) => {
    server.child.once('message', resolve);
    server.child.send('requests');
  });
}

export default async function bench(report: (line: string) => void): Promise<void> {
  const load = loadavg()[0]!;
  const server = await startChildServer(
    new URL('./support/opensearch-server.ts', import.meta.url).pathname,
    [String(RUNS)],
    true,
  );
  const base = server.url;
  const key = String(server.hello.key);
  try {
    // Warm-up: the stand-in answers (and memoises) every page once; both sides' code is compiled.
    for (const et of EVENT_TYPES) {
      await rawExport(base, key, et);
      await backendExport(base, key, et);
    }
    await requestLog(server);

    const ratios = new Map<string, number[]>(EVENT_TYPES.map((et) => [et, []]));
    const rates = new Map<string, { raw: number[]; backend: number[]; bytes: number }>(
      EVENT_TYPES.map((et) => [et, { raw: [], backend: [], bytes: 0 }]),
    );
    const overall: number[] = [];
    const cpuRatios: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      let tRawAll = 0;
      let tBackendAll = 0;
      let cpuRaw = 0;
      let cpuBackend = 0;
      for (const et of EVENT_TYPES) {
        const timeRaw = async (): Promise<number> => {
          gc();
          const c0 = process.cpuUsage();
          const t0 = performance.now();
          const { docs, bytes } = await rawExport(base, key, et);
          const t = performance.now() - t0;
          cpuRaw += cpuMs(c0);
          if (docs !== RUNS) throw new Error(`raw read ${docs} documents, want ${RUNS}`);
          rates.get(et)!.bytes = bytes / docs;
          return t;
        };
        const timeBackend = async (): Promise<number> => {
          gc();
          const c0 = process.cpuUsage();
          const t0 = performance.now();
          const n = await backendExport(base, key, et);
          const t = performance.now() - t0;
          cpuBackend += cpuMs(c0);
          if (n !== RUNS) throw new Error(`backend read ${n} points, want ${RUNS}`);
          return t;
        };
        // Alternate which side goes first; check after each that both sent the same requests.
        let tRaw: number;
        let tBackend: number;
        let rawLog: unknown;
        let backendLog: unknown;
        if (round % 2 === 0) {
          tRaw = await timeRaw();
          rawLog = await requestLog(server);
          tBackend = await timeBackend();
          backendLog = await requestLog(server);
        } else {
          tBackend = await timeBackend();
          backendLog = await requestLog(server);
          tRaw = await timeRaw();
          rawLog = await requestLog(server);
        }
        deepStrictEqual(rawLog, backendLog, `the baseline must send the backend's requests (${et})`);
        ratios.get(et)!.push(tRaw / tBackend);
        rates.get(et)!.raw.push((RUNS / tRaw) * 1000);
        rates.get(et)!.backend.push((RUNS / tBackend) * 1000);
        tRawAll += tRaw;
        tBackendAll += tBackend;
      }
      overall.push(tRawAll / tBackendAll);
      cpuRatios.push(cpuRaw / cpuBackend);
    }
    for (const et of EVENT_TYPES) {
      const r = rates.get(et)!;
      const x = ratios.get(et)!;
      report(
        `opensearch export ${et}: backend ${fmt(median(r.backend))} points/s, raw _search+JSON.parse of the same pages (${fmt(r.bytes)} bytes/doc) ${fmt(median(r.raw))} docs/s → ${median(x).toFixed(2)}× (median of ${ROUNDS} rounds, spread ${spread(x)})`,
      );
    }
    // Client CPU time (this process: parsing, mapping, undici, GC) waits for no core, so it moves less with the load.
    report(
      `opensearch export, client CPU time: backend ${(1 / median(cpuRatios)).toFixed(2)}× the raw client's (median of ${ROUNDS} rounds, spread of raw/backend ${spread(cpuRatios)})`,
    );
    report(
      `opensearch export: ${median(overall).toFixed(2)}x of raw _search (goal >= 0.7), median of ${ROUNDS} rounds, spread ${spread(overall)}, ${RUNS.toLocaleString('en-US')} runs, load ${load.toFixed(1)}→${loadavg()[0]!.toFixed(1)}`,
    );
  } finally {
    await server.stop();
  }
}
