// The black-box checklist of upstream esmond tests, replayed through the archive's socket-free requester
// (archive/handle.ts: the same handler, HTTP framing in memory, no port) against the archive loaded
// with the upstream fixtures (user token ADMIN, no mount prefix as in the upstream tests). Where
// upstream tests give esmond's and correct values, the correct ones are asserted. Items 37–38 are unit-level
// (the core's own tests).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startArchive, type TestArchive } from '../../helpers/archive.js';
import { testStores } from '../../helpers/stores.js';
import { e99bbDetail, ITEM26_METADATA, ITEM43_BULK, OWAMP_COUNTERS, OWAMP_DAILY_HISTOGRAM } from '../upstream-items.js';

for (const store of testStores()) {
  describe(`upstream esmond tests checklist (${store})`, () => {
    const NOW = 1_700_000_000;
    const T0 = 1398965989;
    const DAY = 1398902400;
    const ADMIN = { Authorization: 'Token ADMIN', 'Content-Type': 'application/json' };
    const A = '/perfsonar/archive/';

    const KEYS = [
      '143fc5da192841b68bec067a317a833d',
      '1af831f8c5cc4cfa9909fde64c04aad5',
      '2355e337a7214611ab1bc5db51e40424',
      '445e3d75c89d44c0bf6e1eba1316137e',
      '481ceff181e34bacae35e35f2544623e',
      '4b6ad6067fbb4b15b1d1611e20b16252',
      '638e53d546924c58b067f3d6f6926059',
      '641860b2004c46a7b21fe26e5ffea9af',
      '66ce5fc42d764eb891f6a8e4415c8b86',
      '67a3c298de0b4237abee56b879e03587',
      '89764bfcbc8d4f4bada5b1bfdd451e91',
      '8b904c72410b44f68938ee46082889f6',
      'a0368603e2e8458b9ee687df4e7cc762',
      'c29e6813b31846b7bfc0b5415acee78a',
      'e99bbc44b7b041c7ad9e51dc6a053b8c',
      'f6b732e9f351487a96126f0c25e5e546',
    ];
    const full = (short: string): string => KEYS.find((k) => k.startsWith(short)) ?? assert.fail(short);
    const F6B = full('f6b73');
    const C67 = full('67a3c');

    type Md = Record<string, unknown> & { 'metadata-key': string };

    let api: TestArchive;

    async function getJson(path: string): Promise<{ status: number; body: unknown }> {
      const r = await api.request('GET', path);
      return { status: r.status, body: r.status === 200 || r.status >= 400 ? r.json() : undefined };
    }

    async function search(query: string): Promise<string[]> {
      const r = await getJson(`${A}?${query}`);
      assert.equal(r.status, 200, `${query}: ${JSON.stringify(r.body)}`);
      return (r.body as Md[]).map((m) => m['metadata-key'].slice(0, 5));
    }

    async function post(path: string, body: unknown, headers: Record<string, string> = ADMIN): Promise<number> {
      const r = await api.request('POST', path, { headers, body: JSON.stringify(body) });
      return r.status;
    }

    async function put(path: string, body: unknown): Promise<number> {
      return (await api.request('PUT', path, { headers: ADMIN, body: JSON.stringify(body) })).status;
    }

    async function data(path: string): Promise<Array<{ ts: number; val: unknown }>> {
      const r = await getJson(path);
      assert.equal(r.status, 200, `${path}: ${JSON.stringify(r.body)}`);
      return r.body as Array<{ ts: number; val: unknown }>;
    }

    function near(actual: unknown, expected: number, what: string): void {
      assert.equal(typeof actual, 'number', what);
      assert.ok(
        Math.abs((actual as number) - expected) <= 1e-9 * Math.max(1, Math.abs(expected)),
        `${what}: ${String(actual)} ≉ ${expected}`,
      );
    }

    /** SP-OK of upstream esmond tests: the POST is 201 and `?time=ts` reads back exactly that point. */
    async function spOk(base: string, ts: number, val: unknown, compare = true): Promise<void> {
      assert.equal(await post(base, { ts, val }), 201, `${base} ${JSON.stringify(val)}`);
      const got = await data(`${base}?time=${ts}`);
      assert.equal(got.length, 1);
      if (compare) assert.deepEqual(got[0], { ts, val });
    }

    /** BULK of upstream esmond tests: points 1..n−1 in one PUT, then the whole window holds n points. */
    async function bulk(key: string, base: string, et: string, interval: number, values: unknown[]): Promise<void> {
      const body = {
        data: values.slice(1).map((val, i) => ({ ts: T0 + (i + 1) * interval, val: [{ 'event-type': et, val }] })),
      };
      assert.equal(await put(`${A}${key}/`, body), 201);
      const got = await data(`${base}?time-start=${T0}&time-end=${T0 + (values.length - 1) * interval}`);
      assert.equal(got.length, values.length);
    }

    before(async () => {
      api = await startArchive({
        store,
        fixture: 'api',
        prefix: '',
        withUser: false,
        now: () => NOW * 1000,
        http: false,
      });
      await api.service.addUser('admin', 'ADMIN');
      // setup: the "row pk 220 is fresh" step, done over HTTP.
      assert.equal(await post(`${A}${C67}/failures/base`, { ts: NOW - 100, val: { error: 'setup' } }), 201);
    });

    after(async () => {
      await api.close();
    });

    describe('upstream esmond tests metadata search', () => {
      test('1 no parameters: all 16 in key order', async () => {
        assert.deepEqual(
          await search(''),
          KEYS.map((k) => k.slice(0, 5)),
        );
      });
      test('2–4 event-type, summary-type, summary-window on the same row', async () => {
        assert.deepEqual(await search('event-type=packet-trace'), ['143fc', '638e5', '64186', '66ce5']);
        assert.deepEqual(await search('event-type=throughput&summary-type=average'), [
          '1af83',
          '4b6ad',
          'a0368',
          'e99bb',
          'f6b73',
        ]);
        assert.deepEqual(await search('event-type=throughput&summary-type=average&summary-window=86400'), [
          '1af83',
          '4b6ad',
          'a0368',
          'f6b73',
        ]);
      });
      test('5–7 source by v4 literal and by name, with dns-match-rule', async () => {
        const v4 = ['4b6ad', '638e5', '66ce5', 'f6b73'];
        assert.deepEqual(await search('source=198.129.254.30'), v4);
        assert.deepEqual(await search('source=lbl-pt1.es.net'), v4);
        for (const rule of ['v4v6', 'only-v4', 'prefer-v4', 'prefer-v6']) {
          assert.deepEqual(await search(`source=lbl-pt1.es.net&dns-match-rule=${rule}`), v4, rule);
        }
        assert.equal((await getJson(`${A}?source=lbl-pt1.es.net&dns-match-rule=only-v6`)).status, 400);
      });
      test('8–10 source by v6 literal and by name', async () => {
        const v6 = ['445e3', 'a0368'];
        assert.deepEqual(await search('source=2001:400:201:1150::3'), v6);
        assert.deepEqual(await search('source=lbl-pt1-v6.es.net'), v6);
        for (const rule of ['v4v6', 'only-v6', 'prefer-v4', 'prefer-v6']) {
          assert.deepEqual(await search(`source=lbl-pt1-v6.es.net&dns-match-rule=${rule}`), v6, rule);
        }
        assert.equal((await getJson(`${A}?source=lbl-pt1-v6.es.net&dns-match-rule=only-v4`)).status, 400);
      });
      test('11–13 a dual-stack name', async () => {
        assert.deepEqual(await search('source=198.129.254.38'), ['67a3c']);
        assert.deepEqual(await search('source=2001:400:501:1150::3'), ['2355e']);
        assert.deepEqual(await search('source=sacr-pt1.es.net&dns-match-rule=only-v4'), ['67a3c']);
        assert.deepEqual(await search('source=sacr-pt1.es.net&dns-match-rule=only-v6'), ['2355e']);
        assert.deepEqual(await search('source=sacr-pt1.es.net&dns-match-rule=prefer-v4'), ['67a3c']);
        assert.deepEqual(await search('source=sacr-pt1.es.net&dns-match-rule=prefer-v6'), ['2355e']);
        for (const q of ['source=sacr-pt1.es.net', 'source=sacr-pt1.es.net&dns-match-rule=v4v6']) {
          const r = await getJson(`${A}?${q}`);
          const list = r.body as Md[];
          assert.deepEqual(
            list.map((m) => m['metadata-key'].slice(0, 5)),
            ['2355e', '67a3c'],
          );
          assert.equal(list[0]?.['metadata-count-total'], 2);
          assert.equal(list[0]['metadata-previous-page'], null);
          assert.equal(list[0]['metadata-next-page'], null);
          assert.equal('metadata-count-total' in (list[1] ?? {}), false);
        }
      });
      test('14–20 time filters on time-updated', async () => {
        assert.deepEqual(await search('time-range=600'), ['67a3c']);
        assert.deepEqual(await search('time-start=1398798900'), ['2355e', '481ce', '64186', '67a3c']);
        const end = await search('time-end=1398798900');
        assert.deepEqual(
          end,
          KEYS.map((k) => k.slice(0, 5)).filter((k) => !['2355e', '481ce', '64186', '67a3c'].includes(k)),
        );
        assert.deepEqual(await search('time=1398798965'), ['67a3c']);
        assert.deepEqual(await search('time-start=1398798900&time-range=60'), ['2355e']);
        assert.deepEqual(await search('time-end=1398798900&time-range=60'), ['66ce5']);
        assert.deepEqual(await search('time-start=1398798840&time-end=1398798960'), ['2355e', '66ce5']);
      });
      test('21 combined filters', async () => {
        assert.deepEqual(await search('source=198.129.254.30&destination=bost-pt1.es.net&event-type=throughput'), [
          'f6b73',
        ]);
      });
      test('22 paging', async () => {
        const all = KEYS.map((k) => k.slice(0, 5));
        assert.deepEqual(await search('limit=1'), all.slice(0, 1));
        assert.deepEqual(await search('limit=2'), all.slice(0, 2));
        assert.deepEqual(await search('offset=1'), all.slice(1));
        assert.deepEqual(await search('offset=0&limit=5'), all.slice(0, 5));
        assert.deepEqual(await search('offset=5&limit=5'), all.slice(5, 10));
        assert.deepEqual(await search('offset=10&limit=10'), all.slice(10));
      });
    });

    describe('upstream esmond tests detail routes', () => {
      const E99 = full('e99bb');
      const u = (rest: string) => `/perfsonar/archive/${E99}/${rest}`;
      test('23 metadata detail', async () => {
        const r = await getJson(`${A}${E99}/`);
        assert.equal(r.status, 200);
        const md = r.body as Md & { 'event-types': Array<Record<string, unknown>> };
        const { 'event-types': ets, ...rest } = md;
        assert.deepEqual(rest, e99bbDetail(E99, api.url));
        const byType = new Map(ets.map((e) => [e['event-type'], e]));
        const plain = (et: string, t: number | null) => ({
          'event-type': et,
          'time-updated': t,
          summaries: [],
          'base-uri': u(`${et}/base`),
        });
        assert.equal(byType.size, 7);
        assert.deepEqual(byType.get('failures'), plain('failures', null));
        assert.deepEqual(byType.get('packet-retransmits'), plain('packet-retransmits', 1398785369));
        for (const et of [
          'streams-retransmits',
          'streams-throughput',
          'streams-throughput-subintervals',
          'throughput-subintervals',
        ]) {
          assert.deepEqual(byType.get(et), plain(et, 1398785370), et);
        }
        assert.deepEqual(byType.get('throughput'), {
          'event-type': 'throughput',
          'time-updated': 1398785369,
          'base-uri': u('throughput/base'),
          summaries: [
            {
              'summary-type': 'average',
              'summary-window': '3600',
              'time-updated': 1398785369,
              uri: u('throughput/averages/3600'),
            },
          ],
        });
      });
      test('24 event-type detail', async () => {
        assert.deepEqual((await getJson(u('throughput/'))).body, [
          {
            'time-updated': 1398785369,
            summaries: [
              {
                'summary-type': 'average',
                'summary-window': '3600',
                'time-updated': 1398785369,
                uri: u('throughput/averages/3600'),
              },
            ],
            'base-uri': u('throughput/base'),
            'event-type': 'throughput',
          },
        ]);
      });
      test('25 summary listing', async () => {
        assert.deepEqual((await getJson(u('throughput/averages/'))).body, [
          {
            'summary-type': 'average',
            'summary-window': '3600',
            'time-updated': 1398785369,
            uri: u('throughput/averages/3600'),
          },
        ]);
      });
    });

    describe('upstream esmond tests metadata POST', () => {
      const body = ITEM26_METADATA;
      test('26–28 auth, create, get-or-create', async () => {
        assert.equal(await post(A, body, { 'Content-Type': 'application/json' }), 401);
        const first = await api.request('POST', A, { headers: ADMIN, body: JSON.stringify(body) });
        assert.equal(first.status, 201);
        const md = first.json() as Md;
        assert.ok(typeof md.uri === 'string' && md['metadata-key'].length > 0);
        for (const [k, v] of Object.entries(body)) {
          if (typeof v === 'string' || typeof v === 'number') assert.equal(md[k], String(v), k); // all but event-types
        }
        assert.equal((md['event-types'] as unknown[]).length, 2);
        const again = await api.request('POST', A, { headers: ADMIN, body: JSON.stringify(body) });
        assert.equal(again.status, 201);
        const md2 = again.json() as Md;
        assert.deepEqual([md2.uri, md2['metadata-key']], [md.uri, md['metadata-key']]);
      });
    });

    describe('upstream esmond tests data', () => {
      test('29 integer', async () => {
        const base = `${A}${F6B}/throughput/base/`;
        assert.equal(await post(base, { ts: T0, val: 'bad input' }), 400);
        await spOk(base, T0, 5978580000);
        assert.equal(await post(base, { ts: T0, val: 5978580000 }), 409);
        await bulk(F6B, base, 'throughput', 7200, [5978580000, 5413040000, 7964590000, 6946810000]);
        assert.deepEqual(await data(`${A}${F6B}/throughput/averages/86400/`), [{ ts: DAY, val: 6575755000 }]);
        assert.deepEqual(await data(`${A}${F6B}/throughput/aggregations/86400/`), [{ ts: DAY, val: 26303020000 }]);
      });
      test('30 float', async () => {
        const base = `${A}${C67}/time-error-estimates/base/`;
        assert.equal(await post(base, { ts: T0, val: 'bad input' }), 400);
        await spOk(base, T0, 0.001);
        assert.equal(await post(base, { ts: T0, val: 0.001 }), 409);
        await bulk(C67, base, 'time-error-estimates', 60, [0.001, 0.003, 0.002, 0.003, 0.001]);
        const avg = await data(`${A}${C67}/time-error-estimates/averages/86400/`);
        assert.equal(avg.length, 1);
        assert.equal(avg[0]?.ts, DAY);
        near(avg[0].val, 0.002, 'average');
        const agg = await data(`${A}${C67}/time-error-estimates/aggregations/86400/`);
        near(agg[0]?.val, 0.01, 'aggregation');
      });
      test('31 json', async () => {
        const base = `${A}${F6B}/failures/base/`;
        await spOk(base, T0, { error: 'error1' });
        await bulk(
          F6B,
          base,
          'failures',
          7200,
          [1, 2, 3, 4].map((i) => ({ error: `error${i}` })),
        );
      });
      test('32 percentage', async () => {
        const base = `${A}${C67}/packet-loss-rate/base/`;
        for (const bad of [
          'bad input',
          {},
          { numerator: 10 },
          { denominator: 10 },
          { numerator: 'bad', denominator: 'bad' },
          { numerator: 10, denominator: 'bad' },
          { numerator: 10, denominator: 0 },
          { numerator: -1, denominator: 10 },
          { numerator: 'bad', denominator: 10 },
        ]) {
          assert.equal(await post(base, { ts: T0, val: bad }), 400, JSON.stringify(bad));
        }
        await spOk(base, T0, { numerator: 4, denominator: 100 }, false);
        assert.equal(await post(base, { ts: T0, val: { numerator: 4, denominator: 100 } }), 409);
        const vals = [
          [4, 100],
          [50, 200],
          [1, 10],
          [15, 40],
        ].map(([numerator, denominator]) => ({ numerator, denominator }));
        await bulk(C67, base, 'packet-loss-rate', 60, vals);
        const got = await data(base);
        assert.deepEqual(
          got.map((p) => p.ts),
          [T0, T0 + 60, T0 + 120, T0 + 180],
        );
        [0.04, 0.25, 0.1, 0.375].forEach((v, i) => {
          near(got[i]?.val, v, `point ${i}`);
        });
      });
      test('33 subinterval', async () => {
        const base = `${A}${F6B}/throughput-subintervals/base/`;
        for (const bad of [
          'bad input',
          {},
          [{}],
          [{ duration: 1, val: 1 }],
          [{ start: 1, val: 1 }],
          [{ duration: 1, start: 1 }],
          [{ duration: 'bad', start: 1, val: 1 }],
          [{ duration: 1, start: 'bad', val: 1 }],
        ]) {
          assert.equal(await post(base, { ts: T0, val: bad }), 400, JSON.stringify(bad));
        }
        const list = (v: number) =>
          Array.from({ length: 6 }, (_, i) => ({ duration: '1.000080', start: `${i}.000000`, val: String(v + i) }));
        await spOk(base, T0, list(1331580000));
        await bulk(F6B, base, 'throughput-subintervals', 7200, [list(1), list(2), list(3)]);
      });
      test('34 histogram (correct aggregation and statistics)', async () => {
        const base = `${A}${C67}/histogram-rtt/base/`;
        assert.equal(await post(base, { ts: T0, val: { '41.0': 'bad', '42.2': 20 } }), 400);
        const hist0 = { '41.00': 98, '41.10': 2 };
        await spOk(base, T0, hist0);
        await bulk(C67, base, 'histogram-rtt', 600, [hist0, hist0, { '41.10': 96, '41.20': 3, '50.0': 1 }]);
        assert.deepEqual(await data(`${A}${C67}/histogram-rtt/aggregations/86400/`), [
          { ts: DAY, val: { '41.00': 196, '41.10': 100, '41.20': 3, '50.0': 1 } },
        ]);
        const stats = await data(`${A}${C67}/histogram-rtt/statistics/86400/`);
        assert.equal(stats.length, 1);
        const s = stats[0]?.val as Record<string, unknown>;
        const expected: Record<string, number> = {
          mean: 41.065333333333335,
          median: 41.0,
          minimum: 41.0,
          maximum: 50.0,
          'percentile-25': 41.0,
          'percentile-75': 41.1,
          'percentile-95': 41.1,
          variance: 0.2694648888888889,
          'standard-deviation': 0.5191000759862099,
        };
        for (const [k, v] of Object.entries(expected)) near(s[k], v, k);
        assert.deepEqual(s['mode'], [41.0]);
        await spOk(base, T0 + 1000, { test: 100 });
        assert.deepEqual(await data(`${A}${C67}/histogram-rtt/statistics/86400/`), [{ ts: DAY, val: {} }]);
        const agg = await data(`${A}${C67}/histogram-rtt/aggregations/86400/`);
        assert.equal((agg[0]?.val as Record<string, number>)['test'], 100);
      });
      test('35 no credentials: 401', async () => {
        assert.equal(
          await post(
            `${A}${F6B}/throughput/base`,
            { ts: 1398965990, val: 5978580000 },
            { 'Content-Type': 'application/json' },
          ),
          401,
        );
      });
      test('36 IP authentication (127.0.0.1 registered as a writer)', async () => {
        const path = `${A}${F6B}/throughput/base`;
        const body = JSON.stringify({ ts: 1398965999, val: 23 });
        const anon = { 'Content-Type': 'application/json' };
        assert.equal((await api.request('POST', path, { headers: anon, body })).status, 401);
        const trusted = await startArchive({
          store,
          fixture: 'api',
          prefix: '',
          withUser: false,
          app: { writers: ['127.0.0.1'] },
          http: false,
        });
        try {
          assert.equal((await trusted.request('POST', path, { headers: anon, body })).status, 201);
        } finally {
          await trusted.close();
        }
      });
    });

    describe('upstream esmond tests client fixture with test_data', () => {
      let c: TestArchive;
      const win = 'time-start=1391558400&time-end=1391616000';
      before(async () => {
        c = await startArchive({
          store,
          fixture: 'client',
          prefix: '',
          withUser: false,
          now: () => NOW * 1000,
          http: false,
        });
        await c.service.addUser('admin', 'ADMIN');
      });
      after(async () => {
        await c.close();
      });
      const get = async (path: string): Promise<unknown> => {
        const r = await c.request('GET', path);
        assert.equal(r.status, 200, `${path}: ${r.text.slice(0, 200)}`);
        return r.json();
      };
      const series = async (md: Md, et: string, rest = 'base'): Promise<Array<{ ts: number; val: unknown }>> =>
        (await get(`${A}${md['metadata-key']}/${et}/${rest}?${win}&limit=1000`)) as Array<{ ts: number; val: unknown }>;
      const ends = (pts: Array<{ ts: number; val: unknown }>) => [pts[0], pts[pts.length - 1]];

      test('39, 41, 42 owamp metadata', async () => {
        const found = (await get(`${A}?input-source=lbl-owamp.es.net&${win}`)) as Md[];
        assert.equal(found.length, 1);
        const md = found[0] as Md;
        assert.equal(md['metadata-key'], '0CB19291FB6D40EAA1955376772BF5D2');
        const ttl = await series(md, 'histogram-ttl');
        assert.equal(ttl.length, 960);
        assert.deepEqual(ends(ttl), [
          { ts: 1391558439, val: { '10': 600 } },
          { ts: 1391615979, val: { '9': 114, '10': 486 } },
        ]);
        const owd = await series(md, 'histogram-owdelay');
        assert.equal(owd.length, 960);
        assert.deepEqual(ends(owd), [
          { ts: 1391558410, val: { '472': 3, '800': 41, '15': 5, '263': 281, '241': 49, '505': 30, '232': 191 } },
          {
            ts: 1391615950,
            val: { '309': 1, '763': 1, '45': 11, '182': 3, '473': 3, '427': 1, '362': 99, '424': 9, '430': 472 },
          },
        ]);
        for (const [et, first, last] of OWAMP_COUNTERS) {
          const pts = await series(md, et);
          assert.equal(pts.length, 960, et);
          assert.deepEqual(
            ends(pts).map((p) => [p?.ts, p?.val]),
            [first, last],
            et,
          );
        }
        const owdEntry = (
          md['event-types'] as Array<{ 'event-type': string; summaries: Array<Record<string, unknown>> }>
        ).find((e) => e['event-type'] === 'histogram-owdelay');
        assert.deepEqual(
          owdEntry?.summaries.map((s) => [s['summary-type'], s['summary-window']]),
          [['aggregation', '86400']],
        );
        assert.deepEqual(await series(md, 'histogram-owdelay', 'aggregations/86400'), OWAMP_DAILY_HISTOGRAM);
      });

      test('40 throughput metadata', async () => {
        const found = (await get(`${A}?input-source=lbl-pt1.es.net&${win}`)) as Md[];
        assert.deepEqual(
          found.map((m) => m['metadata-key']),
          ['EC7E5AF67F8746C8AEF41E60288F3F59'],
        );
        const pts = await series(found[0] as Md, 'throughput');
        assert.equal(pts.length, 4);
        assert.deepEqual(ends(pts), [
          { ts: 1391563070, val: 5524593445 },
          { ts: 1391606270, val: 7549113664 },
        ]);
      });

      test('43 post flow', async () => {
        const headers = ADMIN;
        const send = (method: string, path: string, body: unknown) =>
          c.request(method, path, { headers, body: JSON.stringify(body) });
        const mdRes = await send('POST', A, {
          'subject-type': 'point-to-point',
          source: '10.0.0.1',
          destination: '10.0.0.2',
          'tool-name': 'bwctl/iperf3',
          'measurement-agent': '10.0.0.3',
          'input-source': 'host1.example.net',
          'input-destination': 'host2.example.net',
          'event-types': [{ 'event-type': 'throughput' }, { 'event-type': 'streams-packet-retransmits' }],
        });
        assert.equal(mdRes.status, 201);
        const key = (mdRes.json() as Md)['metadata-key'];
        const tp = `${A}${key}/throughput/base`;
        assert.equal((await send('POST', tp, { ts: 60, val: 6000 })).status, 201);
        assert.deepEqual(await get(tp), [{ ts: 60, val: 6000 }]);
        assert.equal((await send('POST', tp, { ts: 60, val: 6000 })).status, 409);
        const bulkBody = ITEM43_BULK;
        assert.equal((await send('PUT', `${A}${key}/`, bulkBody)).status, 201);
        const tps = (await get(tp)) as Array<{ ts: number; val: number }>;
        assert.equal(tps.length, 3);
        assert.deepEqual(tps[2], { ts: 120, val: 12000 });
        const spr = (await get(`${A}${key}/streams-packet-retransmits/base`)) as Array<{ ts: number; val: number }>;
        assert.equal(spr.length, 2);
        assert.deepEqual(spr[1], { ts: 90, val: 0 });
        const dup = { data: [{ ts: 90, val: [{ 'event-type': 'throughput', val: 9000 }] }] };
        assert.equal((await send('PUT', `${A}${key}/`, dup)).status, 409);
      });
    });
  });
}
