import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { LAN_SIZING, MAX_IN_FLIGHT, measureRtt, sizingForRtt } from '../../src/bulk/rtt.js';
import { BULK_DEFAULTS } from '../../src/bulk/run.js';
import { nextWindowSeconds, TARGET_FILL } from '../../src/bulk/windows.js';
import { createClient } from '../../src/client.js';
import { startArchive, type TestArchive } from '../helpers/archive.js';

describe('sizing a bulk run from the round-trip time', () => {
  test('a LAN or loopback keeps the sizing the run always had', () => {
    assert.deepEqual(LAN_SIZING, {
      concurrency: BULK_DEFAULTS.concurrency,
      windowFill: TARGET_FILL,
      compression: false,
    });
    for (const rtt of [0, 0.2, 1, 4.9, 9.9, NaN]) assert.deepEqual(sizingForRtt(rtt), LAN_SIZING, `rtt ${rtt}`);
  });

  test('a long round trip puts more series in flight, up to a cap, and aims windows past a full page', () => {
    assert.deepEqual(sizingForRtt(50), { concurrency: 5, windowFill: 1.25, compression: true });
    assert.equal(sizingForRtt(10).concurrency, 3);
    assert.equal(sizingForRtt(100).concurrency, 7);
    assert.equal(sizingForRtt(2000).concurrency, MAX_IN_FLIGHT);
    const sizes = [10, 20, 50, 80, 120, 300].map((r) => sizingForRtt(r).concurrency);
    assert.deepEqual(
      sizes,
      [...sizes].sort((a, b) => a - b),
      'never fewer in flight for a longer round trip',
    );
  });

  test('a window fill above 1 aims the next window past a full page', () => {
    assert.equal(nextWindowSeconds(86400, 20000, 10000, undefined, 1.25), 86400 * 0.625);
    assert.equal(nextWindowSeconds(86400, 20000, 10000), 86400 * 0.4);
  });
});

describe('measuring the round trip', () => {
  let a: TestArchive;
  before(async () => {
    a = await startArchive({ seed: { hosts: 2, days: 1 } });
  });
  after(async () => {
    await a.close();
  });

  test('a reachable archive gives a time; a failing probe gives NaN (the sizing of a LAN)', async () => {
    const client = createClient({ url: a.url });
    try {
      const md = await client.searchMetadata({}).first();
      assert.ok(md !== undefined);
      const rtt = await measureRtt(client, md);
      // Only finite: on a loaded machine even loopback can take tens of ms (the bench shows the sizing).
      assert.ok(Number.isFinite(rtt) && rtt >= 0, String(rtt));
      assert.ok(Number.isNaN(await measureRtt(client, { ...md, key: '0'.repeat(32) })));
    } finally {
      await client.close();
    }
  });
});
