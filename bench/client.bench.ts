/**
 * Client library throughput.
 *
 * 1. Paging + parsing alone: `dataPages()` over a static in-process server that answers from
 *    pre-serialised pages (so the number is the client's cost: HTTP, JSON.parse, cursor checks).
 * 2. End to end against the embedded archive in a child process: `putBulk` write rate, then
 *    `dataPages()`/`data()` read rate at page sizes 1000 and 10000, and a metadata search.
 * @module
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startChildArchive } from './support/child-archive.js';
import { openSqliteArchive } from '../src/archive/service.js';
import { createClient } from '../src/client.js';

const T0 = 1_700_000_000;

function rate(n: number, ms: number): string {
  return `${Math.round((n / ms) * 1000).toLocaleString('en-US')}/s`;
}

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t = performance.now();
  const r = await fn();
  return [r, performance.now() - t];
}

/** Part 1: a static server of `n` throughput points, one per second. */
async function pagingOnly(report: (line: string) => void): Promise<void> {
  const n = 300_000;
  const vals = Array.from({ length: n }, (_, i) => ({ ts: T0 + i, val: 9_000_000_000 + i * 13 }));
  const cache = new Map<string, Buffer>();
  const server = createServer((req, res) => {
    const q = new URL(req.url ?? '/', 'http://x').searchParams;
    const cacheKey = `${q.get('time-start')}|${q.get('limit')}`;
    let body = cache.get(cacheKey);
    if (body === undefined) {
      const start = Number(q.get('time-start') ?? T0) - T0;
      body = Buffer.from(JSON.stringify(vals.slice(Math.max(0, start), Math.max(0, start) + Number(q.get('limit')))));
      cache.set(cacheKey, body);
    }
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
    res.end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/esmond`;
  const client = createClient({ url });
  try {
    for (const pageSize of [1000, 10_000]) {
      const run = async (): Promise<number> => {
        let count = 0;
        for await (const page of client.dataPages('k', 'throughput', {}, { timeStart: T0, timeEnd: T0 + n, pageSize }))
          count += page.length;
        return count;
      };
      await run(); // fills the server's cache, warms the JIT and the keep-alive pool
      const [count, ms] = await timed(run);
      report(
        `paging only: dataPages pageSize=${pageSize}: ${count} points in ${ms.toFixed(0)} ms = ${rate(count, ms)} points`,
      );
    }
  } finally {
    await client.close();
    server.close();
  }
}

/** Part 2: the embedded archive in a child process. */
async function againstArchive(report: (line: string) => void): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'esmond-client-bench-'));
  const dbPath = join(dir, 'bench.sqlite');
  const service = openSqliteArchive(dbPath, { resolver: false });
  const apiKey = await service.addUser('bench');
  await service.close();
  const server = await startChildArchive(dbPath);
  try {
    const { url } = server;
    const client = createClient({ url, credentials: { apiKey } });
    try {
      const m = await client.postMetadata({
        'subject-type': 'point-to-point',
        source: '10.0.0.1',
        destination: '10.0.0.2',
        'measurement-agent': '10.0.0.1',
        'tool-name': 'bench',
        'event-types': [{ 'event-type': 'throughput' }],
      });
      const n = 100_000;
      const items = function* () {
        for (let i = 0; i < n; i++)
          yield { ts: T0 + i * 10, val: [{ 'event-type': 'throughput', val: 1_000_000 + i }] };
      };
      const [, wms] = await timed(() => client.putBulk(m.key, items(), { batchSize: 2000 }));
      report(`archive: putBulk ${n} points (batch 2000): ${wms.toFixed(0)} ms = ${rate(n, wms)} points`);
      const window = { timeStart: T0, timeEnd: T0 + n * 10 };
      for (const pageSize of [1000, 10_000]) {
        const [count, ms] = await timed(async () => {
          let c = 0;
          for await (const page of client.dataPages(m, 'throughput', {}, { ...window, pageSize })) c += page.length;
          return c;
        });
        report(
          `archive: dataPages pageSize=${pageSize}: ${count} points in ${ms.toFixed(0)} ms = ${rate(count, ms)} points`,
        );
      }
      const [count, ms] = await timed(async () => {
        let c = 0;
        // eslint-disable-next-line @typescript-eslint/no-unused-vars -- only counted
        for await (const _p of client.data(m, 'throughput', {}, { ...window, pageSize: 10_000 })) c++;
        return c;
      });
      report(
        `archive: data() (per point) pageSize=10000: ${count} points in ${ms.toFixed(0)} ms = ${rate(count, ms)} points`,
      );
    } finally {
      await client.close();
    }
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

export default async function (report: (line: string) => void): Promise<void> {
  await pagingOnly(report);
  await againstArchive(report);
}
