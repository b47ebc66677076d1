/**
 * ArchiveSink against the real archive: values the archive already holds count as duplicates,
 * values it newly stores as written — also when one metadata's points take several bulk PUTs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startArchive, type TestArchive } from '../helpers/archive.js';
import { ArchiveSink, type SinkItem } from '../../src/loaders/sink.js';
import { createClient } from '../../src/client.js';
import type { EsmondClient } from '../../src/query/types.js';
import type { WireNewMetadata } from '../../src/model/wire.js';
import { allMetadata, basePoints } from './archive-compare.js';

const METADATA: WireNewMetadata = {
  'subject-type': 'point-to-point',
  source: '192.0.2.1',
  destination: '192.0.2.2',
  'measurement-agent': '192.0.2.1',
  'tool-name': 'sink-test',
  'input-source': 'a.example',
  'input-destination': 'b.example',
  'event-types': [{ 'event-type': 'throughput', summaries: [] }],
};
const item = (ts: number, val: unknown, metadata = METADATA): SinkItem => ({
  metadata,
  ts,
  values: [{ 'event-type': 'throughput', val }],
});
const OTHER: WireNewMetadata = { ...METADATA, destination: '192.0.2.3', 'input-destination': 'c.example' };

/** The client, counting its calls of `method`. */
function counting(
  client: EsmondClient,
  method: 'postPoint' | 'putBulk',
): { client: EsmondClient; calls: () => number } {
  let calls = 0;
  const counted = new Proxy(client, {
    get(target, name, receiver) {
      const v = Reflect.get(target, name, receiver) as unknown;
      if (name !== method || typeof v !== 'function') return v;
      return (...args: unknown[]) => {
        calls += 1;
        return Reflect.apply(v, target, args) as unknown;
      };
    },
  });
  return { client: counted, calls: () => calls };
}

/** The throughput points of the archive's metadata towards `destination`, as [ts, value]. */
async function throughputTo(a: TestArchive, destination: string): Promise<[number, unknown][]> {
  const [md] = await allMetadata(a.archiveUrl, `&tool-name=sink-test&destination=${destination}`);
  assert.ok(md);
  return (await basePoints(a.url, md, 'throughput')).map((p) => [p.ts, p.val]);
}

test('a 409 in a later bulk PUT: earlier PUTs count as written and are not sent again', async () => {
  const a = await startArchive({ withUser: true });
  const client = createClient({ url: a.url, credentials: { apiKey: a.apiKey } });
  try {
    // The last of five points is already stored.
    assert.deepStrictEqual(await new ArchiveSink(client).store([item(1_700_000_240, 5e9)]), {
      written: 1,
      duplicates: 0,
      metadata: 1,
    });
    const posts = counting(client, 'postPoint');
    const sink = new ArchiveSink(posts.client, { batchSize: 2 });
    const counts = await sink.store([
      item(1_700_000_000, 1e9),
      item(1_700_000_060, 2e9),
      item(1_700_000_120, 3e9),
      item(1_700_000_180, 4e9),
      item(1_700_000_240, 6e9),
    ]);
    assert.deepStrictEqual(counts, { written: 4, duplicates: 1, metadata: 1 });
    assert.equal(posts.calls(), 1, 'only the PUT that met the stored point is retried value by value');
    assert.deepStrictEqual(await throughputTo(a, '192.0.2.2'), [
      [1_700_000_000, 1e9],
      [1_700_000_060, 2e9],
      [1_700_000_120, 3e9],
      [1_700_000_180, 4e9],
      [1_700_000_240, 5e9],
    ]);
  } finally {
    await client.close();
    await a.close();
  }
});

test('an item the archive refuses: reported, and only the items of its metadata are sent again', async () => {
  const a = await startArchive({ withUser: true });
  const client = createClient({ url: a.url, credentials: { apiKey: a.apiKey } });
  try {
    const puts = counting(client, 'putBulk');
    const sink = new ArchiveSink(puts.client);
    const refused: number[] = [];
    const counts = await sink.store(
      [
        item(1_700_000_000, 1e9),
        item(1_700_000_000, 'not a number', OTHER),
        item(1_700_000_060, 2e9, OTHER),
        item(1_700_000_060, 3e9),
      ],
      (i) => void refused.push(i),
    );
    assert.deepStrictEqual(refused, [1]);
    assert.deepStrictEqual(counts, { written: 3, duplicates: 0, metadata: 2 });
    // One PUT per metadata, then the refused metadata's two items one by one.
    assert.equal(puts.calls(), 4);
    assert.deepStrictEqual(await throughputTo(a, '192.0.2.2'), [
      [1_700_000_000, 1e9],
      [1_700_000_060, 3e9],
    ]);
    assert.deepStrictEqual(await throughputTo(a, '192.0.2.3'), [[1_700_000_060, 2e9]]);
  } finally {
    await client.close();
    await a.close();
  }
});
