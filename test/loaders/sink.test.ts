/**
 * ArchiveSink against the real archive: values the archive already holds count as duplicates,
 * values it newly stores as written — also when one metadata's points take several bulk PUTs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startArchive } from '../helpers/archive.js';
import { ArchiveSink, type SinkItem } from '../../src/loaders/sink.js';
import { createClient } from '../../src/query/client.js';
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
const item = (ts: number, val: number): SinkItem => ({ metadata: METADATA, ts, values: [{ 'event-type': 'throughput', val }] });

/** The client, counting its single-value posts. */
function countingPosts(client: EsmondClient): { client: EsmondClient; posts: () => number } {
  let posts = 0;
  const counted = new Proxy(client, {
    get(target, name, receiver) {
      const v = Reflect.get(target, name, receiver) as unknown;
      if (name !== 'postPoint' || typeof v !== 'function') return v;
      return (...args: unknown[]) => {
        posts += 1;
        return Reflect.apply(v, target, args);
      };
    },
  });
  return { client: counted, posts: () => posts };
}

test('a 409 in a later bulk PUT: earlier PUTs count as written and are not sent again', async () => {
  const a = await startArchive({ withUser: true });
  const client = createClient({ url: a.url, credentials: { apiKey: a.apiKey } });
  try {
    // The last of five points is already stored.
    assert.deepStrictEqual(await new ArchiveSink(client).store([item(1_700_000_240, 5e9)]), { written: 1, duplicates: 0, metadata: 1 });
    const counting = countingPosts(client);
    const sink = new ArchiveSink(counting.client, { batchSize: 2 });
    const counts = await sink.store([item(1_700_000_000, 1e9), item(1_700_000_060, 2e9), item(1_700_000_120, 3e9), item(1_700_000_180, 4e9), item(1_700_000_240, 6e9)]);
    assert.deepStrictEqual(counts, { written: 4, duplicates: 1, metadata: 1 });
    assert.equal(counting.posts(), 1, 'only the PUT that met the stored point is retried value by value');
    const [md] = await allMetadata(a.archiveUrl, '&tool-name=sink-test');
    assert.ok(md);
    const points = await basePoints(a.url, md, 'throughput');
    assert.deepStrictEqual(
      points.map((p) => [p.ts, p.val]),
      [
        [1_700_000_000, 1e9],
        [1_700_000_060, 2e9],
        [1_700_000_120, 3e9],
        [1_700_000_180, 4e9],
        [1_700_000_240, 5e9],
      ],
    );
  } finally {
    await client.close();
    await a.close();
  }
});
