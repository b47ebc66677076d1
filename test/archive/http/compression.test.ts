// The archive compresses an answer only when the client asks and the answer is worth it: a big
// data page in br or gzip (decoding to the very bytes of the plain answer), everything else (no
// Accept-Encoding, tiny bodies, errors, HEAD) exactly as before.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request, type IncomingHttpHeaders } from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import type { TestArchive } from '../../helpers/archive.js';
import { startOneSeriesArchive } from './one-series.js';
import type { RequestContext } from '../../../src/archive/types.js';
import { chooseCoding } from '../../../src/archive/compress.js';
import { createClient } from '../../../src/client.js';

const NOW = 1_700_000_000;
const N = 12_000;
const START = NOW - N * 10;
let a: TestArchive;
let key: string;

before(async () => {
  let ctx: RequestContext;
  ({ archive: a, key, ctx } = await startOneSeriesArchive(NOW, 'throughput'));
  const data = Array.from({ length: N }, (_, i) => ({
    ts: START + i * 10,
    val: [{ 'event-type': 'throughput', val: 9_000_000_000 + ((i * 7919) % 1_000_000) }],
  }));
  await a.service.bulkWrite(key, { data }, ctx);
});

after(async () => {
  await a.close();
});

/** One GET with its raw (undecoded) body bytes. */
function get(
  path: string,
  headers: Record<string, string> = {},
  method = 'GET',
): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }> {
  const url = new URL(a.url);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path, method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

const page = (limit: number) => `/esmond/perfsonar/archive/${key}/throughput/base?limit=${limit}&time-start=${START}`;

describe('archive compression', () => {
  test('no Accept-Encoding: the plain answer, headers as before', async () => {
    const r = await get(page(10_000));
    assert.equal(r.status, 200);
    assert.equal(r.headers['content-encoding'], undefined);
    assert.equal(r.headers.vary, 'Accept');
    assert.equal((JSON.parse(r.body.toString('utf8')) as unknown[]).length, 10_000);
  });

  test('br and gzip when asked: the plain bytes once decoded, several times smaller, Vary set', async () => {
    const plain = (await get(page(10_000))).body;
    const br = await get(page(10_000), { 'Accept-Encoding': 'gzip, deflate, br' });
    assert.equal(br.headers['content-encoding'], 'br');
    assert.equal(br.headers.vary, 'Accept, Accept-Encoding');
    assert.equal(br.headers['content-length'], undefined);
    assert.deepEqual(brotliDecompressSync(br.body), plain);
    assert.ok(br.body.length * 4 < plain.length, `br ${br.body.length} of ${plain.length}`);

    const gz = await get(page(10_000), { 'Accept-Encoding': 'gzip' });
    assert.equal(gz.headers['content-encoding'], 'gzip');
    assert.deepEqual(gunzipSync(gz.body), plain);
    assert.ok(gz.body.length * 3 < plain.length, `gzip ${gz.body.length} of ${plain.length}`);

    const refusedBr = await get(page(10_000), { 'Accept-Encoding': 'br;q=0, gzip;q=0.5' });
    assert.equal(refusedBr.headers['content-encoding'], 'gzip');
    assert.deepEqual(gunzipSync(refusedBr.body), plain);
  });

  test('tiny answers, errors, HEAD and identity-only clients are not compressed', async () => {
    const small = await get(page(3), { 'Accept-Encoding': 'gzip, br' });
    assert.equal(small.status, 200);
    assert.equal(small.headers['content-encoding'], undefined);
    assert.equal((JSON.parse(small.body.toString('utf8')) as unknown[]).length, 3);

    const missing = await get(`/esmond/perfsonar/archive/${'0'.repeat(32)}/`, { 'Accept-Encoding': 'gzip, br' });
    assert.equal(missing.status, 404);
    assert.equal(missing.headers['content-encoding'], undefined);
    assert.deepEqual(JSON.parse(missing.body.toString('utf8')), { detail: 'Not found.' });

    const head = await get(page(10_000), { 'Accept-Encoding': 'gzip, br' }, 'HEAD');
    assert.equal(head.headers['content-encoding'], undefined);

    const identity = await get(page(10_000), { 'Accept-Encoding': 'identity' });
    assert.equal(identity.headers['content-encoding'], undefined);
    assert.equal((JSON.parse(identity.body.toString('utf8')) as unknown[]).length, 10_000);
  });

  test('the client reads the same points with and without compression', async () => {
    const read = async (compression: boolean) => {
      const client = createClient({ url: a.url, compression });
      try {
        const md = await client.getMetadata(key);
        const points = [];
        for await (const p of client.data(md, 'throughput', {}, { timeStart: START, timeEnd: NOW, pageSize: 5000 }))
          points.push(p);
        return points;
      } finally {
        await client.close();
      }
    };
    const compressed = await read(true);
    assert.equal(compressed.length, N);
    assert.deepEqual(compressed, await read(false));
  });
});

describe('choosing the coding', () => {
  test('highest q wins, brotli among equals, q=0 refuses, * stands for the rest', () => {
    assert.equal(chooseCoding(undefined), undefined);
    assert.equal(chooseCoding(''), undefined);
    assert.equal(chooseCoding('identity'), undefined);
    assert.equal(chooseCoding('gzip'), 'gzip');
    assert.equal(chooseCoding('x-gzip'), 'gzip');
    assert.equal(chooseCoding('gzip, br'), 'br');
    assert.equal(chooseCoding('br;q=0.5, gzip'), 'gzip');
    assert.equal(chooseCoding('br;q=0, gzip;q=0'), undefined);
    assert.equal(chooseCoding('*'), 'br');
    assert.equal(chooseCoding('*;q=0.1, br;q=0'), 'gzip');
    assert.equal(chooseCoding('GZIP; Q=1'), 'gzip');
  });
});
