/**
 * esmond-ps-get-bulk over a wide-area link: 4 throughput series × 50 000 points in our archive
 * (its own process), exported to CSV through a delay proxy (bench/support/delay-proxy.ts, also a
 * process of its own: 25 ms each way per 64 KB chunk, about 20 Mbit/s), and straight over
 * loopback. Each case runs the
 * export as it was ("uncompressed": no Accept-Encoding, two series in flight, windows at 0.8 of a
 * page) and as it is now (br/gzip asked for, sizing from the measured round trip), alternately in
 * the same process; the medians are compared. Also prints how gzip and brotli levels do on one
 * 10 000-point page, which is how the archive's settings in src/archive/compress.ts were chosen.
 *
 *   npm run bench -- wan
 *   ESMOND_BENCH_QUICK=1 npm run bench -- wan     # one round instead of three
 * @module
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { request } from 'undici';
import { openSqliteArchive } from '../src/archive/service.js';
import { exportBulk } from '../src/bulk/export.js';
import { createClient } from '../src/client.js';
import type { ProgressSink } from '../src/bulk/progress.js';
import { fileURLToPath } from 'node:url';
import { startChildArchive, startChildServer } from './support/child-archive.js';

const SERIES = 4;
const PER_SERIES = 50_000;
const STEP = 30;
const T_END = 1_764_000_000;
const T_START = T_END - PER_SERIES * STEP;
const ROUNDS = process.env.ESMOND_BENCH_QUICK ? 1 : 3;
const ctx = { requestUrl: new URL('http://127.0.0.1/esmond/perfsonar/archive/'), prefix: '/esmond', now: T_END };

/** Builds (or reuses) the SQLite file of the 4 series. */
async function database(report: (line: string) => void): Promise<string> {
  const db = join(tmpdir(), `esmond-bench-wan-${SERIES}x${PER_SERIES}-v1.sqlite`);
  if (existsSync(`${db}.complete`)) return db;
  rmSync(db, { force: true });
  const service = openSqliteArchive(db, { resolver: false });
  try {
    for (let s = 0; s < SERIES; s++) {
      const src = `10.8.0.${s + 1}`;
      const made = await service.createMetadata(
        {
          'subject-type': 'point-to-point',
          source: src,
          destination: '10.8.1.1',
          'measurement-agent': src,
          'tool-name': 'pscheduler/iperf3',
          'input-source': src,
          'input-destination': '10.8.1.1',
          'event-types': [{ 'event-type': 'throughput', summaries: [] }],
        },
        ctx,
      );
      for (let i = 0; i < PER_SERIES; i += 10_000) {
        const data = Array.from({ length: Math.min(10_000, PER_SERIES - i) }, (_, k) => ({
          ts: T_START + (i + k) * STEP,
          val: [{ 'event-type': 'throughput', val: 9_000_000_000 + (((i + k) * 7919 * (s + 1)) % 1_000_000) }],
        }));
        await service.bulkWrite(made.metadata['metadata-key'], { data }, ctx);
      }
    }
  } finally {
    await service.close();
  }
  writeFileSync(`${db}.complete`, '');
  report(`seeded ${SERIES} x ${PER_SERIES} points (${db})`);
  return db;
}

const quiet: ProgressSink = {
  start: () => undefined,
  advance: () => undefined,
  finished: () => undefined,
  notice: () => undefined,
  stop: () => undefined,
};

/** One export of every series to CSV; resolves to its time, ms, and the files it wrote. */
async function exportOnce(url: string, now: boolean): Promise<{ ms: number; files: Map<string, string> }> {
  const outDir = mkdtempSync(join(tmpdir(), 'esmond-wan-'));
  try {
    const t0 = performance.now();
    const report = await exportBulk({
      createClient: (extra) => createClient({ url, connections: 2, compression: now, ...extra }),
      query: {},
      eventType: 'throughput',
      timeStart: T_START,
      timeEnd: T_END,
      format: 'csv',
      outDir,
      ip: true,
      fingerprint: 'wan-bench',
      progress: quiet,
      ...(now ? {} : { rttSizing: false, concurrency: 2 }),
    });
    const ms = performance.now() - t0;
    if (report.failures > 0) throw new Error(`export failed: ${JSON.stringify(report)}`);
    const files = new Map<string, string>();
    for (const f of readdirSync(outDir)) if (f.endsWith('.csv')) files.set(f, readFileSync(join(outDir, f), 'utf8'));
    return { ms, files };
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

/** Before and after, alternately, `ROUNDS` times each; checks both wrote the same files. */
async function compare(url: string): Promise<{ before: number; after: number }> {
  const before: number[] = [];
  const after: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const b = await exportOnce(url, false);
    const a = await exportOnce(url, true);
    before.push(b.ms);
    after.push(a.ms);
    if (a.files.size !== SERIES || [...b.files].some(([f, text]) => a.files.get(f) !== text))
      throw new Error('the exports before and after differ');
  }
  return { before: median(before), after: median(after) };
}

/** Ratio and speed of gzip and brotli settings on one 10 000-point page of the archive. */
async function levels(url: string, report: (line: string) => void): Promise<void> {
  const client = createClient({ url, compression: false });
  let page: Buffer;
  try {
    const md = await client.searchMetadata({ eventType: 'throughput' }).first();
    if (md === undefined) throw new Error('no series');
    const res = await request(
      `${url}/esmond/perfsonar/archive/${md.key}/throughput/base?time-start=${T_START}&limit=10000`,
    );
    page = Buffer.from(await res.body.arrayBuffer());
  } finally {
    await client.close();
  }
  const settings: Array<[string, (b: Buffer) => Buffer]> = [
    ['gzip 1', (b) => gzipSync(b, { level: 1 })],
    ['gzip 6', (b) => gzipSync(b, { level: 6 })],
    ...[1, 2, 3, 4].map((q): [string, (b: Buffer) => Buffer] => [
      `br ${q}`,
      (b) =>
        brotliCompressSync(b, {
          params: { [constants.BROTLI_PARAM_QUALITY]: q, [constants.BROTLI_PARAM_LGWIN]: 18 },
        }),
    ]),
  ];
  const cells: string[] = [];
  for (const [name, f] of settings) {
    let out = f(page);
    const times: number[] = [];
    for (let i = 0; i < 9; i++) {
      const t0 = performance.now();
      out = f(page);
      times.push(performance.now() - t0);
    }
    const mbs = page.length / 1e6 / (median(times) / 1000);
    cells.push(`${name}: ${(page.length / out.length).toFixed(1)}x at ${mbs.toFixed(0)} MB/s`);
  }
  report(`10 000-point page (${(page.length / 1024).toFixed(0)} KiB): ${cells.join('; ')}`);
}

export default async function wanBench(report: (line: string) => void): Promise<void> {
  const db = await database(report);
  const archive = await startChildArchive(db);
  // The link in a process of its own: its pacing must not wait for the client's event loop.
  const proxy = await startChildServer(fileURLToPath(new URL('./support/delay-proxy-server.ts', import.meta.url)), [
    new URL(archive.url).port,
  ]);
  try {
    await levels(archive.url, report);
    // One export each way first: the archive's page cache and the JIT warm up.
    await exportOnce(archive.url, false);
    await exportOnce(archive.url, true);
    const load = loadavg()[0]?.toFixed(1) ?? '?';
    const wan = await compare(proxy.url);
    report(
      `wan (25 ms each way, 20 Mbit/s), ${SERIES} x ${PER_SERIES} points, median of ${ROUNDS}: uncompressed ${(wan.before / 1000).toFixed(2)} s, now ${(wan.after / 1000).toFixed(2)} s (load ${load})`,
    );
    report(`wan bulk export: ${(wan.before / wan.after).toFixed(2)}x faster than uncompressed (goal >= 2)`);
    const lo = await compare(archive.url);
    report(
      `loopback, median of ${ROUNDS}: uncompressed ${(lo.before / 1000).toFixed(2)} s, now ${(lo.after / 1000).toFixed(2)} s (load ${loadavg()[0]?.toFixed(1) ?? '?'})`,
    );
    report(`loopback: ${(lo.before / lo.after).toFixed(2)}x of uncompressed (goal >= 1.0 within noise)`);
  } finally {
    await proxy.stop();
    await archive.stop();
  }
}
