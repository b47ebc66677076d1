/**
 * The esmond backend against elmond (elmond's routes; elmond's known divergences), through a stand-in built from
 * the spec's examples: the quirks the client must absorb, and the 10 000-row cap.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createClient } from '../../src/client.js';
import { isHttpError } from '../../src/http/errors.js';
import { startElmondStandIn, type ElmondStandIn, type ElmondTest } from '../helpers/elmond-stand-in.js';
import { createRun } from '../../src/cli/get.js';
import { run as getEndpoints } from '../../src/cli/get-endpoints.js';
import { runTool } from '../cli-query/run-tool.js';

const T0 = 1700000000;
const N = 12_000;
const key = (n: number): string => n.toString(16).padStart(64, 'a');

const TESTS: ElmondTest[] = [
  {
    key: key(1),
    toolName: 'pscheduler/iperf3',
    updated: T0 + N * 60,
    series: {
      throughput: Array.from({ length: N }, (_, i) => ({ ts: T0 + i * 60, val: 9e9 + i })),
      // elmond's naming bug: throughput subintervals come back as [] per point (elmond's known divergences item 8).
      'throughput-subintervals': [{ ts: T0, val: [] }],
      'pscheduler-run-href': [{ ts: T0, val: 'https://ps-a/pscheduler/tasks/t/runs/r' }],
    },
  },
  ...[2, 3, 4, 5, 6].map((n) => ({
    key: key(n),
    toolName: 'pscheduler/ping',
    updated: n === 6 ? null : T0 - n,
    skipped: n === 3,
    series: { 'packet-count-sent': [{ ts: T0 + n, val: 10 }] },
  })),
];

async function all<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe('elmond', () => {
  let s: ElmondStandIn;
  before(async () => {
    s = await startElmondStandIn(TESTS);
  });
  after(() => s.close());

  test('metadata: a short page before the count (a skipped test) is not the end; number windows, null time-updated', async () => {
    const c = createClient({ url: s.origin, retry: { limit: 0 } });
    try {
      const mds = await all(c.searchMetadata({}, { pageSize: 2 }));
      assert.deepEqual(mds.map((m) => m.key).sort(), [1, 2, 4, 5, 6].map(key).sort());
      const tp = mds.find((m) => m.key === key(1))!;
      assert.equal(tp.eventTypes.find((e) => e.eventType === 'throughput')?.summaries[0]?.summaryWindow, 86400);
      assert.equal(mds.find((m) => m.key === key(6))?.eventTypes[0]?.timeUpdated, null);
      // The detail route is slashless on elmond (404 on the esmond form first).
      assert.equal((await c.getMetadata(key(2))).key, key(2));
    } finally {
      await c.close();
    }
  });

  test('12 000 points of one series under the 10 000-row cap; the server-supplied base/0 URI; no doubled-prefix url used', async () => {
    const c = createClient({ url: `${s.origin}/esmond/perfsonar/archive`, retry: { limit: 0 } });
    try {
      const [md] = await all(c.searchMetadata({ toolName: 'pscheduler/iperf3' }));
      s.requests.length = 0;
      const points = await all(
        c.data<number>(md!, 'throughput', {}, { timeStart: T0, timeEnd: T0 + N * 60, pageSize: 10_000 }),
      );
      assert.equal(points.length, N);
      points.forEach((p, i) => {
        assert.equal(p.ts, T0 + i * 60);
      });
      for (const r of s.requests) {
        assert.match(r, /\/base\/0\?/);
        const q = new URL(r.split(' ')[1]!, 'http://x').searchParams;
        assert.ok(Number(q.get('limit')) + Number(q.get('offset') ?? 0) <= 10_000, r);
        assert.ok(!r.includes('archive/esmond/perfsonar'), 'the doubled-prefix url is never followed');
      }
    } finally {
      await c.close();
    }
  });

  test('HTML error pages become one-line messages', async () => {
    const c = createClient({ url: s.origin, retry: { limit: 0 } });
    try {
      await assert.rejects(all(c.data(key(1), 'throughput', { summaryType: 'average', summaryWindow: 3600 })), (e) => {
        assert.ok(isHttpError(e) && e.status === 400);
        assert.match(e.message, /\(Unrecognized event type\)$/);
        assert.ok(!e.message.includes('\n'));
        return true;
      });
    } finally {
      await c.close();
    }
  });

  test('the tools: auto says elmond; every point printed; throughput-bits naming and bare run hrefs print without failing', async () => {
    const get = createRun({ clientOptions: { retry: { limit: 0 } } });
    const range = [
      '-s',
      '10.0.0.1',
      '-d',
      '10.0.0.2',
      '-I',
      '-S',
      String(T0),
      '-E',
      String(T0 + N * 60),
      '-o',
      'csv',
      '-t',
      'pscheduler/iperf3',
    ];
    const r = await runTool(get, [
      '-u',
      s.origin,
      '-v',
      '-e',
      'throughput',
      ...range.map((a) =>
        a === String(T0) ? '2023-11-14T22:13:20Z' : a === String(T0 + N * 60) ? '2023-11-23T22:13:20Z' : a,
      ),
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /archive: elmond at http:\/\/127\.0\.0\.1:\d+\/esmond\/perfsonar\/archive\/\n/);
    assert.equal(r.stdout.trim().split('\n').length, N + 1);
    for (const et of ['throughput-subintervals', 'pscheduler-run-href']) {
      const x = await runTool(get, [
        '-u',
        `${s.origin}/esmond/perfsonar/archive`,
        '-e',
        et,
        '-s',
        '10.0.0.1',
        '-d',
        '10.0.0.2',
        '-I',
        '-S',
        '2023-11-14T00:00:00Z',
        '-E',
        '2023-11-15T00:00:00Z',
        '-o',
        'json',
      ]);
      assert.equal(x.code, 0, x.stderr);
      // elmond's empty subinterval lists have no rows to print; the run href is a bare string.
      if (et === 'pscheduler-run-href') assert.match(x.stdout, /runs\/r/);
    }
    const endpoints = await runTool(getEndpoints, [
      '-u',
      s.origin,
      '-I',
      '-o',
      'csv',
      '-S',
      '2023-11-01',
      '-E',
      '2023-11-30',
    ]);
    assert.equal(endpoints.code, 0, endpoints.stderr);
  });
});
