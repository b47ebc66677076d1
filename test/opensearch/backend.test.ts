/**
 * The OpenSearch backend against the stand-in: paging (point in time, and plain search_after on
 * an OpenSearch 2.1–2.3) past the 10 000-hit window, duplicates, metadata listing and filters,
 * Basic auth, the proxy path and a bare URL, and `--archive auto`.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createClient } from '../../src/client.js';
import { isHttpError } from '../../src/http/errors.js';
import type { Metadata } from '../../src/query/types.js';
import { envelopeFor, logstashDocument, testChecksum } from '../helpers/logstash.js';
import { startOpenSearchStandIn, type OpenSearchStandIn } from '../helpers/opensearch-stand-in.js';
import { envelopes, T0 } from '../helpers/pscheduler-both.js';
import { startArchive } from '../helpers/archive.js';
import { createRun } from '../../src/cli/get.js';
import { run as getMetadataRun } from '../../src/cli/get-metadata.js';
import { runTool } from '../cli-query/run-tool.js';

const RTT = JSON.parse(
  readFileSync(fileURLToPath(new URL('../fixtures/pscheduler/results/rtt-ping-result.json', import.meta.url)), 'utf8'),
) as Record<string, unknown>;
const noRetry = { retry: { limit: 0 } } as const;

async function all<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

/** `n` runs of the ping test, one a minute from T0. */
function pingDocs(n: number): Array<Record<string, unknown>> {
  return Array.from({ length: n }, (_, k) =>
    logstashDocument(envelopeFor(RTT, T0 + k * 60, 9000 + k, '10.0.0.1'), '10.0.0.1'),
  );
}

describe('paging past the 10 000-hit window', () => {
  const N = 10_250;
  const docs = pingDocs(N);
  for (const pit of [true, false]) {
    test(
      pit
        ? 'point in time + search_after (OpenSearch ≥ 2.4)'
        : 'plain search_after with the run id as tie-breaker (OpenSearch 2.1–2.3)',
      async () => {
        const s = await startOpenSearchStandIn(docs, { pit });
        const client = createClient({ url: s.url, archive: 'opensearch', ...noRetry });
        try {
          const [md] = await all(client.searchMetadata({ toolName: 'pscheduler/ping' }));
          assert.ok(md);
          const points = await all(client.data<number>(md, 'packet-count-sent'));
          assert.equal(points.length, N);
          points.forEach((p, i) => {
            assert.equal(p.ts, T0 + i * 60);
          });
          const searches = s.requests.filter((r) => r.path.endsWith('/_search'));
          // Bounded pages, never a deep `from`.
          for (const r of searches) {
            const body = r.body as Record<string, unknown>;
            assert.equal(body.from, undefined);
            assert.ok(Number(body.size ?? 0) <= 1000);
          }
          if (pit) {
            assert.ok(
              searches.some(
                (r) => r.path === '/opensearch/_search' && (r.body as Record<string, unknown>).pit !== undefined,
              ),
            );
            assert.equal(s.openPits(), 0, 'the point in time is closed after the read');
          } else {
            assert.ok(searches.every((r) => r.path !== '/opensearch/_search'));
            assert.ok(searches.some((r) => Array.isArray((r.body as Record<string, unknown>).search_after)));
          }
        } finally {
          await client.close();
          await s.close();
        }
      },
    );
  }
});

describe('the stand-in rejects what OpenSearch rejects', () => {
  let s: OpenSearchStandIn;
  before(async () => {
    s = await startOpenSearchStandIn(pingDocs(3));
  });
  after(() => s.close());
  const post = (path: string, body: unknown) =>
    fetch(`${s.url}${path}`, {
      method: 'POST',
      body: JSON.stringify(body),
      headers: { 'content-type': 'application/json' },
    });
  test('from + size > 10000', async () => {
    const r = await post('/pscheduler_*/_search', { from: 9500, size: 1000 });
    assert.equal(r.status, 400);
    assert.match(await r.text(), /Result window is too large/);
  });
  test('unknown body keys and query clauses', async () => {
    assert.equal((await post('/pscheduler_*/_search', { limit: 10 })).status, 400);
    assert.equal((await post('/pscheduler_*/_search', { query: { fuzzy_thing: {} } })).status, 400);
  });
  test('an index with a point in time', async () => {
    assert.equal((await post('/pscheduler_*/_search', { pit: { id: 'x' } })).status, 400);
  });
  test('filter_path and dotted _source includes are applied as OpenSearch applies them', async () => {
    const filter = '?filter_path=_shards.failed,hits.hits._source,hits.hits.sort';
    const sort = [{ 'pscheduler.start_time': 'asc' }];
    const r = await post(`/pscheduler_*/_search${filter}`, {
      size: 1,
      sort,
      _source: { includes: ['pscheduler.run_id', 'meta.*.ip'], excludes: ['meta.observer'] },
    });
    const body = (await r.json()) as { hits: { hits: Array<Record<string, unknown>> } };
    assert.deepEqual(Object.keys(body).sort(), ['_shards', 'hits']);
    const [hit] = body.hits.hits;
    assert.deepEqual(Object.keys(hit ?? {}).sort(), ['_source', 'sort']);
    assert.deepEqual(hit?._source, {
      pscheduler: { run_id: '7d2c1b3a-2222-4e5f-8a9b-000000009000' },
      meta: { source: { ip: '10.0.0.1' }, destination: { ip: '10.0.0.2' } },
    });
    // Nothing matched: what the filter leaves empty is dropped.
    const none = await post(`/pscheduler_*/_search${filter}`, {
      query: { term: { 'pscheduler.test_checksum.keyword': 'none' } },
      sort,
    });
    assert.deepEqual(await none.json(), { _shards: { failed: 0 } });
  });
  test('the backend reads such an empty page as no points, and asks only for what a point needs', async () => {
    const client = createClient({ url: s.url, archive: 'opensearch', ...noRetry });
    try {
      s.requests.length = 0;
      assert.deepEqual(await all(client.data('0'.repeat(64), 'packet-count-sent')), []);
      const page = s.requests.find((r) => r.path.endsWith('/_search'));
      assert.match(page?.query ?? '', /filter_path=/);
      const source = (page?.body as { _source: { includes: string[] } })._source;
      assert.ok(!source.includes.includes('reference') && source.includes.includes('result'));
    } finally {
      await client.close();
    }
  });
});

describe('metadata from documents', () => {
  let s: OpenSearchStandIn;
  const docs = envelopes().map((e) => logstashDocument(e, '10.0.0.1'));
  before(async () => {
    // Every run of the latency test archived twice (a re-sent envelope is a second document).
    const latency = docs.filter((d) => (d.test as Record<string, unknown>).type === 'latency');
    s = await startOpenSearchStandIn([...docs, ...latency]);
  });
  after(() => s.close());

  test('one metadata per test checksum, over composite pages', async () => {
    const client = createClient({ url: s.url, archive: 'opensearch', ...noRetry });
    try {
      const mds = await all(client.searchMetadata({}, { pageSize: 2 }));
      const want = [
        ...new Set(docs.map((d) => (d.pscheduler as Record<string, unknown>).test_checksum as string)),
      ].sort();
      assert.deepEqual(
        mds.map((m) => m.key),
        want,
      );
      const envelope = envelopes()[0]!;
      const latency = mds.find((m) => m.parameters['pscheduler-test-type'] === 'latency')!;
      assert.equal(latency.key, testChecksum(envelope.test, 'powstream'));
      assert.equal(latency.toolName, 'pscheduler/powstream');
      assert.equal(latency.source, '10.0.0.1');
      assert.equal(latency.measurementAgent, '10.0.0.1');
      assert.ok(
        latency.eventTypes.some(
          (e) =>
            e.eventType === 'histogram-owdelay' &&
            e.summaries.some((x) => x.summaryType === 'statistics' && x.summaryWindow === 300),
        ),
      );
      const same = await client.getMetadata(latency.key);
      assert.deepEqual(same.raw, latency.raw);
      await assert.rejects(client.getMetadata('0'.repeat(64)), (e) => isHttpError(e) && e.status === 404);
    } finally {
      await client.close();
    }
  });

  test('duplicate documents of one run give one point', async () => {
    const client = createClient({ url: s.url, archive: 'opensearch', ...noRetry });
    try {
      const [md] = await all(client.searchMetadata({ toolName: 'pscheduler/powstream' }));
      const points = await all(client.data(md!, 'packet-count-sent'));
      assert.equal(points.length, 5);
    } finally {
      await client.close();
    }
  });

  test('filters: tool, event type, source/destination by IP, free-form, time', async () => {
    const client = createClient({ url: s.url, archive: 'opensearch', ...noRetry });
    const keys = async (q: Parameters<typeof client.searchMetadata>[0]): Promise<string[]> =>
      (await all(client.searchMetadata(q))).map(
        (m: Metadata) => `${m.parameters['pscheduler-test-type'] ?? ''}/${m.toolName ?? ''}`,
      );
    try {
      assert.deepEqual((await keys({ eventType: 'packet-trace' })).sort(), [
        'trace/pscheduler/tracepath',
        'trace/pscheduler/traceroute',
      ]);
      assert.deepEqual(await keys({ eventType: 'histogram-rtt' }), ['rtt/pscheduler/ping']);
      assert.deepEqual(await keys({ toolName: 'pscheduler/iperf3', filters: [['ip-transport-protocol', 'udp']] }), [
        'throughput/pscheduler/iperf3',
      ]);
      assert.equal((await keys({ source: '10.0.0.1', destination: '10.0.0.2' })).length, 6);
      assert.deepEqual(await keys({ source: '10.9.9.9' }), []);
      assert.deepEqual(await keys({ filters: [['pscheduler-test-type', 'rtt']] }), ['rtt/pscheduler/ping']);
      assert.deepEqual(await keys({ timeStart: T0 + 10_000 }), []);
      assert.equal((await keys({ timeStart: T0, timeEnd: T0 + 60 })).length, 6);
      // The esmond backend's query validation applies here too.
      await assert.rejects(all(client.searchMetadata({ timeStart: 5, timeEnd: 1 })), /timeStart/);
    } finally {
      await client.close();
    }
  });
});

describe('connection: Basic auth, bare URL, --archive auto', () => {
  const docs = envelopes().map((e) => logstashDocument(e, '10.0.0.1'));
  const RANGE = [
    '-s',
    '10.0.0.1',
    '-d',
    '10.0.0.2',
    '-I',
    '-S',
    '2023-11-14T22:00:00Z',
    '-E',
    '2023-11-15T00:00:00Z',
    '-e',
    'packet-count-sent',
    '-t',
    'pscheduler/ping',
    '-o',
    'csv',
  ];
  const get = createRun({ clientOptions: noRetry });

  test('Basic auth from --user/--password or ESMOND_PASSWORD, never printed', async () => {
    const s = await startOpenSearchStandIn(docs, { basicAuth: { user: 'pscheduler_reader', password: 's3cret-pw' } });
    try {
      const denied = await runTool(get, ['-u', s.url, '--archive', 'opensearch', ...RANGE]);
      assert.equal(denied.code, 1);
      assert.match(denied.stderr, /401/);
      const ok = await runTool(get, [
        '-u',
        s.url,
        '--archive',
        'opensearch',
        '--user',
        'pscheduler_reader',
        '--password',
        's3cret-pw',
        '-v',
        ...RANGE,
      ]);
      assert.equal(ok.code, 0, ok.stderr);
      assert.equal(ok.stdout.trim().split('\n').length, 6);
      assert.ok(!ok.stderr.includes('s3cret-pw') && !ok.stdout.includes('s3cret-pw'));
      const env = await runTool(get, ['-u', s.url, '--archive', 'opensearch', ...RANGE], {
        env: { ESMOND_USER: 'pscheduler_reader', ESMOND_PASSWORD: 's3cret-pw' },
      });
      assert.equal(env.stdout, ok.stdout);
      const alone = await runTool(get, ['-u', s.url, '--password', 'x', ...RANGE]);
      assert.equal(alone.code, 255);
      assert.match(alone.stderr, /--password requires --user/);
    } finally {
      await s.close();
    }
  });

  test('auto: a bare OpenSearch URL, a node URL (/opensearch proxy), and an esmond archive; -v says which', async () => {
    const bare = await startOpenSearchStandIn(docs, { prefix: '' });
    const node = await startOpenSearchStandIn(docs);
    const archive = await startArchive({ seed: { hosts: 2, days: 1 } });
    try {
      const viaBare = await runTool(get, ['-u', bare.url, '-v', ...RANGE]);
      assert.equal(viaBare.code, 0, viaBare.stderr);
      assert.match(viaBare.stderr, new RegExp(`archive: opensearch at ${bare.origin}\\n`));
      const viaNode = await runTool(get, ['-u', node.origin, '-v', ...RANGE]);
      assert.equal(viaNode.code, 0, viaNode.stderr);
      assert.match(viaNode.stderr, new RegExp(`archive: opensearch at ${node.origin}/opensearch\\n`));
      assert.equal(viaNode.stdout, viaBare.stdout);
      assert.equal(viaNode.stdout.trim().split('\n').length, 6);
      const viaArchive = await runTool(getMetadataRun, ['-u', archive.url, '-v', '-I']);
      assert.equal(viaArchive.code, 0, viaArchive.stderr);
      assert.match(viaArchive.stderr, /archive: esmond at http:\/\/127\.0\.0\.1:\d+\/esmond\/perfsonar\/archive\/\n/);
      const bad = await runTool(get, ['-u', archive.url, '--archive', 'elastic', ...RANGE]);
      assert.equal(bad.code, 255);
      assert.match(bad.stderr, /--archive must be one of auto, esmond, opensearch: elastic/);
    } finally {
      await archive.close();
      await node.close();
      await bare.close();
    }
  });
});
