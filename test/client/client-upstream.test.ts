/**
 * The upstream Python client test (`test_client.py`, upstream esmond tests items 39–42), replayed with
 * this client against the embedded archive loaded with the same fixture and storage rows.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createClient } from '../../src/client.js';
import type { EsmondClient, Metadata } from '../../src/query/types.js';
import { startArchive, type TestArchive } from '../helpers/archive.js';

const WINDOW = { timeStart: 1391558400, timeEnd: 1391616000 };

async function all<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe('upstream test_client.py scenario', () => {
  let archive: TestArchive;
  let client: EsmondClient;
  let owamp: Metadata | undefined;
  let bwctl: Metadata | undefined;

  before(async () => {
    archive = await startArchive({ fixture: 'client', withUser: false });
    client = createClient({ url: archive.url });
    [owamp] = await all(client.searchMetadata({ inputSource: 'lbl-owamp.es.net', ...WINDOW }));
    [bwctl] = await all(client.searchMetadata({ inputSource: 'lbl-pt1.es.net', ...WINDOW }));
  });
  after(async () => {
    await client.close();
    await archive.close();
  });

  test('metadata found by input-source, uppercase keys and verbatim parameters', () => {
    assert.equal(owamp?.key, '0CB19291FB6D40EAA1955376772BF5D2');
    assert.equal(owamp.parameters['ip-packet-interval'], '.1');
    assert.equal(bwctl?.key, 'EC7E5AF67F8746C8AEF41E60288F3F59');
  });

  test('39: histogram-ttl base, 960 points over pages of 100', async () => {
    const pts = await all(client.data(owamp!, 'histogram-ttl', {}, { ...WINDOW, pageSize: 100 }));
    assert.equal(pts.length, 960);
    assert.deepEqual(pts[0], { ts: 1391558439, val: { '10': 600 } });
    assert.deepEqual(pts.at(-1), { ts: 1391615979, val: { '9': 114, '10': 486 } });
    assert.equal(new Set(pts.map((p) => p.ts)).size, 960);
  });

  test('40: throughput, 4 points', async () => {
    const pts = await all(client.data<number>(bwctl!, 'throughput', {}, WINDOW));
    assert.equal(pts.length, 4);
    assert.deepEqual(pts[0], { ts: 1391563070, val: 5524593445 });
    assert.deepEqual(pts.at(-1), { ts: 1391606270, val: 7549113664 });
  });

  test('41: counters, 960 points each', async () => {
    const expect: Array<[string, [number, number], [number, number]]> = [
      ['packet-duplicates', [1391558413, 281], [1391615953, 379]],
      ['packet-count-sent', [1391558435, 431], [1391615975, 505]],
      ['packet-count-lost', [1391558410, 95], [1391615950, 312]],
    ];
    for (const [et, first, last] of expect) {
      const pts = await all(client.data<number>(owamp!.key, et, { summaryType: 'base' }, { ...WINDOW, pageSize: 333 }));
      assert.equal(pts.length, 960, et);
      assert.deepEqual([pts[0]?.ts, pts[0]?.val], first, et);
      assert.deepEqual([pts.at(-1)?.ts, pts.at(-1)?.val], last, et);
    }
  });

  test('42: histogram-owdelay summaries and the daily aggregation', async () => {
    const sums = owamp!.eventTypes.find((e) => e.eventType === 'histogram-owdelay')?.summaries ?? [];
    assert.deepEqual(
      sums.map((s) => [s.summaryType, s.summaryWindow]),
      [['aggregation', 86400]],
    );
    assert.deepEqual(
      (await client.summaries(owamp!.key, 'histogram-owdelay', 'aggregation')).map((s) => s.summaryWindow),
      [86400],
    );
    const agg = await all(
      client.data(owamp!, 'histogram-owdelay', { summaryType: 'aggregation', summaryWindow: 86400 }, WINDOW),
    );
    assert.equal(agg.length, 1);
    assert.equal(agg[0]?.ts, 1391613631);
    assert.equal((agg[0].val as Record<string, number>)['928'], 575408);
  });
});
