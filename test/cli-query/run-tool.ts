/**
 * Runs a query tool in-process with captured stdout/stderr, a fixed clock and no real DNS.
 * @module
 */
import type { CliIo, ToolMain } from '../../src/cli/io.js';
import { runCaptured } from '../helpers/capture-io.js';

/** Fixed "now" of the CLI tests: 2023-11-15 12:06:40 UTC. */
export const NOW_MS = 1700050000_000;

export interface ToolResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `main(argv)` with buffers for stdout/stderr. */
export async function runTool(
  main: ToolMain,
  argv: readonly string[],
  opts: { env?: Record<string, string>; now?: number; cwd?: string; dns?: CliIo['dns'] } = {},
): Promise<ToolResult> {
  const r = await runCaptured(main, argv, {
    env: { ...opts.env },
    now: opts.now ?? NOW_MS,
    ...(opts.cwd !== undefined ? { cwd: opts.cwd } : {}),
    ...(opts.dns !== undefined ? { dns: opts.dns } : {}),
  });
  return { code: r.code, stdout: r.out, stderr: r.err };
}
