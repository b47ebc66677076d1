/**
 * Runs a query tool in-process with captured stdout/stderr, a fixed clock and no real DNS.
 * @module
 */
import { PassThrough } from 'node:stream';
import type { CliIo, ToolMain } from '../../src/cli/io.js';

/** Fixed "now" of the CLI tests: 2023-11-15 12:06:40 UTC. */
export const NOW_MS = 1700050000_000;

export interface ToolResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `main(argv)` with buffers for stdout/stderr. */
export async function runTool(main: ToolMain, argv: readonly string[], opts: { env?: Record<string, string>; now?: number; cwd?: string } = {}): Promise<ToolResult> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on('data', (b: Buffer) => out.push(b));
  stderr.on('data', (b: Buffer) => err.push(b));
  const io: CliIo = {
    stdout,
    stderr,
    stdin: new PassThrough(),
    env: { ESMOND_TEST_NO_DNS: '1', ...opts.env },
    now: () => opts.now ?? NOW_MS,
    cwd: opts.cwd ?? process.cwd(),
  };
  const code = await main(argv, io);
  return { code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') };
}
