/**
 * esmond-ps-get end to end (issue: query tools), loopback only:
 *  (a) `esmond-ps-get -o csv` over a 1 M-point throughput series served by the embedded archive
 *      in a child process, beside a raw page fetch + JSON.parse of the same pages (same page size,
 *      same keep-alive transport) in the same run; points/s and the ratio; other formats too;
 *  (b) `--help` cold start of the built bin (dist/) beside a bare `node -e 0`.
 * Rows go to a sink that counts bytes, so the figures are the tool's, not the terminal's.
 *
 * Measured 2026-11-25 (2 cores, ESMOND_BENCH_GET_POINTS=200000), ratio to raw fetch+JSON.parse:
 * before the point encoder / read-ahead work csv 0.41x, json 0.29x, ndjson 0.33x, human 0.38x,
 * --help 396 ms (bare node 77 ms); after csv 0.69-0.79x, json 0.59-0.72x, ndjson 0.68-0.78x,
 * human 0.70-0.71x, --help 99 ms (bare node 62 ms). The lower figures are with number digits
 * from JSON.stringify (bounded old generation on long runs); this series' values repeat every
 * 9973 points, which favours String()'s number-string cache.
 * @module
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { Agent, request } from 'undici';
import { run } from '../src/cli/get.js';
import type { CliIo } from '../src/cli/io.js';
import { openSqliteArchive } from '../src/archive/service.js';
import type { RequestContext } from '../src/archive/types.js';
import { startChildArchive } from './support/child-archive.js';

type Report = (line: string) => void;

const POINTS = Number(process.env['ESMOND_BENCH_GET_POINTS'] ?? 1_000_000);
const STEP = 30;
const T0 = 1_600_000_000;
const T_END = T0 + POINTS * STEP;
/** esmond-ps-get asks for pages of this size, like the original (`limit=1000`). */
const PAGE = 1000;

const ctx = (): RequestContext => ({
  requestUrl: new URL('http://127.0.0.1/esmond/perfsonar/archive/'),
  prefix: '/esmond',
  // Metadata searches filter on time-updated (the write time), and esmond-ps-get sends -S/-E as
  // time filters, so the series must look written inside the window it is read for.
  now: T_END,
});

async function buildArchive(dbPath: string): Promise<void> {
  const service = openSqliteArchive(dbPath, { resolver: false });
  try {
    const { metadata } = await service.createMetadata(
      {
        'subject-type': 'point-to-point',
        source: '10.0.0.1',
        destination: '10.0.0.2',
        'measurement-agent': '10.0.0.1',
        'tool-name': 'pscheduler/iperf3',
        'event-types': [{ 'event-type': 'throughput' }],
      },
      ctx(),
    );
    for (let i = 0; i < POINTS; i += 10_000) {
      const data = [];
      for (let j = i; j < Math.min(POINTS, i + 10_000); j++) {
        data.push({ ts: T0 + j * STEP, val: [{ 'event-type': 'throughput', val: 9_000_000_000 + (j % 9973) * 1000 }] });
      }
      await service.bulkWrite(metadata['metadata-key'], { data }, ctx());
    }
  } finally {
    await service.close();
  }
}

/** The baseline: fetch the same series page by page and JSON.parse each page, nothing else. */
async function rawPages(url: string, dispatcher: Agent): Promise<number> {
  const search = await request(`${url}/esmond/perfsonar/archive/?event-type=throughput`, { dispatcher });
  const [md] = (await search.body.json()) as Array<{ 'event-types': Array<{ 'base-uri': string }> }>;
  const baseUri = md?.['event-types'][0]?.['base-uri'];
  if (baseUri === undefined) throw new Error('bench series not found');
  let count = 0;
  let start = T0;
  for (;;) {
    const res = await request(`${url}${baseUri}?time-start=${start}&time-end=${T_END}&limit=${PAGE}`, { dispatcher });
    const page = JSON.parse(await res.body.text()) as Array<{ ts: number }>;
    count += page.length;
    if (page.length < PAGE) return count;
    start = page[page.length - 1]!.ts + 1;
  }
}

async function runGet(url: string, format: string): Promise<{ ms: number; bytes: number; code: number }> {
  let bytes = 0;
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      bytes += chunk.length;
      cb();
    },
  });
  const io: CliIo = {
    stdout: sink,
    stderr: new PassThrough(),
    stdin: new PassThrough(),
    env: {},
    now: () => (T_END + 60) * 1000,
    cwd: process.cwd(),
  };
  const argv = ['-u', url, '-s', '10.0.0.1', '-d', '10.0.0.2', '-e', 'throughput', '-I', '-o', format];
  argv.push('-S', new Date(T0 * 1000).toISOString(), '-E', new Date(T_END * 1000).toISOString());
  const began = performance.now();
  const code = await run(argv, io);
  return { ms: performance.now() - began, bytes, code };
}

const perSecond = (n: number, ms: number): string => Math.round(n / (ms / 1000)).toLocaleString('en-US');

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function coldStart(report: Report): void {
  if (!existsSync('dist/bin/esmond-ps-get.js')) {
    const b = spawnSync('npm', ['run', 'build'], { stdio: 'ignore' });
    if (b.status !== 0) throw new Error('npm run build failed');
  }
  const time = (args: string[]): number => {
    const t = performance.now();
    const r = spawnSync(process.execPath, args, { stdio: 'ignore' });
    if (r.status !== 0) throw new Error(`node ${args.join(' ')} exited ${r.status}`);
    return performance.now() - t;
  };
  const runs = 11;
  const node = median(Array.from({ length: runs }, () => time(['-e', '0'])));
  const help = median(Array.from({ length: runs }, () => time(['dist/bin/esmond-ps-get.js', '--help'])));
  report(
    `get.help   --help cold start ${help.toFixed(0)} ms (median of ${runs})  bare node ${node.toFixed(0)} ms  tool's own ${(help - node).toFixed(0)} ms`,
  );
}

export default async function getBench(report: Report): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'esmond-get-bench-'));
  const dbPath = join(dir, 'get.sqlite');
  const dispatcher = new Agent({ connections: 1 });
  try {
    let t = performance.now();
    await buildArchive(dbPath);
    report(
      `get.setup  ${POINTS.toLocaleString('en-US')}-point throughput series written in ${((performance.now() - t) / 1000).toFixed(1)} s`,
    );
    const server = await startChildArchive(dbPath);
    try {
      // Warm both paths once (JIT, connection, SQLite page cache), then alternate and keep the best.
      await rawPages(server.url, dispatcher);
      let raw = Infinity;
      let csv = Infinity;
      for (let rep = 0; rep < 2; rep++) {
        t = performance.now();
        const n = await rawPages(server.url, dispatcher);
        if (n !== POINTS) throw new Error(`raw read ${n} points, expected ${POINTS}`);
        raw = Math.min(raw, performance.now() - t);
        const r = await runGet(server.url, 'csv');
        if (r.code !== 0 || r.bytes < POINTS * 20)
          throw new Error(`esmond-ps-get -o csv exited ${r.code} after ${r.bytes} bytes`);
        csv = Math.min(csv, r.ms);
      }
      report(
        `get.csv    esmond-ps-get -o csv ${perSecond(POINTS, csv)} pts/s  raw fetch+JSON.parse ${perSecond(POINTS, raw)} pts/s  ratio ${(raw / csv).toFixed(2)}x`,
      );
      for (const format of ['json', 'ndjson', 'human']) {
        const r = await runGet(server.url, format);
        if (r.code !== 0 || r.bytes < POINTS * 20)
          throw new Error(`esmond-ps-get -o ${format} exited ${r.code} after ${r.bytes} bytes`);
        report(
          `get.${format.padEnd(7)} ${perSecond(POINTS, r.ms)} pts/s  (${(r.bytes / 1e6).toFixed(0)} MB out)  ratio ${(raw / r.ms).toFixed(2)}x`,
        );
      }
    } finally {
      await server.stop();
    }
    coldStart(report);
  } finally {
    await dispatcher.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
