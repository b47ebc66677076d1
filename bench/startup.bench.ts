/**
 * Start-up of the built tools (dist/bin, one bundle per bin): each command is paired with a bare
 * `node -e 0`, run in turn (A B A B …) so the machine's drift hits both, and the median of the
 * pair-by-pair wall-time ratios is reported. Goal: `esmond-ps-get --help` and a one-page
 * `esmond-ps-get` (a 500-point series from the embedded archive, served on loopback by a child
 * process) at most 1.5x a bare node. The other tools' `--help` are reported beside them. The first
 * line says whether V8 takes the bins' code cache (scripts/bin-stub.cjs) on this node.
 *
 *   npm run bench -- startup                  # 15 pairs per command
 *   ESMOND_BENCH_QUICK=1 npm run bench -- startup   # 5 pairs
 * @module
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteArchive } from '../src/archive/service.js';
import { startChildArchive } from './support/child-archive.js';

type Report = (line: string) => void;

const PAIRS = process.env['ESMOND_BENCH_QUICK'] ? 5 : 15;
const GOAL = 1.5;
const POINTS = 500;

/** Wall time of one run of `node …args`, ms; throws unless it exits 0 having printed something. */
function timeRun(args: readonly string[]): number {
  const began = performance.now();
  const r = spawnSync(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  const ms = performance.now() - began;
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  if (args[0] !== '-e' && r.stdout.length === 0) throw new Error(`node ${args.join(' ')} printed nothing`);
  return ms;
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** `args` against `node -e 0`, in turn, after one warm-up run of each. */
function paired(args: readonly string[]): { ratio: number; ms: number; baseMs: number } {
  timeRun(args);
  timeRun(['-e', '0']);
  const ratios: number[] = [];
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < PAIRS; i++) {
    a.push(timeRun(args));
    b.push(timeRun(['-e', '0']));
    ratios.push(a[i]! / b[i]!);
  }
  return { ratio: median(ratios), ms: median(a), baseMs: median(b) };
}

function line(report: Report, name: string, args: readonly string[], goal: boolean): void {
  const r = paired(args);
  const figures = `(median of ${PAIRS} pairs: ${r.ms.toFixed(0)} ms vs ${r.baseMs.toFixed(0)} ms)`;
  report(`${name}: ${r.ratio.toFixed(2)}x of node -e 0${goal ? ` (goal <= ${GOAL})` : ''} ${figures}`);
}

/**
 * Whether V8 takes the code cache the build wrote for a bin (scripts/bin-stub.cjs): a bin whose
 * cache is refused (another node, other V8 flags) starts by compiling its bundle, and the figures
 * below are then those of that slower start.
 */
function codeCacheState(stub: string): string {
  const r = spawnSync(
    process.execPath,
    [
      '-e',
      `const s = require(require('node:path').resolve(process.argv[1])); const c = s.readCache();
       console.log(c === undefined ? 'none (compiled from source)' : s.compile(c).cachedDataRejected ? 'rejected by V8 (compiled from source)' : 'used');`,
      stub,
    ],
    { encoding: 'utf8' },
  );
  return r.status === 0 ? r.stdout.trim() : `unknown (${r.stderr.trim()})`;
}

/** A SQLite archive with one throughput series of {@link POINTS} points in the last 12 hours. */
async function buildArchive(dbPath: string, now: number): Promise<void> {
  const service = openSqliteArchive(dbPath, { resolver: false });
  const ctx = { requestUrl: new URL('http://127.0.0.1/esmond/perfsonar/archive/'), prefix: '/esmond', now };
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
      ctx,
    );
    const data = Array.from({ length: POINTS }, (_, i) => ({
      ts: now - 12 * 3600 + i * 60,
      val: [{ 'event-type': 'throughput', val: 9_000_000_000 + i * 1000 }],
    }));
    await service.bulkWrite(metadata['metadata-key'], { data }, ctx);
  } finally {
    await service.close();
  }
}

export default async function startupBench(report: Report): Promise<void> {
  if (!existsSync('dist/bin/esmond-ps-get.js')) {
    const b = spawnSync('npm', ['run', 'build'], { stdio: 'ignore' });
    if (b.status !== 0) throw new Error('npm run build failed');
  }
  const bins = Object.keys((JSON.parse(readFileSync('package.json', 'utf8')) as { bin: Record<string, string> }).bin);
  const bin = (name: string): string => `dist/bin/${name}.js`;
  report(`esmond-ps-get code cache: ${codeCacheState(bin('esmond-ps-get'))}`);
  const dir = mkdtempSync(join(tmpdir(), 'esmond-startup-bench-'));
  try {
    const dbPath = join(dir, 'startup.sqlite');
    await buildArchive(dbPath, Math.floor(Date.now() / 1000));
    const server = await startChildArchive(dbPath);
    try {
      // The default window (the last 24 hours), numeric addresses: no date parser, no DNS.
      const get = [bin('esmond-ps-get'), '-u', server.url, '-s', '10.0.0.1', '-d', '10.0.0.2', '-e', 'throughput'];
      const rows = spawnSync(process.execPath, [...get, '-I', '-o', 'csv'], { encoding: 'utf8' });
      const lines = rows.stdout.trim().split('\n').length;
      if (rows.status !== 0 || lines !== POINTS + 1)
        throw new Error(`one-page esmond-ps-get printed ${lines} lines (exit ${rows.status}): ${rows.stderr}`);
      line(report, 'esmond-ps-get --help', [bin('esmond-ps-get'), '--help'], true);
      line(report, `esmond-ps-get one page (${POINTS} points, csv)`, [...get, '-I', '-o', 'csv'], true);
      line(report, `esmond-ps-get one page, -S '1 day ago'`, [...get, '-I', '-o', 'csv', '-S', '1 day ago'], false);
    } finally {
      await server.stop();
    }
    for (const name of bins.filter((b) => b !== 'esmond-ps-get'))
      line(report, `${name} --help`, [bin(name), '--help'], false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
