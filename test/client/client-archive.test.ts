/**
 * The client against the REAL embedded archive (real service, SQLite file, HTTP on 127.0.0.1).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createClient } from '../../src/client.js';
import type { EsmondClient, Metadata } from '../../src/query/types.js';
import type { WireNewMetadata } from '../../src/model/wire.js';
import { isHttpError } from '../../src/http/errors.js';
import { startArchive, type TestArchive } from '../helpers/archive.js';

async function all<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

function p2p(n: number, extra: Record<string, unknown> = {}): WireNewMetadata {
  return {
    'subject-type': 'point-to-point',
    source: `10.0.0.${n}`,
    destination: '10.0.1.1',
    'measurement-agent': `10.0.0.${n}`,
    'tool-name': 'bwctl/iperf3',
    'input-source': `host${n}.example.net`,
    'input-destination': 'sink.example.net',
    'time-duration': 20,
    'event-types': [
      {
        'event-type': 'throughput',
        summaries: [
          { 'summary-type': 'aggregation', 'summary-window': 3600 },
          { 'summary-type': 'average', 'summary-window': '86400' },
        ],
      },
      { 'event-type': 'packet-retransmits' },
      { 'event-type': 'failures' },
    ],
    ...extra,
  };
}

/** Decoded metadata without `raw` (which may carry paging keys). */
const decoded = (m: Metadata): Omit<Metadata, 'raw'> => {
  const { raw: _raw, ...rest } = m;
  return rest;
};

describe('client ↔ embedded archive', () => {
  let archive: TestArchive;
  let client: EsmondClient;
  let anon: EsmondClient;

  before(async () => {
    archive = await startArchive({ withUser: true });
    client = createClient({ url: archive.url, credentials: { apiKey: archive.apiKey } });
    anon = createClient({ url: `${archive.url}/esmond/` });
  });
  after(async () => {
    await client.close();
    await anon.close();
    await archive.close();
  });

  test('postMetadata round trip: the answer equals a later getMetadata', async () => {
    const posted = await client.postMetadata(p2p(1, { 'ip-transport-protocol': 'tcp' }));
    assert.match(posted.key, /^[0-9a-f]{32}$/);
    assert.equal(posted.source, '10.0.0.1');
    assert.deepEqual(posted.parameters, { 'time-duration': '20', 'ip-transport-protocol': 'tcp' });
    assert.deepEqual(posted.eventTypes.map((e) => e.eventType).sort(), [
      'failures',
      'packet-retransmits',
      'throughput',
    ]);
    const got = await anon.getMetadata(posted.key);
    assert.deepEqual(decoded(got), decoded(posted));
    // get-or-create: the same body finds the same metadata
    assert.equal((await client.postMetadata(p2p(1, { 'ip-transport-protocol': 'tcp' }))).key, posted.key);
  });

  test('every URL form reaches the same archive', async () => {
    const m = await client.postMetadata(p2p(2));
    const forms = [
      archive.url,
      `${archive.url}/`,
      `${archive.url}/esmond`,
      `${archive.url}/esmond/`,
      `${archive.url}/esmond/perfsonar/archive`,
      `${archive.url}/esmond/perfsonar/archive/`,
      `${archive.url}/perfsonar/archive/`,
    ];
    for (const url of forms) {
      const c = createClient({ url });
      try {
        const found = await all(c.searchMetadata({ metadataKey: m.key }));
        assert.deepEqual(
          found.map((x) => x.key),
          [m.key],
          url,
        );
        assert.equal((await c.getMetadata(m.key)).key, m.key, url);
      } finally {
        await c.close();
      }
    }
  });

  test('putBulk then data() returns exactly the points, over many small pages', async () => {
    const m = await client.postMetadata(p2p(3));
    const t0 = 1_700_000_000;
    const points = Array.from({ length: 103 }, (_, i) => ({ ts: t0 + i * 60, val: 1000 + i }));
    await client.putBulk(
      m.key,
      points.map((p) => ({ ts: p.ts, val: [{ 'event-type': 'throughput', val: p.val }] })),
      { batchSize: 17 },
    );
    const window = { timeStart: t0, timeEnd: t0 + 103 * 60 };
    assert.deepEqual(await all(anon.data(m, 'throughput', {}, { ...window, pageSize: 7 })), points);
    assert.deepEqual(
      await all(anon.data(m.key, 'throughput', { summaryType: 'base' }, { ...window, pageSize: 1000 })),
      points,
    );
    // Each full page restarts at its last ts (which may be shared with points on the next page),
    // so after the first page every request re-reads one already-yielded point and skips it.
    const sizes = (await all(anon.dataPages(m, 'throughput', {}, { ...window, pageSize: 10 }))).map((p) => p.length);
    assert.deepEqual(sizes, [10, ...Array<number>(10).fill(9), 3]);
    // a window inside the series, inclusive bounds
    const mid = await all(anon.data(m, 'throughput', {}, { timeStart: t0 + 60, timeEnd: t0 + 180, pageSize: 2 }));
    assert.deepEqual(mid, points.slice(1, 4));
  });

  test('postPoint writes one point; a duplicate is HttpError 409', async () => {
    const m = await client.postMetadata(p2p(4));
    await client.postPoint(m.key, 'throughput', { ts: 60, val: 6000 });
    assert.deepEqual(await all(anon.data(m.key, 'throughput')), [{ ts: 60, val: 6000 }]);
    await assert.rejects(
      client.postPoint(m.key, 'throughput', { ts: 60, val: 6000 }),
      (e: unknown) => isHttpError(e) && e.status === 409,
    );
  });

  test('summaries: listing and aggregated series', async () => {
    const m = await client.postMetadata(p2p(5));
    const bin = 1_699_999_200; // multiple of 3600
    const w = client.createDataWriter(m.key, { batchSize: 2 });
    for (const [dt, v] of [
      [0, 10],
      [60, 20],
      [3600, 5],
      [3660, 7],
      [7200, 1],
    ] as const)
      await w.add(bin + dt, 'throughput', v);
    await w.close();
    const listing = await anon.summaries(m.key, 'throughput', 'aggregation');
    assert.deepEqual(
      listing.map((s) => [s.summaryType, s.summaryWindow]),
      [['aggregation', 3600]],
    );
    assert.equal(typeof listing[0]?.timeUpdated, 'number');
    const window = { timeStart: bin, timeEnd: bin + 7200 };
    const agg = await all(anon.data(m.key, 'throughput', { summaryType: 'aggregation', summaryWindow: 3600 }, window));
    assert.deepEqual(agg, [
      { ts: bin, val: 30 },
      { ts: bin + 3600, val: 12 },
      { ts: bin + 7200, val: 1 },
    ]);
    // same through the metadata's own summary uri
    const fresh = await anon.getMetadata(m.key);
    assert.deepEqual(
      await all(
        anon.data(fresh, 'throughput', { summaryType: 'aggregation', summaryWindow: 3600 }, { ...window, pageSize: 1 }),
      ),
      agg,
    );
    // bin + 7200 is the first second of the next UTC day
    const avg = await all(
      anon.data(
        fresh,
        'throughput',
        { summaryType: 'average', summaryWindow: 86400 },
        { timeStart: 1_699_920_000, timeEnd: 1_700_092_799 },
      ),
    );
    assert.deepEqual(avg, [
      { ts: 1_699_920_000, val: (10 + 20 + 5 + 7) / 4 },
      { ts: 1_700_006_400, val: 1 },
    ]);
  });

  test('searchMetadata across many pages with filters and free-form filters', async () => {
    const keys = { tcp: new Set<string>(), udp: new Set<string>() };
    for (let i = 0; i < 13; i++) {
      const proto = i % 3 === 0 ? 'udp' : 'tcp';
      const m = await client.postMetadata(
        p2p(100 + i, { 'ip-transport-protocol': proto, 'bw-parallel-streams': i % 2 === 0 ? 2 : 1 }),
      );
      keys[proto].add(m.key);
    }
    const udp = await all(
      anon.searchMetadata({ eventType: 'throughput', filters: [['ip-transport-protocol', 'udp']] }, { pageSize: 2 }),
    );
    assert.deepEqual(new Set(udp.map((m) => m.key)), keys.udp);
    const tcp = await all(
      anon.searchMetadata({ toolName: 'bwctl/iperf3', filters: [['ip-transport-protocol', 'tcp']] }, { pageSize: 3 }),
    );
    // (the round-trip test's metadata is tcp too)
    assert.ok([...keys.tcp].every((k) => tcp.some((m) => m.key === k)));
    assert.ok(tcp.every((m) => m.parameters['ip-transport-protocol'] === 'tcp'));
    assert.equal(new Set(tcp.map((m) => m.key)).size, tcp.length);
    const sortedKeys = tcp.map((m) => m.key);
    assert.deepEqual(sortedKeys, [...sortedKeys].sort(), 'server order (by key) is kept');
    const two = await all(
      anon.searchMetadata(
        {
          filters: [
            ['ip-transport-protocol', 'tcp'],
            ['bw-parallel-streams', '2'],
          ],
        },
        { pageSize: 1 },
      ),
    );
    assert.ok(
      two.length > 0 &&
        two.every(
          (m) => m.parameters['bw-parallel-streams'] === '2' && m.parameters['ip-transport-protocol'] === 'tcp',
        ),
    );
    // every metadata, one per page, equals the one-page answer
    assert.deepEqual(
      (await all(anon.searchMetadata({}, { pageSize: 1 }))).map((m) => m.key),
      (await all(anon.searchMetadata({}))).map((m) => m.key),
    );
    assert.deepEqual(await all(anon.searchMetadata({ source: '10.9.9.9' })), []);
  });

  test('server-side errors are errors: 400 on a bad event type, 404 on an unknown key', async () => {
    await assert.rejects(
      all(anon.data('0123456789abcdef0123456789abcdef', 'no-such-type' as string)),
      (e: unknown) => isHttpError(e) && e.status === 400,
    );
    await assert.rejects(
      anon.getMetadata('0123456789abcdef0123456789abcdef'),
      (e: unknown) => isHttpError(e) && e.status === 404,
    );
  });

  test('auth: no key → 401 on write; a wrong key → 401 even on reads', async () => {
    await assert.rejects(anon.postMetadata(p2p(7)), (e: unknown) => isHttpError(e) && e.status === 401);
    // the legacy tastypie header works too (user name as created by the test helper)
    const legacy = createClient({
      url: archive.url,
      credentials: { apiKey: archive.apiKey, username: 'test-writer', scheme: 'ApiKey' },
    });
    try {
      assert.match((await legacy.postMetadata(p2p(8))).key, /^[0-9a-f]{32}$/);
    } finally {
      await legacy.close();
    }
    const wrong = createClient({ url: archive.url, credentials: { apiKey: 'f'.repeat(40) } });
    try {
      await assert.rejects(all(wrong.searchMetadata()), (e: unknown) => isHttpError(e) && e.status === 401);
    } finally {
      await wrong.close();
    }
  });
});

describe('client ↔ archive mounted without the /esmond alias', () => {
  test('full path or scriptAlias "" reach it; server URIs are followed', async () => {
    const archive = await startArchive({ withUser: true, prefix: '' });
    const a = createClient({ url: `${archive.url}/perfsonar/archive/`, credentials: { apiKey: archive.apiKey } });
    const b = createClient({ url: archive.url, scriptAlias: '' });
    try {
      const m = await a.postMetadata(p2p(9));
      assert.ok(m.eventTypes.every((e) => e.baseUri.startsWith('/perfsonar/archive/')));
      await a.putBulk(m.key, [{ ts: 100, val: [{ 'event-type': 'throughput', val: 1 }] }]);
      assert.deepEqual(await all(b.data(await b.getMetadata(m.key), 'throughput')), [{ ts: 100, val: 1 }]);
      assert.equal(b.archiveUrl, `${archive.url}/perfsonar/archive/`);
    } finally {
      await a.close();
      await b.close();
      await archive.close();
    }
  });
});
