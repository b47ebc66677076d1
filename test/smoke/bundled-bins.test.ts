/**
 * The built bins (dist/bin, one esbuild bundle each, with their vendor bundles: the lean undici and
 * chrono-node) print what the sources print: the same esmond-ps-get and esmond-ps-get-metadata
 * runs, through the real archive on loopback, from `node dist/bin/…` and from `run()` in-process,
 * and esmond-ps-get-bulk (which sends with the vendor undici) writes the same files.
 * Needs the build.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { run as getRun } from '../../src/cli/get.js';
import { run as metadataRun } from '../../src/cli/get-metadata.js';
import { run as bulkRun } from '../../src/cli/get-bulk.js';
import type { ToolMain } from '../../src/cli/io.js';
import { startArchive, type TestArchive } from '../helpers/archive.js';
import { runCaptured } from '../helpers/capture-io.js';
import { ROOT } from './packages.js';

const NOW_MS = Date.UTC(2026, 10, 25, 12);
let archive: TestArchive;

before(async () => {
  assert.ok(existsSync(join(ROOT, 'dist', 'bin', 'esmond-ps-get.js')), 'dist/ is not built: run npm run build');
  archive = await startArchive({ seed: { hosts: 2, days: 1, seed: 3 }, now: () => NOW_MS });
});
after(async () => {
  await archive.close();
});

/** The built bin's exit code and output, run by plain `node` like an installed tool. */
async function runBin(name: string, argv: string[]): Promise<{ code: number; out: string; err: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      [join(ROOT, 'dist', 'bin', `${name}.js`), ...argv],
      { encoding: 'utf8', env: { ...process.env, TZ: 'UTC' } },
    );
    return { code: 0, out: stdout, err: stderr };
  } catch (e) {
    const err = e as { code?: unknown; stdout?: string; stderr?: string };
    return { code: typeof err.code === 'number' ? err.code : -1, out: err.stdout ?? '', err: err.stderr ?? String(e) };
  }
}

// Dates in words go through the date parser (chrono-node's vendor bundle), requests through the
// lean undici; -I keeps DNS out of it.
const WINDOW = ['-S', 'November 24, 2026 10:00', '-E', '2026-11-25T12:00:00Z', '-I'];
const cases: Array<[string, ToolMain, string[]]> = [
  ['esmond-ps-get', getRun, ['-s', '10.0.1.10', '-d', '10.0.2.10', '-e', 'throughput', '-o', 'csv', ...WINDOW]],
  ['esmond-ps-get', getRun, ['-s', '10.0.1.10', '-d', '10.0.2.10', '-e', 'packet-loss-rate', '-o', 'json', ...WINDOW]],
  ['esmond-ps-get-metadata', metadataRun, ['-t', 'pscheduler/iperf3', '-M', '-o', 'csv', ...WINDOW]],
  ['esmond-ps-get', getRun, ['-s', '10.0.1.10', '-e', 'no-such-type', ...WINDOW]],
];

for (const [name, main, args] of cases) {
  test(`${name} ${args.slice(0, 6).join(' ')}: the bundle prints what the sources print`, async () => {
    const argv = ['-u', archive.url, ...args];
    const bin = await runBin(name, argv);
    const src = await runCaptured(main, argv, { now: NOW_MS });
    assert.equal(bin.code, src.code, bin.err);
    assert.equal(bin.out, src.out);
    assert.equal(
      bin.err.replace(/^\S*esmond-ps-[a-z-]+(\.js)?:/gm, 'TOOL:'),
      src.err.replace(/^\S*esmond-ps-[a-z-]+:/gm, 'TOOL:'),
    );
  });
}

test('the first case has data (a comparison of two empty outputs would prove nothing)', async () => {
  const bin = await runBin('esmond-ps-get', ['-u', archive.url, ...cases[0]![2]]);
  assert.equal(bin.code, 0, bin.err);
  // A header and at least one row.
  assert.ok(bin.out.trim().split('\n').length >= 2, bin.out);
});

/** Every file in `dir`, name → text. */
function filesIn(dir: string): Record<string, string> {
  return Object.fromEntries(readdirSync(dir).map((f) => [f, readFileSync(join(dir, f), 'utf8')]));
}

test('esmond-ps-get-bulk: the bundle (sending with the vendor undici) writes what the sources write', async () => {
  const dirs = [mkdtempSync(join(tmpdir(), 'esmond-bundle-bulk-')), mkdtempSync(join(tmpdir(), 'esmond-bundle-bulk-'))];
  try {
    const args = (dir: string): string[] => ['-u', archive.url, '-e', 'throughput', '-o', 'csv', '-D', dir, ...WINDOW];
    const bin = await runBin('esmond-ps-get-bulk', args(dirs[0]!));
    const src = await runCaptured(bulkRun, args(dirs[1]!), { now: NOW_MS });
    assert.equal(bin.code, 0, bin.err);
    assert.equal(src.code, 0, src.err);
    const written = filesIn(dirs[0]!);
    assert.ok(
      Object.keys(written).some((f) => f.endsWith('.csv')),
      Object.keys(written).join(' '),
    );
    assert.deepEqual(written, filesIn(dirs[1]!));
  } finally {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
});
