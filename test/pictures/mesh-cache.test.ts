/**
 * The mesh cache's rules with a controlled clock and computations that end when the test says:
 * only the first request waits, concurrent requests share one computation, an old summary is
 * served while the next is computed, and a write schedules a refresh.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { createMeshCache } from '../../src/pictures/mesh-cache.js';
import type { MeshSummary } from '../../src/web/mesh-types.js';
import { decodeMesh } from '../../src/web/mesh-wire.js';

function summary(generated: number, value: number): MeshSummary {
  return {
    generated,
    computeSeconds: 0,
    hosts: [
      { name: 'a', ips: ['192.0.2.1'] },
      { name: 'b', ips: ['192.0.2.2'] },
    ],
    cells: [
      {
        source: 'a',
        destination: 'b',
        sourceIp: '192.0.2.1',
        destinationIp: '192.0.2.2',
        family: 'latency',
        tool: 'pscheduler/powstream',
        last: generated - 30,
        interval: 60,
        value,
        delay: { min: 1.2345678, median: 2, p95: 3 },
      },
    ],
  };
}

/** A computation the test ends by hand. */
function controlled(): { compute: () => Promise<MeshSummary>; calls: () => number; finish: (s: MeshSummary) => void } {
  const pending: Array<(s: MeshSummary) => void> = [];
  let calls = 0;
  return {
    compute: () => {
      calls++;
      return new Promise((resolve) => pending.push(resolve));
    },
    calls: () => calls,
    finish: (s) => {
      const next = pending.shift();
      assert.ok(next, 'no computation is running');
      next(s);
    },
  };
}

test('mesh cache: the first requests share one computation; later ones never wait for one', async () => {
  let now = 1_000_000;
  const c = controlled();
  const cache = createMeshCache({ compute: c.compute, clock: () => now, refreshMs: 60_000, log: () => undefined });
  const first = [cache.get(), cache.get(), cache.get()];
  assert.equal(c.calls(), 1);
  c.finish(summary(1000, 0.01));
  const snaps = await Promise.all(first);
  assert.ok(snaps.every((s) => s === snaps[0]));
  const snap = snaps[0];
  assert.ok(snap);
  // What is served: the page's JSON decodes back to the summary (delay rounded to µs), the
  // metrics carry the value and the time of the last result, and their gzip is the same text.
  const [cell] = decodeMesh(JSON.parse(snap.json)).cells;
  assert.ok(cell);
  assert.equal(cell.value, 0.01);
  assert.deepEqual(cell.delay, { min: 1.235, median: 2, p95: 3 });
  const text = snap.metrics.toString();
  assert.match(
    text,
    /esmond_packet_loss_ratio\{source="a",destination="b",tool="pscheduler\/powstream",event_type="packet-loss-rate"\} 0\.01\n/,
  );
  assert.match(text, /esmond_last_result_timestamp_seconds\{[^}]*\} 970\n/);
  assert.match(text, /esmond_mesh_summary_timestamp_seconds 1000\n/);
  assert.equal(gunzipSync(snap.metricsGzip).toString(), text);
  assert.equal(gunzipSync(snap.jsonGzip).toString(), snap.json);

  // Old: served as is while the refresh runs (the request does not wait), shared by everyone.
  now += 61_000;
  assert.equal(await cache.get(), snap);
  assert.equal(await cache.get(), snap);
  assert.equal(c.calls(), 2);
  c.finish(summary(1061, 0.02));
  const refreshed = await cache.refresh();
  assert.equal(decodeMesh(JSON.parse(refreshed.json)).cells[0]?.value, 0.02);
  assert.equal(await cache.get(), refreshed);
  assert.equal(c.calls(), 2);
  cache.close();
});

test('mesh cache: a write schedules one background refresh after the gap', async () => {
  const c = controlled();
  const cache = createMeshCache({
    compute: c.compute,
    clock: () => Date.now(),
    refreshMs: 3_600_000,
    minGapMs: 10,
    log: () => undefined,
  });
  const first = cache.get();
  c.finish(summary(1000, 0));
  await first;
  cache.invalidate();
  cache.invalidate();
  for (let i = 0; i < 200 && c.calls() < 2; i++) await new Promise((r) => setTimeout(r, 10));
  assert.equal(c.calls(), 2, 'one refresh for two writes');
  c.finish(summary(1001, 0.5));
  for (let i = 0; i < 200 && decodeMesh(JSON.parse((await cache.get()).json)).cells[0]?.value !== 0.5; i++)
    await new Promise((r) => setTimeout(r, 10));
  assert.equal(decodeMesh(JSON.parse((await cache.get()).json)).cells[0]?.value, 0.5);
  // After close, writes schedule nothing.
  cache.close();
  cache.invalidate();
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(c.calls(), 2);
});
