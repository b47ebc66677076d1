import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { latencyModel } from '../../src/archive/seed/latency.js';
import { buildMesh, loadAt, pathAt, type Mesh } from '../../src/archive/seed/mesh.js';
import { conditionsAt, reversePair, type BulkItem, type TestModel } from '../../src/archive/seed/model.js';
import { Rng } from '../../src/archive/seed/prng.js';
import { rttModel } from '../../src/archive/seed/rtt.js';
import { throughputModel } from '../../src/archive/seed/throughput.js';
import { traceModel } from '../../src/archive/seed/trace.js';

const END = 1_764_000_000;
const mesh: Mesh = buildMesh(new Rng(11).fork('mesh'), 4, END - 2 * 86400, END);

function runsOf(model: TestModel, pairIndex = 0): BulkItem[] {
  const pair = mesh.pairs[pairIndex];
  assert.ok(pair !== undefined);
  return [...model.runs(mesh, pair, new Rng(3).fork(`${model.testType} ${pairIndex}`))];
}

function value(item: BulkItem, et: string): unknown {
  return item.val.find((v) => v['event-type'] === et)?.val;
}

describe('seed PRNG', () => {
  test('is reproducible, and forks do not depend on order', () => {
    const a = new Rng(42);
    const b = new Rng(42);
    assert.deepEqual([a.next(), a.next(), a.u32()], [b.next(), b.next(), b.u32()]);
    const x = new Rng(7);
    const first = x.fork('one').next();
    x.fork('two').next();
    assert.equal(new Rng(7).fork('one').next(), first);
    assert.notEqual(new Rng(7).fork('two').next(), first);
  });

  test('gives version-4 UUIDs and stays in range', () => {
    const r = new Rng(1);
    for (let i = 0; i < 200; i++) {
      assert.match(r.uuid(), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      const n = r.int(3, 5);
      assert.ok(n >= 3 && n <= 5);
      assert.ok(r.poisson(2) >= 0 && r.poisson(50) >= 0);
    }
  });
});

describe('seed models', () => {
  test('mesh pairs every host with every other, both directions', () => {
    assert.equal(mesh.pairs.length, 12);
    for (const p of mesh.pairs) {
      assert.notEqual(p.src, p.dst);
      const path = pathAt(mesh, p, END - 1);
      assert.equal(path.at(-1)?.ip, p.destinationIp);
      assert.ok(
        path.every((h, i) => i === 0 || h.km >= (path[i - 1]?.km ?? 0)),
        'distance grows along the path',
      );
    }
  });

  test('load follows the local clock: busy mid-afternoon, quiet at night and at weekends', () => {
    const site = mesh.sites[0];
    assert.ok(site !== undefined);
    // 2025-11-19 was a Wednesday; 2025-11-22 a Saturday.
    const at = (day: string, hour: number): number =>
      loadAt(site, Date.parse(`${day}T00:00:00Z`) / 1000 + (hour - site.utcOffset) * 3600);
    assert.ok(at('2025-11-19', 15) > 0.99);
    assert.ok(at('2025-11-19', 3) < 0.01);
    assert.ok(at('2025-11-22', 15) < 0.6);
  });

  test('latency: histogram counts match sent minus lost, loss rate matches the counts', () => {
    const items = runsOf(latencyModel(300)).filter((i) => value(i, 'failures') === undefined);
    assert.ok(items.length > 400);
    for (const item of items) {
      const sent = value(item, 'packet-count-sent') as number;
      const lost = value(item, 'packet-count-lost') as number;
      assert.deepEqual(value(item, 'packet-loss-rate'), { numerator: lost, denominator: sent });
      const hist = (value(item, 'histogram-owdelay') ?? {}) as Record<string, number>;
      assert.equal(
        Object.values(hist).reduce((a, b) => a + b, 0),
        sent - lost,
      );
      for (const key of Object.keys(hist)) assert.match(key, /^\d+\.\d\d$/);
      const ttl = (value(item, 'histogram-ttl') ?? {}) as Record<string, number>;
      assert.equal(
        Object.values(ttl).reduce((a, b) => a + b, 0),
        sent - lost,
      );
      assert.match(
        (value(item, 'pscheduler-run-href') as { href: string }).href,
        /^https:\/\/perfsonar1\.site1\.example\.net\/pscheduler\/tasks\/[-0-9a-f]{36}\/runs\/[-0-9a-f]{36}$/,
      );
    }
    const ts = items.map((i) => i.ts);
    assert.deepEqual(
      ts,
      [...ts].sort((a, b) => a - b),
      'ascending',
    );
  });

  test('rtt: round trip exceeds the sum of the one-way base delays', () => {
    const items = runsOf(rttModel(300)).filter((i) => value(i, 'histogram-rtt') !== undefined);
    assert.ok(items.length > 400);
    const there = mesh.pairs[0];
    const back = there && reversePair(mesh, there);
    assert.ok(there !== undefined && back !== undefined);
    for (const item of items) {
      const rtts = Object.keys(value(item, 'histogram-rtt') as Record<string, number>).map(Number);
      const floor = conditionsAt(mesh, there, item.ts).baseDelayMs + conditionsAt(mesh, back, item.ts).baseDelayMs;
      // Buckets are floored to 0.01 ms.
      assert.ok(Math.min(...rtts) >= floor - 0.01, `${Math.min(...rtts)} < ${floor}`);
    }
  });

  test('throughput: the value is the time-weighted mean of its intervals; streams add up', () => {
    const pair = mesh.pairs.findIndex((p) => p.parallel > 1);
    const items = runsOf(throughputModel(), pair).filter((i) => value(i, 'throughput') !== undefined);
    assert.ok(items.length >= 6, 'a run every 4-6 hours');
    for (const item of items) {
      const subs = value(item, 'throughput-subintervals') as Array<{ start: number; duration: number; val: number }>;
      assert.equal(subs.length, 20);
      const seconds = subs.reduce((s, x) => s + x.duration, 0);
      const mean = subs.reduce((s, x) => s + x.val * x.duration, 0) / seconds;
      const tput = value(item, 'throughput') as number;
      assert.ok(Math.abs(mean - tput) / tput < 1e-3, `${mean} vs ${tput}`);
      const streams = value(item, 'streams-throughput') as number[];
      assert.equal(streams.length, mesh.pairs[pair]?.parallel);
      assert.ok(Math.abs(streams.reduce((a, b) => a + b, 0) - tput) / tput < 1e-3);
      const retr = (value(item, 'packet-retransmits-subintervals') as Array<{ val: number }>).reduce(
        (s, x) => s + x.val,
        0,
      );
      assert.equal(retr, value(item, 'packet-retransmits'));
    }
  });

  test('trace: hops are numbered from 1 and path-mtu is the smallest hop MTU', () => {
    const items = runsOf(traceModel(600)).filter((i) => value(i, 'packet-trace') !== undefined);
    assert.ok(items.length > 200);
    for (const item of items) {
      const hops = value(item, 'packet-trace') as Array<{ ttl: number; mtu?: number }>;
      assert.deepEqual(
        hops.map((h) => h.ttl),
        hops.map((_, i) => i + 1),
      );
      const mtus = hops.flatMap((h) => (h.mtu === undefined ? [] : [h.mtu]));
      assert.equal(value(item, 'path-mtu'), Math.min(...mtus));
    }
  });
});
