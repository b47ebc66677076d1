// Data pages are streamed from the core's lazy iterator: big pages arrive complete and chunked,
// a slow or vanished reader does not block or break other requests.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import type { TestArchive } from '../../helpers/archive.js';
import { startOneSeriesArchive } from './one-series.js';
import type { RequestContext } from '../../../src/archive/types.js';
import { closeRawAgent, jsonAuth, raw } from './raw-request.js';

const NOW = 1_700_000_000;
const N = 30_000;
const START = NOW - N * 10;
let a: TestArchive;
let key: string;

before(async () => {
  let ctx: RequestContext;
  ({ archive: a, key, ctx } = await startOneSeriesArchive(NOW, 'throughput'));
  for (let i = 0; i < N; i += 5000) {
    const data = Array.from({ length: 5000 }, (_, j) => ({
      ts: START + (i + j) * 10,
      val: [{ 'event-type': 'throughput', val: i + j }],
    }));
    await a.service.bulkWrite(key, { data }, ctx);
  }
});

after(async () => {
  closeRawAgent();
  await a.close();
});

const base = () => `/esmond/perfsonar/archive/${key}/throughput/base`;

test('a big page arrives complete, in order, chunked', async () => {
  const r = await raw(a.url, 'GET', `${base()}?limit=${N}`);
  assert.equal(r.status, 200);
  assert.equal(r.headers['content-type'], 'application/json');
  assert.equal(r.headers['transfer-encoding'], 'chunked');
  const points = r.json() as Array<{ ts: number; val: number }>;
  assert.equal(points.length, N);
  points.forEach((p, i) => {
    if (p.ts !== START + i * 10 || p.val !== i) assert.fail(`point ${i}: ${JSON.stringify(p)}`);
  });
  assert.equal(r.headers.link, undefined);
});

test('without limit: the first 1500 and a Link to the rest', async () => {
  const r = await raw(a.url, 'GET', base());
  const points = r.json() as Array<{ ts: number }>;
  assert.equal(points.length, 1500);
  assert.equal(points[0]?.ts, START);
  const next = /<([^>]+)>; rel="next"/.exec(String(r.headers.link ?? ''))?.[1];
  assert.ok(next !== undefined);
  const u = new URL(next);
  assert.deepEqual([u.searchParams.get('limit'), u.searchParams.get('offset')], ['1500', '1500']);
  const second = (await raw(a.url, 'GET', u.pathname + u.search)).json() as Array<{ ts: number }>;
  assert.equal(second[0]?.ts, START + 1500 * 10);
});

test('a paused reader does not block other requests, and still gets everything', async () => {
  const url = new URL(a.url);
  const body = await new Promise<string>((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path: `${base()}?limit=${N}`, agent: false }, (res) => {
      res.pause();
      const chunks: Buffer[] = [];
      // While this response sits unread, reads and writes on other connections go through.
      (async () => {
        for (let i = 0; i < 10; i++) {
          const g = await raw(a.url, 'GET', `${base()}?limit=5`);
          assert.equal(g.status, 200);
          const w = await raw(a.url, 'POST', base(), {
            headers: jsonAuth(a.apiKey),
            body: JSON.stringify({ ts: NOW + 100 + i, val: 1 }),
          });
          assert.equal(w.status, 201, w.text);
        }
      })().then(() => {
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          resolve(Buffer.concat(chunks).toString('utf8'));
        });
        res.resume();
      }, reject);
    });
    req.on('error', reject);
    req.end();
  });
  assert.equal((JSON.parse(body) as unknown[]).length, N);
});

test('a reader that hangs up mid-stream does not hurt the server', async () => {
  const url = new URL(a.url);
  await new Promise<void>((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path: `${base()}?limit=${N}`, agent: false }, (res) => {
      res.once('data', () => {
        req.destroy();
        resolve();
      });
    });
    req.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ECONNRESET') resolve();
      else reject(err);
    });
    req.end();
  });
  const r = await raw(a.url, 'GET', `${base()}?limit=3`);
  assert.equal(r.status, 200);
  assert.equal((r.json() as unknown[]).length, 3);
});
