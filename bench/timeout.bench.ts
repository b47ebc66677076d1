/**
 * How exact the client's timeouts are: a request to a server that never answers, with
 * `timeoutMs` 300 (and a `deadlineMs` 700 over retries), against a plain `setTimeout` of the same
 * length as the baseline, in the same process. A ratio near 1.0 is exact (undici's own timers
 * fired a 300 ms timeout after about 1 000 ms, ratio ≈ 3.3).
 * @module
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTransport } from '../src/http/transport.js';

async function elapsed(fn: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await fn().catch(() => undefined);
  return performance.now() - t;
}

export default async function bench(report: (line: string) => void): Promise<void> {
  const server: Server = createServer(() => undefined); // accepts, never answers
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  try {
    for (const [label, opts, baseline] of [
      ['timeoutMs 300, no retry', { timeoutMs: 300, retry: { limit: 0 } }, 300],
      [
        'timeoutMs 300, deadlineMs 700, 5 retries',
        { timeoutMs: 300, deadlineMs: 700, retry: { limit: 5, baseMs: 1 } },
        700,
      ],
    ] as const) {
      const t = createTransport(opts);
      const runs: number[] = [];
      const base: number[] = [];
      for (let i = 0; i < 5; i++) {
        runs.push(await elapsed(() => t.send({ url })));
        base.push(await elapsed(() => new Promise((r) => setTimeout(r, baseline))));
      }
      await t.close();
      const median = (a: number[]): number => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)]!;
      report(
        `${label}: median ${median(runs).toFixed(0)} ms vs setTimeout(${baseline}) ${median(base).toFixed(0)} ms, ratio ${(median(runs) / median(base)).toFixed(2)}`,
      );
    }
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}
