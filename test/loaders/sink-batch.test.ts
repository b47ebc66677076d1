/**
 * ArchiveSink through our archive's batch write extension: against the real archive (both
 * stores) it reaches exactly what the two-request path reaches against an archive without the
 * extension (counts, refusals in item order, 409s handled value by value, the stored values),
 * with a metadata POST only for the first metadata; and a server that refuses the batch route
 * (404 from a proxy in front of the archive) makes the client fall back to two requests for good.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startArchive, type TestArchive } from '../helpers/archive.js';
import { testStores } from '../helpers/stores.js';
import { ArchiveSink, type SinkItem, type StoreCounts } from '../../src/loaders/sink.js';
import { createClient } from '../../src/client.js';
import type { EsmondClient } from '../../src/query/types.js';
import type { WireNewMetadata } from '../../src/model/wire.js';
import { allMetadata, storedValues } from './archive-compare.js';

const metadata = (n: number): WireNewMetadata => ({
  'subject-type': 'point-to-point',
  source: '192.0.2.1',
  destination: `198.51.100.${n}`,
  'measurement-agent': '192.0.2.1',
  'tool-name': 'sink-batch-test',
  'input-source': 'a.example',
  'input-destination': `d${n}.example`,
  'event-types': [
    { 'event-type': 'throughput', summaries: [] },
    { 'event-type': 'packet-retransmits', summaries: [] },
  ],
});
const T0 = 1_700_000_000;

/**
 * 120 items over 100 metadata: some metadata get several items (one of them two values of one
 * event type at one ts), item 7's value is refused (400) and so is item 64's metadata (its
 * source is no address), and items 3 and 50 hold values stored before (409, then value by value).
 */
function items(): SinkItem[] {
  const out: SinkItem[] = [];
  for (let i = 0; i < 120; i++) {
    const n = i % 100;
    const md = i === 64 ? { ...metadata(n), source: 'not an address' } : metadata(n);
    const values = [
      { 'event-type': 'throughput', val: i === 7 ? 'not a number' : 1e9 + i },
      { 'event-type': 'packet-retransmits', val: i },
    ];
    if (i === 110) values.push({ 'event-type': 'throughput', val: 5 });
    out.push({ metadata: md, ts: T0 + Math.floor(i / 100) * 60, values });
  }
  return out;
}

/** The client, counting its calls of some methods. */
function counting(client: EsmondClient): { client: EsmondClient; calls: Map<string, number> } {
  const calls = new Map<string, number>();
  const counted = new Proxy(client, {
    get(target, name, receiver) {
      const v = Reflect.get(target, name, receiver) as unknown;
      if (typeof name !== 'string' || typeof v !== 'function') return v;
      return (...args: unknown[]) => {
        calls.set(name, (calls.get(name) ?? 0) + 1);
        return Reflect.apply(v, target, args) as unknown;
      };
    },
  });
  return { client: counted, calls };
}

/** Stores {@link items} (after two values stored beforehand) through a batching sink. */
async function load(
  url: string,
  apiKey: string,
): Promise<{ counts: StoreCounts; refused: number[]; calls: Map<string, number>; state: string }> {
  const all = items();
  const setup = createClient({ url, credentials: { apiKey } });
  await new ArchiveSink(setup).store([3, 50].map((i) => ({ ...all[i]!, values: all[i]!.values.slice(0, 1) })));
  await setup.close();
  const client = createClient({ url, credentials: { apiKey } });
  try {
    const c = counting(client);
    const refused: number[] = [];
    const sink = new ArchiveSink(c.client, { batchWrites: true });
    const counts = await sink.store(all, (i) => void refused.push(i));
    // A second run meets the cache and the stored values only.
    const again = await sink.store(all.slice(90, 110));
    assert.deepStrictEqual(again, { written: 0, duplicates: 40, metadata: 20 });
    return { counts, refused, calls: c.calls, state: client.writeBatchState?.() ?? 'none' };
  } finally {
    await client.close();
  }
}

/** What an archive holds for the test's tool: each metadata's destination and its values. */
async function holdings(a: TestArchive): Promise<unknown[]> {
  const out: unknown[] = [];
  for (const m of await allMetadata(a.archiveUrl, '&tool-name=sink-batch-test'))
    out.push([m['destination'], [...(await storedValues(a.url, m))].sort()]);
  return out.sort((x, y) => JSON.stringify(x).localeCompare(JSON.stringify(y)));
}

for (const store of testStores()) {
  test(`${store}: a batching sink stores what two requests per metadata store, counted and refused alike`, async () => {
    const plain = await startArchive({ withUser: true, store, app: { writeBatch: false } });
    const batch = await startArchive({ withUser: true, store });
    try {
      const want = await load(plain.url, plain.apiKey);
      const got = await load(batch.url, batch.apiKey);
      assert.equal(want.state, 'refused');
      assert.equal(got.state, 'offered');
      assert.deepStrictEqual(got.counts, want.counts);
      assert.deepStrictEqual(got.counts, { written: 234, duplicates: 3, metadata: 100 });
      assert.deepStrictEqual(got.refused, [7, 64]);
      assert.deepStrictEqual(got.refused, want.refused);
      assert.deepStrictEqual(await holdings(batch), await holdings(plain));
      // The batch path: one metadata POST (the first, which tells whether batches are offered),
      // batches for the rest (one bulk PUT: the first's), point POSTs as many as the plain way.
      assert.equal(got.calls.get('postMetadata'), 1);
      assert.equal(got.calls.get('putBulk'), 1);
      assert.ok((got.calls.get('writeBatch') ?? 0) >= 2);
      assert.equal(got.calls.get('postPoint'), want.calls.get('postPoint'));
      assert.equal(want.calls.get('writeBatch'), undefined);
    } finally {
      await plain.close();
      await batch.close();
    }
  });
}

/** A proxy to `target` that answers the batch route 404, as a server without it would. */
async function withoutBatchRoute(
  target: string,
): Promise<{ url: string; batchPosts: () => number; close(): Promise<void> }> {
  let batchPosts = 0;
  const server: Server = createServer((req, res) => {
    if ((req.url ?? '').includes('/perfsonar/batch')) {
      batchPosts += 1;
      req.resume();
      res.writeHead(404, { 'Content-Type': 'application/json' }).end('{"detail": "Not found."}');
      return;
    }
    const up = request(`${target}${req.url ?? ''}`, { method: req.method, headers: req.headers }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    req.pipe(up);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    batchPosts: () => batchPosts,
    close: () =>
      new Promise((resolve) =>
        server.close(() => {
          resolve();
        }),
      ),
  };
}

test('a server that answers the batch route 404: the sink falls back to two requests for good, storing everything', async () => {
  const a = await startArchive({ withUser: true });
  const proxy = await withoutBatchRoute(a.url);
  const client = createClient({ url: proxy.url, credentials: { apiKey: a.apiKey } });
  try {
    const sink = new ArchiveSink(client, { batchWrites: true });
    const all = items().filter((_, i) => i !== 7 && i !== 64);
    const first = await sink.store(all.slice(0, 60));
    assert.equal(client.writeBatchState?.(), 'refused');
    // The batches already in flight when the first 404 came were refused too.
    const asked = proxy.batchPosts();
    assert.ok(asked >= 1);
    const second = await sink.store(all.slice(60));
    assert.equal(proxy.batchPosts(), asked, 'never again');
    assert.deepStrictEqual([first.written + second.written, first.duplicates + second.duplicates], [236, 1]);
    assert.equal((await allMetadata(a.archiveUrl, '&tool-name=sink-batch-test')).length, 99);
  } finally {
    await client.close();
    await proxy.close();
    await a.close();
  }
});
