/**
 * A {@link CliIo} for running a tool in-process: stdout and stderr captured, stdin from a
 * string, a fixed clock. Every CLI test builds its io through this.
 * @module
 */
import { PassThrough } from 'node:stream';
import type { CliIo, ToolMain } from '../../src/cli/io.js';
import { offlineDns } from './offline-dns.js';

/** Options of {@link captureIo}. */
export interface CaptureOptions {
  /** What the tool reads on stdin (ended after it). @defaultValue '' */
  stdin?: string;
  env?: CliIo['env'];
  /** The tool's clock, ms since the epoch. @defaultValue 0 */
  now?: number;
  /** @defaultValue process.cwd() */
  cwd?: string;
  /** Host lookups. @defaultValue {@link offlineDns} (no test touches real DNS) */
  dns?: CliIo['dns'];
}

/** A captured io: `out()` and `err()` return what the tool wrote so far. */
export type CapturedIo = CliIo & { out: () => string; err: () => string };

export function captureIo(opts: CaptureOptions = {}): CapturedIo {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  stdout.on('data', (c: Buffer) => out.push(c));
  stderr.on('data', (c: Buffer) => err.push(c));
  const stdin = new PassThrough();
  stdin.end(opts.stdin ?? '');
  const now = opts.now ?? 0;
  return {
    stdout,
    stderr,
    stdin,
    env: opts.env ?? {},
    now: () => now,
    cwd: opts.cwd ?? process.cwd(),
    dns: opts.dns ?? offlineDns,
    out: () => Buffer.concat(out).toString('utf8'),
    err: () => Buffer.concat(err).toString('utf8'),
  };
}

/** Runs `main(argv)` on a captured io; resolves with the exit code and both streams. */
export async function runCaptured(
  main: ToolMain,
  argv: readonly string[],
  opts: CaptureOptions = {},
): Promise<{ code: number; out: string; err: string }> {
  const io = captureIo(opts);
  const code = await main(argv, io);
  return { code, out: io.out(), err: io.err() };
}
