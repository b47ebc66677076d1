/**
 * Shared pieces of the get-bulk tests: an in-memory CliIo, running the tool in-process, reading
 * an output directory, and writing big or unusual series straight into the archive service.
 * @module
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { RequestContext } from '../../src/archive/types.js';
import type { BulkReport } from '../../src/bulk/types.js';
import type { CliIo } from '../../src/cli/io.js';
import { createGetBulk, type GetBulkDeps } from '../../src/cli/get-bulk.js';
import type { TestArchive } from '../helpers/archive.js';
import { offlineDns } from '../helpers/offline-dns.js';

/** The archive clock of every bulk test (2025-11-24 16:00 UTC). */
export const NOW = 1_764_000_000;

/** A CliIo over buffers. */
export function bufferIo(
  cwd: string,
  dns: CliIo['dns'] = offlineDns,
): { io: CliIo; stdout: () => string; stderr: () => string } {
  let out = '';
  let err = '';
  const sink = (f: (s: string) => void): Writable =>
    new Writable({
      write(chunk, _e, cb) {
        f(String(chunk));
        cb();
      },
    });
  const io: CliIo = {
    stdout: sink((s) => (out += s)),
    stderr: sink((s) => (err += s)),
    stdin: process.stdin,
    env: {},
    now: () => NOW * 1000,
    cwd,
    dns,
  };
  return { io, stdout: () => out, stderr: () => err };
}

/** Runs esmond-ps-get-bulk in-process. */
export async function runBulkTool(
  argv: string[],
  cwd: string,
  deps: GetBulkDeps = {},
  dns?: CliIo['dns'],
): Promise<{ code: number; stdout: string; stderr: string }> {
  const b = bufferIo(cwd, dns);
  const code = await createGetBulk({ retryBaseMs: 5, ...deps })(argv, b.io);
  return { code, stdout: b.stdout(), stderr: b.stderr() };
}

/** The time range of the series the interruption tests write (they end at {@link NOW}). */
export const NOVEMBER = ['-S', '2025-11-01', '-E', '2025-11-24T16:00:00Z'];

/** The argv of an export from `url` into `dir` as `format` files, then `more` (what each test varies). */
export function exportArgs(url: string, format: string, dir: string, ...more: string[]): string[] {
  return ['-u', url, '-o', format, '-D', dir, ...more];
}

/** The `--report` file a run wrote. */
export function readReport(file: string): BulkReport {
  return JSON.parse(readFileSync(file, 'utf8')) as BulkReport;
}

/**
 * esmond-ps-get-bulk as a real child process (for signals): its stderr so far, and how it ended.
 * `onStderr` sees the whole stderr text after each chunk (to signal it at the right moment).
 */
export function spawnBulkTool(
  argv: string[],
  onStderr: (stderrSoFar: string, child: ChildProcess) => void = () => {},
): {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
} {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/bin/esmond-ps-get-bulk.ts', ...argv], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += String(d)));
  child.stderr.on('data', (d) => {
    err += String(d);
    onStderr(err, child);
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => {
      resolve({ code, signal });
    }),
  );
  return { child, stdout: () => out, stderr: () => err, exited };
}

/** The metadata of a throughput test from `source` to `destination` run by `tool`. */
function throughputMetadata(source: string, destination: string, tool: string): Record<string, unknown> {
  return {
    'subject-type': 'point-to-point',
    source,
    destination,
    'measurement-agent': source,
    'tool-name': tool,
    'input-source': source,
    'input-destination': destination,
    'event-types': [{ 'event-type': 'throughput', summaries: [] }],
  };
}

/** A fresh temp directory; `cleanup()` removes every one made. */
const made: string[] = [];
export function tempDir(tag = 'bulk'): string {
  const d = mkdtempSync(join(tmpdir(), `esmond-${tag}-`));
  made.push(d);
  return d;
}
export function cleanup(): void {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
}

/** name → content of every file in a directory (hidden checkpoint files included). */
export function readDir(dir: string): Map<string, Buffer> {
  const m = new Map<string, Buffer>();
  for (const f of readdirSync(dir).sort()) m.set(f, readFileSync(join(dir, f)));
  return m;
}

/** Asserts-friendly comparison: the names that differ between two directories. */
export function differences(a: Map<string, Buffer>, b: Map<string, Buffer>): string[] {
  const out: string[] = [];
  for (const [k, v] of a) if (!b.get(k)?.equals(v)) out.push(k);
  for (const k of b.keys()) if (!a.has(k)) out.push(k);
  return out;
}

/** The request context service writes need. */
export function writeCtx(): RequestContext {
  return { requestUrl: new URL('http://127.0.0.1/esmond/perfsonar/archive/'), prefix: '/esmond', now: NOW };
}

/** Creates a metadata directly in the archive; returns its key. */
export async function addMetadata(archive: TestArchive, body: Record<string, unknown>): Promise<string> {
  return (await archive.service.createMetadata(body, writeCtx())).metadata['metadata-key'];
}

/** Writes `count` throughput points one `step` apart ending before NOW, in batches. */
export async function addThroughputSeries(archive: TestArchive, key: string, count: number, step = 1): Promise<void> {
  const start = NOW - count * step;
  for (let i = 0; i < count; i += 5000) {
    const data = [];
    for (let j = i; j < Math.min(count, i + 5000); j++) {
      data.push({ ts: start + j * step, val: [{ 'event-type': 'throughput', val: 1_000_000 + j }] });
    }
    await archive.service.bulkWrite(key, { data }, writeCtx());
  }
}

/** Creates a throughput test from `source` to `destination` run by `tool`, with `count` points. */
export async function addThroughputTest(
  archive: TestArchive,
  source: string,
  destination: string,
  tool: string,
  count: number,
): Promise<void> {
  await addThroughputSeries(archive, await addMetadata(archive, throughputMetadata(source, destination, tool)), count);
}
