/**
 * What a tool's `run(argv, io)` may touch. Only the bin shims pass the real process; tests pass
 * buffers, a fixed clock and an environment of their own.
 * @module
 */
import { ExitCode } from './exit-codes.js';
import type { Readable, Writable } from 'node:stream';
import type { HostLookups } from '../util/dns.js';

/** The process facilities a tool uses, injectable for tests. */
export interface CliIo {
  stdout: Writable & { isTTY?: boolean; columns?: number };
  stderr: Writable & { isTTY?: boolean; columns?: number };
  /** `isTTY` when it is a terminal (a tool that would wait for input prints its usage instead). */
  stdin: Readable & { isTTY?: boolean };
  env: Readonly<Record<string, string | undefined>>;
  /** Current time, ms since the epoch (injectable so golden outputs are stable). */
  now: () => number;
  /** Working directory (for relative paths and defaults such as get-bulk's `-D`). */
  cwd: string;
  /** Host name lookups, forward and reverse (default: the system resolver; tests pass their own so they never touch real DNS). */
  dns?: HostLookups;
}

/** A tool entry point: resolves to the process exit code; never calls `process.exit`. */
export type ToolMain = (argv: readonly string[], io: CliIo) => Promise<number>;

/** The real process as a {@link CliIo}. */
export function processIo(): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    // Made on first use: building process.stdin over a file or /dev/null loads node's file
    // streams (milliseconds), which only the tools that read stdin need.
    get stdin() {
      return process.stdin;
    },
    env: process.env,
    now: () => Date.now(),
    cwd: process.cwd(),
  };
}

/**
 * Runs a tool as a process: argv without node and script, exit code from the tool. Waits for
 * stdout to drain so piped output is never cut short, and treats EPIPE (`| head`) as success.
 */
export async function runAsProcess(main: ToolMain): Promise<void> {
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(ExitCode.Ok);
    throw err;
  });
  let code: number;
  try {
    code = await main(process.argv.slice(2), processIo());
  } catch (err) {
    process.stderr.write(`${process.argv[1] ?? 'esmond'}: ${err instanceof Error ? err.message : String(err)}\n`);
    code = ExitCode.Failure;
  }
  process.exitCode = code;
  if (process.stdout.writableNeedDrain) await new Promise((r) => process.stdout.once('drain', r));
}
