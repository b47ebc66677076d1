/**
 * esmond-ps-get-bulk end to end, loopback only. The archive runs in its own process (the real
 * `esmond-ps-archive serve` over a SQLite file of N throughput points in 10 series); the bulk
 * tool runs as a child process under /usr/bin/time for its peak RSS; then, in this process, the
 * same series are read the plainest way possible — raw keep-alive GETs of 10 000-point pages and
 * `JSON.parse`, nothing written — to put the bulk rate beside the wire rate.
 *
 *   npm run bench -- get-bulk                       # 2 M points
 *   ESMOND_BENCH_BULK_POINTS=5000000 npm run bench -- get-bulk
 *
 * The SQLite file is cached in the temp directory (per N) so repeated runs skip the seeding.
 *
 * Measured 2026-11-25 (2 cores, 5 M points, machine otherwise quiet): raw 689 k points/s;
 * get-bulk csv 748 k points/s (1.09x raw), peak RSS 147 MB; json 649 k points/s (0.94x),
 * peak RSS 164 MB. About 100 MB of the RSS is the loaded program (node, undici's wasm parser);
 * the live heap after a full GC stays near 17 MB whatever N is.
 *
 * Later the same day, after pages and response texts were no longer kept across the next
 * fetch and number digits stopped going through V8's number-string cache (String(x) puts every
 * result in the old generation): raw 833 k points/s; csv 776 k points/s (0.93x), peak RSS
 * 121 MB; json 755 k points/s (0.91x), peak RSS 119 MB. Before those changes, on that machine:
 * csv 489-506 k points/s, 157-159 MB; json 428-430 k points/s, 157-163 MB.
 * @module
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { openSqliteArchive } from '../src/archive/service.js';
import type { BulkReport } from '../src/bulk/types.js';

const N = Number(process.env.ESMOND_BENCH_BULK_POINTS ?? 2_000_000);
const SERIES = 10;
const T_END = 1_764_000_000;
const PER_SERIES = Math.ceil(N / SERIES);
const T_START = T_END - PER_SERIES - 10;
const ctx = { requestUrl: new URL('http://127.0.0.1/esmond/perfsonar/archive/'), prefix: '/esmond', now: T_END };

/** Builds (or reuses) the SQLite file. */
async function database(report: (line: string) => void): Promise<string> {
  const db = join(tmpdir(), `esmond-bench-bulk-${N}-v1.sqlite`);
  const done = `${db}.complete`;
  if (existsSync(done)) return db;
  rmSync(db, { force: true });
  const t0 = performance.now();
  const service = openSqliteArchive(db, { resolver: false });
  try {
    for (let s = 0; s < SERIES; s++) {
      const src = `10.7.0.${s + 1}`;
      const key = (
        await service.createMetadata(
          {
            'subject-type': 'point-to-point',
            source: src,
            destination: '10.7.1.1',
            'measurement-agent': src,
            'tool-name': 'bwctl/iperf3',
            'input-source': src,
            'input-destination': '10.7.1.1',
            'event-types': [{ 'event-type': 'throughput', summaries: [] }],
          },
          ctx,
        )
      ).metadata['metadata-key'];
      for (let i = 0; i < PER_SERIES; i += 10_000) {
        const data = [];
        for (let j = i; j < Math.min(PER_SERIES, i + 10_000); j++) {
          data.push({
            ts: T_START + j,
            val: [{ 'event-type': 'throughput', val: 9_000_000_000 + ((j * 7919) % 1_000_000) }],
          });
        }
        await service.bulkWrite(key, { data }, ctx);
      }
    }
  } finally {
    await service.close();
  }
  writeFileSync(done, '');
  report(`seeded ${N} points in ${SERIES} series in ${((performance.now() - t0) / 1000).toFixed(1)} s (${db})`);
  return db;
}

/** Starts `esmond-ps-archive serve` on a free port; resolves to its URL and a stop function. */
async function serveArchive(db: string): Promise<{ url: string; stop: () => Promise<void> }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'src/bin/esmond-ps-archive.ts', 'serve', '--db', db, '--port', '0', '--no-dns'],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let text = '';
    child.stderr.on('data', (d: Buffer) => {
      text += String(d);
      const m = /listening on (http:\/\/\S+)/.exec(text);
      if (m) resolve(m[1]!);
      if (text.length > 100_000) text = text.slice(-1000);
    });
    child.once('exit', (code) => {
      reject(new Error(`archive exited (${code}): ${text.slice(-500)}`));
    });
  });
  return {
    url,
    stop: async () => {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/**
 * The tool as it ships: one esbuild bundle (the build's plain JS would do too). Running it through
 * the tsx loader would add ~70 MB of loader RSS to the measurement. Falls back to tsx when
 * esbuild (a dependency of tsx) cannot be loaded.
 */
async function toolCommand(work: string): Promise<{ argv: string[]; how: string }> {
  try {
    const esbuild = (await import('esbuild')) as { build: (o: Record<string, unknown>) => Promise<unknown> };
    const outfile = join(work, 'esmond-ps-get-bulk.mjs');
    await esbuild.build({
      entryPoints: ['src/bin/esmond-ps-get-bulk.ts'],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      outfile,
      // CommonJS dependencies bundled into an ES module need a require().
      banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
      logLevel: 'silent',
    });
    return { argv: [outfile], how: 'bundled' };
  } catch {
    return { argv: ['--import', 'tsx', 'src/bin/esmond-ps-get-bulk.ts'], how: 'via tsx loader (+~70 MB)' };
  }
}

/** Runs the bulk tool under /usr/bin/time; resolves to its report, peak RSS (KB) and wall time. */
async function runBulk(
  tool: string[],
  url: string,
  dir: string,
  format: string,
): Promise<{ report: BulkReport; maxRssKb: number; wallS: number }> {
  const reportFile = join(dir, '..', `report-${format}.json`);
  const args = ['-f', 'BENCH %M %e', process.execPath, ...tool];
  args.push(
    '-u',
    url,
    '-o',
    format,
    '-D',
    dir,
    '-I',
    '-S',
    '2025-01-01',
    '-E',
    '2025-11-24T16:00:00Z',
    '--quiet',
    '--report',
    reportFile,
  );
  const child = spawn('/usr/bin/time', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += String(d)));
  const code = await new Promise<number | null>((r) => child.once('exit', r));
  const m = /BENCH (\d+) ([\d.]+)/.exec(err);
  if (code !== 0 || !m) throw new Error(`bulk run failed (${code}): ${err.slice(-800)}`);
  return {
    report: JSON.parse(readFileSync(reportFile, 'utf8')) as BulkReport,
    maxRssKb: Number(m[1]),
    wallS: Number(m[2]),
  };
}

/** The plainest reader: GET 10 000-point pages, JSON.parse, next page from last ts + 1. */
async function rawRead(url: string, concurrency: number): Promise<{ points: number; seconds: number }> {
  const agent = new Agent({ connections: concurrency, keepAliveTimeout: 10_000 });
  const meta = JSON.parse(
    await (await request(`${url}/esmond/perfsonar/archive/?limit=100`, { dispatcher: agent })).body.text(),
  ) as Array<{
    'event-types': Array<{ 'event-type': string; 'base-uri': string }>;
  }>;
  const uris = meta.map((m) => m['event-types'].find((e) => e['event-type'] === 'throughput')!['base-uri']);
  let points = 0;
  const t0 = performance.now();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < uris.length) {
      const uri = uris[next++]!;
      let start = T_START - 10;
      for (;;) {
        const res = await request(`${url}${uri}?time-start=${start}&time-end=${T_END}&limit=10000`, {
          dispatcher: agent,
        });
        const page = JSON.parse(await res.body.text()) as Array<{ ts: number }>;
        points += page.length;
        if (page.length < 10_000) break;
        start = page[page.length - 1]!.ts + 1;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - t0) / 1000;
  await agent.close();
  return { points, seconds };
}

export default async function (report: (line: string) => void): Promise<void> {
  const db = await database(report);
  const archive = await serveArchive(db);
  const work = mkdtempSync(join(tmpdir(), 'esmond-bench-bulk-'));
  try {
    const tool = await toolCommand(work);
    const raw = await rawRead(archive.url, 2);
    const rawRate = raw.points / raw.seconds;
    report(
      `raw GET + JSON.parse, 10 000-point pages, 2 connections: ${raw.points} points in ${raw.seconds.toFixed(2)} s = ${Math.round(rawRate)} points/s`,
    );
    for (const format of ['csv', 'json']) {
      const dir = join(work, format);
      rmSync(dir, { recursive: true, force: true });
      await import('node:fs/promises').then((fs) => fs.mkdir(dir));
      const r = await runBulk(tool.argv, archive.url, dir, format);
      const bytes = readdirSync(dir).reduce((a, f) => a + statSync(join(dir, f)).size, 0);
      const rate = r.report.points / r.report.elapsedSeconds;
      report(
        `get-bulk -o ${format} (concurrency 2): ${r.report.points} points, ${r.report.series} files, ${(bytes / 1e6).toFixed(0)} MB in ${r.report.elapsedSeconds.toFixed(2)} s ` +
          `= ${Math.round(rate)} points/s (${(rate / rawRate).toFixed(2)}x raw); process wall ${r.wallS} s, peak RSS ${(r.maxRssKb / 1024).toFixed(0)} MB (${tool.how})`,
      );
      rmSync(dir, { recursive: true, force: true });
    }
  } finally {
    await archive.stop();
    rmSync(work, { recursive: true, force: true });
  }
}
