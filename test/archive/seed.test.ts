import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seedArchive } from '../../src/archive/seed.js';
import { openSqliteArchive } from '../../src/archive/service.js';
import type { ArchiveService, RequestContext } from '../../src/archive/types.js';
import type { WireMetadata, WirePoint } from '../../src/model/wire.js';
import { startArchive } from '../helpers/archive.js';

const NOW = 1_764_000_000; // 2025-11-24 16:00 UTC
const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function ctx(now = NOW): RequestContext {
  return { requestUrl: new URL('http://127.0.0.1/esmond/perfsonar/archive/'), prefix: '/esmond', now };
}

function freshService(): ArchiveService {
  const dir = mkdtempSync(join(tmpdir(), 'esmond-seed-test-'));
  dirs.push(dir);
  return openSqliteArchive(join(dir, 'archive.sqlite'), { resolver: false });
}

async function seeded(seed: number, hosts = 3, days = 1): Promise<ArchiveService> {
  const service = freshService();
  await seedArchive(service, { hosts, days, seed, now: NOW });
  return service;
}

async function allMetadata(service: ArchiveService): Promise<WireMetadata[]> {
  const page = await service.searchMetadata(new URLSearchParams({ limit: '100000' }), ctx());
  return page.body;
}

/** Every point of one series (base or a summary), paging like a client would. */
async function series(
  service: ArchiveService,
  key: string,
  et: string,
  segment: string,
  window?: string,
): Promise<WirePoint[]> {
  const out: WirePoint[] = [];
  for (let offset = 0; ; offset += 1000) {
    const params = new URLSearchParams({
      'time-start': '0',
      'time-end': String(NOW),
      limit: '1000',
      offset: String(offset),
    });
    const page: WirePoint[] = [];
    for await (const chunk of (await service.readData(key, et, segment, window, params, ctx())).points)
      page.push(...chunk);
    out.push(...page);
    if (page.length < 1000) return out;
  }
}

function eventTypesOf(md: WireMetadata): string[] {
  return md['event-types'].map((e) => e['event-type']);
}

function identity(md: WireMetadata): string {
  return `${String(md['tool-name'])} ${String(md.source)} > ${String(md.destination)}`;
}

/** The archive's content with metadata keys (random per archive) taken out. */
async function snapshot(service: ArchiveService): Promise<Map<string, unknown>> {
  const out = new Map<string, unknown>();
  for (const md of await allMetadata(service)) {
    const key = md['metadata-key'];
    const data: Record<string, unknown> = {};
    for (const et of md['event-types']) {
      data[`${et['event-type']} base`] = await series(service, key, et['event-type'], 'base');
      for (const s of et.summaries) {
        const segment = s.uri.split('/').at(-2) ?? '';
        data[`${et['event-type']} ${segment}/${s['summary-window']}`] = await series(
          service,
          key,
          et['event-type'],
          segment,
          String(s['summary-window']),
        );
      }
    }
    const anonymous = JSON.parse(JSON.stringify(md).replaceAll(key, 'KEY')) as Record<string, unknown>;
    delete anonymous['metadata-count-total'];
    delete anonymous['metadata-previous-page'];
    delete anonymous['metadata-next-page'];
    out.set(identity(md), { metadata: anonymous, data });
  }
  return new Map([...out].sort(([a], [b]) => a.localeCompare(b)));
}

describe('seedArchive', () => {
  test('the same seed and now give the same archive; another seed does not', async () => {
    const a = await seeded(7, 3, 0.5);
    const b = await seeded(7, 3, 0.5);
    const c = await seeded(8, 3, 0.5);
    try {
      const snapA = await snapshot(a);
      assert.equal(snapA.size, 24);
      assert.deepEqual(await snapshot(b), snapA);
      assert.notDeepEqual(await snapshot(c), snapA);
    } finally {
      await a.close();
      await b.close();
      await c.close();
    }
  });

  describe('a 3-host, 1-day mesh', async () => {
    const service = await seeded(1);
    after(() => service.close());
    const metadata = await allMetadata(service);
    const byTool = (tool: string): WireMetadata[] => metadata.filter((m) => m['tool-name'] === tool);

    test('has the four perfSONAR tests for every ordered pair, IPv4 and IPv6', async () => {
      assert.equal(metadata.length, 3 * 2 * 4);
      for (const tool of ['pscheduler/powstream', 'pscheduler/ping', 'pscheduler/traceroute', 'pscheduler/iperf3']) {
        assert.equal(byTool(tool).length, 6, tool);
      }
      assert.ok(
        metadata.some((m) => String(m.source).includes(':')),
        'an IPv6 test',
      );
      assert.ok(
        metadata.some((m) => /^10\.\d+\.\d+\.\d+$/.test(String(m.source))),
        'an IPv4 test',
      );
      for (const m of metadata) {
        assert.match(String(m['input-source']), /^perfsonar1\.site\d+\.example\.net$/);
        assert.equal(m['measurement-agent'], m.source);
      }
      const tput = byTool('pscheduler/iperf3')[0];
      assert.equal(tput?.['ip-transport-protocol'], 'tcp');
      assert.equal(tput['time-duration'], '20');
    });

    test('every declared event type holds data, failures included', async () => {
      const expected: Record<string, string[]> = {
        'pscheduler/powstream': [
          'failures',
          'histogram-owdelay',
          'histogram-ttl',
          'packet-count-lost',
          'packet-count-sent',
          'packet-duplicates',
          'packet-loss-rate',
          'packet-reorders',
          'pscheduler-run-href',
          'time-error-estimates',
        ],
        'pscheduler/ping': [
          'failures',
          'histogram-rtt',
          'histogram-ttl-reverse',
          'packet-count-lost-bidir',
          'packet-count-sent',
          'packet-duplicates-bidir',
          'packet-loss-rate-bidir',
          'packet-reorders-bidir',
          'pscheduler-run-href',
        ],
        'pscheduler/traceroute': ['failures', 'packet-trace', 'path-mtu', 'pscheduler-run-href'],
        'pscheduler/iperf3': [
          'failures',
          'packet-retransmits',
          'packet-retransmits-subintervals',
          'pscheduler-run-href',
          'streams-packet-retransmits',
          'streams-packet-retransmits-subintervals',
          'streams-throughput',
          'streams-throughput-subintervals',
          'throughput',
          'throughput-subintervals',
        ],
      };
      for (const [tool, types] of Object.entries(expected)) {
        const declared = new Set(byTool(tool).flatMap(eventTypesOf));
        assert.deepEqual([...declared].sort(), types, tool);
        for (const et of types) {
          const withData: unknown[] = [];
          for (const m of byTool(tool).filter((md) => eventTypesOf(md).includes(et))) {
            if ((await series(service, m['metadata-key'], et, 'base')).length > 0) withData.push(m);
          }
          assert.ok(withData.length > 0, `${tool} ${et} has data`);
        }
      }
    });

    test('declares the summaries the pScheduler archiver declares', async () => {
      const lat = byTool('pscheduler/powstream')[0];
      const summaries = (et: string): string[] =>
        (lat?.['event-types'].find((e) => e['event-type'] === et)?.summaries ?? [])
          .map((s) => `${s['summary-type']}/${s['summary-window']}`)
          .sort();
      assert.deepEqual(summaries('histogram-owdelay'), [
        'aggregation/300',
        'aggregation/3600',
        'aggregation/86400',
        'statistics/0',
        'statistics/300',
        'statistics/3600',
        'statistics/86400',
      ]);
      assert.deepEqual(summaries('packet-loss-rate'), ['aggregation/300', 'aggregation/3600', 'aggregation/86400']);
      const tput = byTool('pscheduler/iperf3')[0];
      assert.deepEqual(
        tput?.['event-types'].find((e) => e['event-type'] === 'throughput')?.summaries.map((s) => s['summary-type']),
        ['average'],
      );
    });

    test('summaries agree with the base data of one hour', async () => {
      const md = byTool('pscheduler/powstream')[0];
      assert.ok(md !== undefined);
      const key = md['metadata-key'];
      const bin = Math.floor((NOW - 3 * 3600) / 3600) * 3600;
      const inBin = (p: WirePoint): boolean => p.ts >= bin && p.ts < bin + 3600;
      const lost = (await series(service, key, 'packet-count-lost', 'base')).filter(inBin);
      const sent = (await series(service, key, 'packet-count-sent', 'base')).filter(inBin);
      assert.ok(sent.length >= 10, 'about 12 results an hour');
      const sum = (ps: WirePoint[]): number => ps.reduce((s, p) => s + Number(p.val), 0);
      const at = async (et: string, seg: string): Promise<unknown> =>
        (await series(service, key, et, seg, '3600')).find((p) => p.ts === bin)?.val;
      assert.equal(Number(await at('packet-count-lost', 'aggregations')), sum(lost));
      assert.equal(Number(await at('packet-count-sent', 'aggregations')), sum(sent));
      assert.ok(Math.abs(Number(await at('packet-loss-rate', 'aggregations')) - sum(lost) / sum(sent)) < 1e-12);
      const merged: Record<string, number> = {};
      for (const p of (await series(service, key, 'histogram-owdelay', 'base')).filter(inBin)) {
        for (const [k, v] of Object.entries(p.val as Record<string, number>)) merged[k] = (merged[k] ?? 0) + v;
      }
      assert.deepEqual(await at('histogram-owdelay', 'aggregations'), merged);
      const stats = (await at('histogram-owdelay', 'statistics')) as Record<string, number>;
      const keys = Object.keys(merged).map(Number);
      assert.equal(stats.minimum, Math.min(...keys));
      assert.equal(stats.maximum, Math.max(...keys));
    });

    test('values look like a real network', async () => {
      for (const md of byTool('pscheduler/powstream')) {
        const stats = await series(service, md['metadata-key'], 'histogram-owdelay', 'statistics', '0');
        for (const p of stats) {
          const median = (p.val as { median: number }).median;
          assert.ok(median > 0.05 && median < 100, `one-way delay ${median} ms`);
        }
      }
      let rates = 0;
      for (const md of byTool('pscheduler/iperf3')) {
        for (const p of await series(service, md['metadata-key'], 'throughput', 'base')) {
          rates++;
          assert.ok(Number(p.val) >= 5e6 && Number(p.val) <= 100e9, `throughput ${String(p.val)}`);
        }
      }
      assert.ok(rates >= 6 * 3, 'a throughput test every 4-6 hours');
      const hops = await series(
        service,
        byTool('pscheduler/traceroute')[0]?.['metadata-key'] ?? '',
        'packet-trace',
        'base',
      );
      const path = hops[0]?.val as Array<Record<string, unknown>>;
      assert.ok(path.length >= 3);
      assert.deepEqual(
        path.map((h) => h['ttl']),
        path.map((_, i) => i + 1),
      );
    });

    test('routes change over time', async () => {
      let changed = false;
      for (const md of byTool('pscheduler/traceroute')) {
        const paths = (await series(service, md['metadata-key'], 'packet-trace', 'base')).map((p) =>
          (p.val as Array<{ ip?: string }>).map((h) => h.ip ?? '*').join(' '),
        );
        if (new Set(paths).size > 1) changed = true;
      }
      assert.ok(changed);
    });
  });

  test('seeding again skips the tests that already hold data', async () => {
    const service = freshService();
    try {
      const first = await seedArchive(service, { hosts: 2, days: 0.1, seed: 4, now: NOW });
      assert.equal(first.metadata, 8);
      assert.ok(first.points > 0);
      const lines: string[] = [];
      const again = await seedArchive(service, {
        hosts: 2,
        days: 0.1,
        seed: 4,
        now: NOW,
        onProgress: (m) => lines.push(m),
      });
      // Only tests without a single run in the 2.4 h (throughput runs every 4-6 h) are seeded again.
      assert.equal(again.points, 0);
      const skipped = lines.filter((l) => l.includes('already in the archive')).length;
      assert.ok(skipped >= 6, `${skipped} skipped`);
      assert.equal(skipped + again.metadata, 8);
      assert.equal((await allMetadata(service)).length, 8);
    } finally {
      await service.close();
    }
  });

  test('refuses bad options', async () => {
    const service = freshService();
    try {
      await assert.rejects(seedArchive(service, { hosts: -1, days: 1, seed: 1, now: NOW }), RangeError);
      await assert.rejects(seedArchive(service, { hosts: 2, days: Number.NaN, seed: 1, now: NOW }), RangeError);
      await assert.rejects(seedArchive(service, { hosts: 2, days: 1, seed: 1.5, now: NOW }), RangeError);
      assert.deepEqual(await seedArchive(service, { hosts: 2, days: 0, seed: 1, now: NOW }), {
        metadata: 8,
        points: 0,
      });
    } finally {
      await service.close();
    }
  });

  test('a seeded archive serves its data over HTTP', async () => {
    const archive = await startArchive({ seed: { hosts: 2, days: 0.25, seed: 3 }, now: () => NOW * 1000 });
    try {
      const res = await fetch(`${archive.archiveUrl}?tool-name=pscheduler/powstream`);
      assert.equal(res.status, 200);
      const list = (await res.json()) as WireMetadata[];
      assert.equal(list.length, 2);
      const et = list[0]?.['event-types'].find((e) => e['event-type'] === 'histogram-owdelay');
      const data = await fetch(`${archive.url}${et?.['base-uri'] ?? ''}`);
      const points = (await data.json()) as WirePoint[];
      assert.ok(points.length > 50, `${points.length} points in 6 h`);
    } finally {
      await archive.close();
    }
  });
});
