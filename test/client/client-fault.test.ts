import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeMetadata } from '../../src/query/codec.js';
import { isHttpError, isResponseError, isValidationError } from '../../src/http/errors.js';
import { json, reply, script, withFaultClient, type FaultHandler } from '../helpers/fault-server.js';
import { parseJson } from '../helpers/json.js';

const E1 = 'a'.repeat(64);
const E2 = 'b'.repeat(64);
const E3 = 'c'.repeat(64);

/** An elmond-shaped metadata object (elmond's metadata). */
function elmondMeta(key: string): Record<string, unknown> {
  return {
    'metadata-key': key,
    uri: `/esmond/perfsonar/archive/${key}`,
    'subject-type': 'point-to-point',
    source: '10.0.0.1',
    destination: '10.0.0.2',
    'measurement-agent': '10.0.0.1',
    'tool-name': 'pscheduler/iperf3',
    'time-duration': 10.5,
    'event-types': [
      {
        'event-type': 'throughput',
        'base-uri': `/esmond/perfsonar/archive/${key}/throughput/base/0`,
        'time-updated': null,
        summaries: [
          {
            'event-type': 'throughput',
            'summary-type': 'average',
            'summary-window': 86400,
            uri: `/esmond/perfsonar/archive/${key}/throughput/averages/86400`,
          },
        ],
      },
    ],
  };
}

async function all<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe('metadata search paging', () => {
  test('elmond: no metadata-count-total, stops on a short page, sends limit and offset', async () => {
    await withFaultClient(script(json([elmondMeta(E1), elmondMeta(E2)]), json([elmondMeta(E3)])), {}, async (c, s) => {
      const got = await all(c.searchMetadata({ eventType: 'throughput', timeStart: 100 }, { pageSize: 2 }));
      assert.deepEqual(
        got.map((m) => m.key),
        [E1, E2, E3],
      );
      assert.equal(got[0]?.parameters['time-duration'], '10.5');
      assert.equal(got[0].eventTypes[0]?.summaries[0]?.summaryWindow, 86400);
      assert.equal(got[0].eventTypes[0].timeUpdated, null);
      assert.equal(s.requests.length, 2);
      assert.equal(s.requests[0]?.url, '/esmond/perfsonar/archive/?event-type=throughput&limit=2&time-start=100');
      assert.equal(
        s.requests[1]?.url,
        '/esmond/perfsonar/archive/?event-type=throughput&limit=2&offset=2&time-start=100',
      );
    });
  });

  test('esmond: a full last page ends on metadata-count-total without another request', async () => {
    const first = {
      ...elmondMeta(E1),
      'metadata-count-total': 2,
      'metadata-next-page': null,
      'metadata-previous-page': null,
    };
    await withFaultClient(script(json([first, elmondMeta(E2)])), {}, async (c, s) => {
      assert.equal((await all(c.searchMetadata({}, { pageSize: 2 }))).length, 2);
      assert.equal(s.requests.length, 1);
    });
  });

  test('onRequest traces every attempt with the full, redacted URL', async () => {
    const seen: string[] = [];
    await withFaultClient(
      script(reply(503), json([])),
      { onRequest: (i) => seen.push(`${i.method} ${i.url}`) },
      async (c, s) => {
        await all(c.searchMetadata({ filters: [['api_key', 'x']] }));
        assert.deepEqual(seen, Array(2).fill(`GET ${s.url}/esmond/perfsonar/archive/?api_key=REDACTED&limit=1000`));
      },
    );
  });

  test('a key repeated on a later page (elmond reorders) is yielded once', async () => {
    await withFaultClient(script(json([elmondMeta(E1), elmondMeta(E2)]), json([elmondMeta(E2)])), {}, async (c) => {
      assert.deepEqual(
        (await all(c.searchMetadata({}, { pageSize: 2 }))).map((m) => m.key),
        [E1, E2],
      );
    });
  });

  test('an HTTP error on page 2 throws (B7), after page 1 was handed out', async () => {
    await withFaultClient(
      script(json([elmondMeta(E1), elmondMeta(E2)]), json({ detail: 'boom' }, 500)),
      { retry: { limit: 0 } },
      async (c) => {
        const seen: string[] = [];
        await assert.rejects(
          (async () => {
            for await (const m of c.searchMetadata({}, { pageSize: 2 })) seen.push(m.key);
          })(),
          (e: unknown) => isHttpError(e) && e.status === 500,
        );
        assert.deepEqual(seen, [E1, E2]);
      },
    );
  });

  test('a non-array answer is a ResponseError', async () => {
    await withFaultClient(
      () => json({ detail: 'hello' }),
      {},
      async (c) => {
        await assert.rejects(
          all(c.searchMetadata()),
          (e: unknown) => isResponseError(e) && /not a JSON array/.test(e.message),
        );
      },
    );
  });
});

describe('data reads', () => {
  test("uses the metadata's server-supplied base/0 URI (elmond) and time params", async () => {
    await withFaultClient(script(json([{ ts: 1, val: 5 }])), {}, async (c, s) => {
      const m = decodeMetadata(elmondMeta(E1));
      const pts = await all(c.data(m, 'throughput', {}, { timeStart: 0, timeEnd: 10, pageSize: 5 }));
      assert.deepEqual(pts, [{ ts: 1, val: 5 }]);
      assert.equal(
        s.requests[0]?.url,
        `/esmond/perfsonar/archive/${E1}/throughput/base/0?time-start=0&time-end=10&limit=5`,
      );
    });
  });

  test('summary series by metadata uses the summary uri', async () => {
    await withFaultClient(script(json([])), {}, async (c, s) => {
      await all(c.data(decodeMetadata(elmondMeta(E1)), 'throughput', { summaryType: 'average', summaryWindow: 86400 }));
      assert.equal(s.requests[0]?.path, `/esmond/perfsonar/archive/${E1}/throughput/averages/86400`);
    });
  });

  test('by key: …/base gets 404 (elmond) → retried as …/base/0', async () => {
    await withFaultClient(
      script(reply(404, '<html>404</html>', { 'content-type': 'text/html' }), json([{ ts: 3, val: 1 }])),
      {},
      async (c, s) => {
        assert.deepEqual(await all(c.data(E1, 'throughput')), [{ ts: 3, val: 1 }]);
        assert.deepEqual(
          s.requests.map((r) => r.path),
          [`/esmond/perfsonar/archive/${E1}/throughput/base`, `/esmond/perfsonar/archive/${E1}/throughput/base/0`],
        );
        assert.equal(s.requests[0]?.url.endsWith('?limit=1000'), true);
      },
    );
  });

  test('a 500 on a data page mid-iteration throws HttpError, never "no more data" (B9)', async () => {
    const page1 = [
      { ts: 1, val: 1 },
      { ts: 2, val: 2 },
    ];
    await withFaultClient(
      script(json(page1), reply(500, 'oops'), reply(500, 'oops')),
      { retry: { limit: 1 } },
      async (c) => {
        const got: number[] = [];
        await assert.rejects(
          (async () => {
            for await (const p of c.data(E1, 'throughput', {}, { pageSize: 2 })) got.push(p.ts);
          })(),
          (e: unknown) =>
            isHttpError(e) &&
            e.status === 500 &&
            /GET http:\/\/127\.0\.0\.1:\d+\/esmond\/perfsonar\/archive\/a+\/throughput\/base\?time-start=2&time-end=\d+&limit=2/.test(
              e.message,
            ),
        );
        assert.deepEqual(got, [1, 2]);
      },
    );
  });

  test('an empty series is [] with one request; 400 from the server is an error', async () => {
    await withFaultClient(
      script(json([]), json({ detail: 'Time parameter must be an integer' }, 400)),
      {},
      async (c, s) => {
        assert.deepEqual(await all(c.data(E1, 'throughput')), []);
        assert.equal(s.requests.length, 1);
        await assert.rejects(all(c.data(E1, 'throughput')), /400 Bad Request.*Time parameter must be an integer/);
      },
    );
  });

  test('data pages that are not arrays or lack ts are ResponseErrors', async () => {
    await withFaultClient(script(json({ ts: 1 }), json([{ val: 1 }])), {}, async (c) => {
      await assert.rejects(
        all(c.data(E1, 'throughput')),
        (e: unknown) => isResponseError(e) && /not a JSON array/.test(e.message),
      );
      await assert.rejects(
        all(c.data(E1, 'throughput')),
        (e: unknown) => isResponseError(e) && /numeric ts/.test(e.message),
      );
    });
  });

  test('bad selectors are ValidationErrors before any request', async () => {
    await withFaultClient(script(), {}, async (c, s) => {
      await assert.rejects(all(c.data(E1, 'throughput', { summaryType: 'median' as never })), isValidationError);
      await assert.rejects(all(c.data('a/b', 'throughput')), isValidationError);
      await assert.rejects(all(c.data(E1, 'throughput', {}, { timeStart: 9, timeEnd: 1 })), isValidationError);
      assert.equal(s.requests.length, 0);
    });
  });
});

describe('metadata detail and summaries', () => {
  test('getMetadata: esmond slash form first, elmond slashless form on 404', async () => {
    await withFaultClient(
      script(reply(404, 'nf', { 'content-type': 'text/html' }), json(elmondMeta(E1))),
      {},
      async (c, s) => {
        const m = await c.getMetadata(E1);
        assert.equal(m.key, E1);
        assert.deepEqual(
          s.requests.map((r) => r.path),
          [`/esmond/perfsonar/archive/${E1}/`, `/esmond/perfsonar/archive/${E1}`],
        );
      },
    );
  });

  test('getMetadata of an unknown key: HttpError 404', async () => {
    await withFaultClient(
      () => json({ detail: 'Not found.' }, 404),
      {},
      async (c) => {
        await assert.rejects(
          c.getMetadata(E1),
          (e: unknown) => isHttpError(e) && e.status === 404 && e.detail === 'Not found.',
        );
      },
    );
  });

  test('summaries: R10 listing, or the metadata when the route 404s (elmond)', async () => {
    const listing = [
      {
        uri: '/esmond/perfsonar/archive/k/throughput/averages/3600',
        'summary-type': 'average',
        'summary-window': '3600',
        'time-updated': 5,
      },
    ];
    await withFaultClient(script(json(listing), reply(404, ''), json(elmondMeta(E1))), {}, async (c) => {
      assert.deepEqual(await c.summaries('k', 'throughput', 'average'), [
        {
          uri: '/esmond/perfsonar/archive/k/throughput/averages/3600',
          summaryType: 'average',
          summaryWindow: 3600,
          timeUpdated: 5,
        },
      ]);
      const s = await c.summaries(E1, 'throughput', 'averages');
      assert.deepEqual(
        s.map((x) => x.summaryWindow),
        [86400],
      );
    });
  });
});

describe('writes', () => {
  const body = {
    'subject-type': 'point-to-point' as const,
    source: '10.0.0.1',
    destination: '10.0.0.2',
    'measurement-agent': '10.0.0.1',
    'tool-name': 'bwctl/iperf3',
    'time-duration': 0,
    'event-types': [
      { 'event-type': 'throughput', summaries: [{ 'summary-type': 'average', 'summary-window': 86400 }] },
    ],
  };

  test('postMetadata sends the body with credentials and decodes the 201 answer', async () => {
    const answer = { ...elmondMeta(E1), 'time-duration': '0' };
    await withFaultClient(script(json(answer, 201)), { credentials: { apiKey: 'k' } }, async (c, s) => {
      const m = await c.postMetadata(body);
      assert.equal(m.key, E1);
      assert.equal(s.requests[0]?.method, 'POST');
      assert.equal(s.requests[0].path, '/esmond/perfsonar/archive/');
      assert.deepEqual(JSON.parse(s.requests[0].body), body);
      assert.equal(s.requests[0].headers['authorization'], 'Token k');
    });
  });

  test('invalid metadata never reaches the server', async () => {
    await withFaultClient(script(), {}, async (c, s) => {
      await assert.rejects(c.postMetadata({ ...body, source: 'host.example.net' }), /source must be an IP address/);
      assert.equal(s.requests.length, 0);
    });
  });

  test('a 503 on POST is not retried; 409 surfaces as HttpError 409', async () => {
    await withFaultClient(
      script(
        reply(503),
        json({ detail: 'Time series value already exists with event type throughput at time 60' }, 409),
      ),
      {},
      async (c, s) => {
        await assert.rejects(
          c.postPoint(E1, 'throughput', { ts: 60, val: 1 }),
          (e: unknown) => isHttpError(e) && e.status === 503,
        );
        assert.equal(s.requests.length, 1);
        await assert.rejects(
          c.postPoint(E1, 'throughput', { ts: 60, val: 1 }),
          (e: unknown) => isHttpError(e) && e.status === 409 && /already exists/.test(e.message),
        );
        assert.equal(s.requests[1]?.path, `/esmond/perfsonar/archive/${E1}/throughput/base`);
      },
    );
  });

  test('putBulk splits into batches of timestamps', async () => {
    await withFaultClient(
      () => json('', 201),
      {},
      async (c, s) => {
        const items = [1, 2, 3, 4, 5].map((ts) => ({ ts, val: [{ 'event-type': 'throughput', val: ts * 10 }] }));
        await c.putBulk(E1, items, { batchSize: 2 });
        assert.deepEqual(
          s.requests.map((r) => [r.method, r.path]),
          Array(3).fill(['PUT', `/esmond/perfsonar/archive/${E1}/`]),
        );
        assert.deepEqual(
          s.requests.map((r) => (JSON.parse(r.body) as { data: { ts: number }[] }).data.map((d) => d.ts)),
          [[1, 2], [3, 4], [5]],
        );
      },
    );
  });

  test('putBulk validates each batch before sending it', async () => {
    await withFaultClient(
      () => json('', 201),
      {},
      async (c, s) => {
        await assert.rejects(c.putBulk(E1, [{ ts: 1.5, val: [] }]), isValidationError);
        await assert.rejects(
          c.putBulk(E1, [{ ts: 1, val: [{ 'event-type': 'nope', val: 1 }] }]),
          /Unknown event type: nope/,
        );
        assert.equal(s.requests.length, 0);
      },
    );
  });

  test('createDataWriter groups by ts and sends on batchSize, flush and close', async () => {
    await withFaultClient(
      () => json('', 201),
      {},
      async (c, s) => {
        const w = c.createDataWriter(E1, { batchSize: 3 });
        await w.add(10, 'throughput', 1);
        await w.add(10, 'packet-retransmits', 0);
        assert.equal(s.requests.length, 0);
        await w.add(20, 'throughput', 2);
        assert.equal(s.requests.length, 1);
        await w.add(30, 'throughput', 3);
        await w.close();
        await w.close();
        assert.deepEqual(
          s.requests.map((r) => parseJson(r.body)),
          [
            {
              data: [
                {
                  ts: 10,
                  val: [
                    { 'event-type': 'throughput', val: 1 },
                    { 'event-type': 'packet-retransmits', val: 0 },
                  ],
                },
                { ts: 20, val: [{ 'event-type': 'throughput', val: 2 }] },
              ],
            },
            { data: [{ ts: 30, val: [{ 'event-type': 'throughput', val: 3 }] }] },
          ],
        );
        await assert.rejects(w.add(40, 'throughput', 4), /closed/);
      },
    );
  });
});

describe('time-cursor paging over HTTP (elmond can return many points per ts)', () => {
  // esmond keeps one point per (series, ts), so the embedded archive cannot produce this; elmond
  // merges runs of several observers under one key, which can. A scripted model of the data
  // route: ascending ts, inclusive bounds, limit/offset, stable order among equal timestamps.
  const tss = [1, 1, 1, 2, 3, 3, 3, 3, 3, 3, 3, 4, 5, 5, 6, 6, 6, 6, 7];
  const series = tss.map((ts, i) => ({ ts, val: i }));
  const handler: FaultHandler = (req) => {
    const q = req.query;
    const start = Number(q.get('time-start') ?? -Infinity);
    const end = Number(q.get('time-end') ?? Infinity);
    const offset = Number(q.get('offset') ?? 0);
    const limit = Number(q.get('limit') ?? 1500);
    return json(series.filter((p) => p.ts >= start && p.ts <= end).slice(offset, offset + limit));
  };

  for (const pageSize of [1, 2, 3, 4, 7, 50]) {
    test(`pageSize ${pageSize}: no drop, no repeat`, async () => {
      await withFaultClient(handler, {}, async (c) => {
        assert.deepEqual(await all(c.data(E1, 'packet-trace', {}, { timeStart: 0, timeEnd: 10, pageSize })), series);
        assert.deepEqual(
          await all(c.data(E1, 'packet-trace', {}, { timeStart: 3, timeEnd: 6, pageSize })),
          series.filter((p) => p.ts >= 3 && p.ts <= 6),
        );
      });
    });
  }
});
