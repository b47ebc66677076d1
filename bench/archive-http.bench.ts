/**
 * HTTP-layer benchmark of the embedded archive, loopback only, about half a minute: requests per
 * second over keep-alive for the cheapest answers (API root, 404, 401), a metadata detail GET,
 * a small data page, single-point writes and rejected writes. The server runs in a child process
 * (bench/support/archive-server.ts) so the load generator does not share its CPU.
 * @module
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openSqliteArchive } from '../src/archive/service.js';
import type { RequestContext } from '../src/archive/types.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const NOW = Math.floor(Date.now() / 1000);
const SECONDS_PER_CASE = 3;
/** Write cases use fresh timestamps per request, shared across warm-up and measured runs. */
let tsCounter = 0;
const CONCURRENCY = 8;

type Report = (line: string) => void;

interface Req {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

function send(agent: Agent, url: URL, r: Req): Promise<number> {
  return new Promise((resolve, reject) => {
    const headers =
      r.body === undefined ? (r.headers ?? {}) : { 'Content-Length': String(Buffer.byteLength(r.body)), ...r.headers };
    const req = request(
      { host: url.hostname, port: url.port, method: r.method, path: r.path, headers, agent },
      (res) => {
        res.resume();
        res.on('end', () => {
          resolve(res.statusCode ?? 0);
        });
      },
    );
    req.on('error', reject);
    req.end(r.body);
  });
}

/** Runs `make()` requests with CONCURRENCY in flight for SECONDS_PER_CASE; returns req/s. */
async function rate(url: URL, expect: number, make: (i: number) => Req, seconds = SECONDS_PER_CASE): Promise<number> {
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const deadline = performance.now() + seconds * 1000;
  let n = 0;
  const began = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < deadline) {
        const status = await send(agent, url, make(n++));
        if (status !== expect) throw new Error(`expected ${expect}, got ${status}`);
      }
    }),
  );
  agent.destroy();
  return n / ((performance.now() - began) / 1000);
}

export default async function (report: Report): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'esmond-bench-http-'));
  const db = join(dir, 'archive.sqlite');
  const service = openSqliteArchive(db, { resolver: false });
  const key = await service.addUser('bench');
  const ctx: RequestContext = {
    requestUrl: new URL('http://127.0.0.1/esmond/perfsonar/archive/'),
    prefix: '/esmond',
    now: NOW,
  };
  const { metadata } = await service.createMetadata(
    {
      'subject-type': 'point-to-point',
      source: '10.0.0.1',
      destination: '10.0.0.2',
      'measurement-agent': '10.0.0.1',
      'tool-name': 'pscheduler/iperf3',
      'event-types': [
        { 'event-type': 'throughput', summaries: [{ 'summary-type': 'average', 'summary-window': 86400 }] },
      ],
    },
    ctx,
  );
  const mdKey = metadata['metadata-key'];
  await service.bulkWrite(
    mdKey,
    {
      data: Array.from({ length: 100 }, (_, i) => ({
        ts: NOW - 10_000 + i,
        val: [{ 'event-type': 'throughput', val: i }],
      })),
    },
    ctx,
  );
  await service.close();

  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'bench/support/archive-server.ts'), db], {
    cwd: root,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  try {
    const url = await new Promise<URL>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (c: Buffer) => {
        out += c.toString();
        const line = out.split('\n')[0];
        if (out.includes('\n') && line !== undefined) resolve(new URL((JSON.parse(line) as { url: string }).url));
      });
      child.once('exit', (code) => {
        reject(new Error(`archive server exited with ${code}`));
      });
    });
    const auth = { Authorization: `Token ${key}`, 'Content-Type': 'application/json' };
    const base = `/esmond/perfsonar/archive/${mdKey}/throughput/base`;
    const cases: Array<[string, number, (i: number) => Req]> = [
      ['GET API root', 200, () => ({ method: 'GET', path: '/esmond/perfsonar/' })],
      ['GET unknown path (404)', 404, () => ({ method: 'GET', path: '/nothing/here' })],
      ['POST without credentials (401)', 401, () => ({ method: 'POST', path: base, body: '{}' })],
      ['GET metadata detail', 200, () => ({ method: 'GET', path: `/esmond/perfsonar/archive/${mdKey}/` })],
      ['GET 100-point data page', 200, () => ({ method: 'GET', path: `${base}?limit=100&time-start=0` })],
      [
        'POST single point (201, summaries updated)',
        201,
        (i) => ({
          method: 'POST',
          path: base,
          headers: auth,
          body: JSON.stringify({ ts: NOW + 1 + tsCounter++, val: i }),
        }),
      ],
      [
        'POST invalid value (400)',
        400,
        () => ({ method: 'POST', path: base, headers: auth, body: '{"ts":1,"val":"bad input"}' }),
      ],
    ];
    for (const [name, expect, make] of cases) {
      await rate(url, expect, make, 0.5); // warm-up: JIT and statement caches
      report(`${name}: ${Math.round(await rate(url, expect, make))} req/s (keep-alive, ${CONCURRENCY} in flight)`);
    }
  } finally {
    child.stdin.end();
    await new Promise((r) => child.once('exit', r));
    rmSync(dir, { recursive: true, force: true });
  }
}
