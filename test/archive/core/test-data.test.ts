import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { openTestArchive, read, CLIENT_FIXTURE, DATA, type TestArchive, createKey } from './helpers.js';
import { loadDjangoFixtureFile, importStorageRowsFile } from '../../helpers/archive-fixtures.js';
import { OWAMP_COUNTERS, OWAMP_DAILY_HISTOGRAM } from '../upstream-items.js';

const OWAMP = '0CB19291FB6D40EAA1955376772BF5D2';
const IPERF = 'EC7E5AF67F8746C8AEF41E60288F3F59';
const WINDOW = 'time-start=1391558400&time-end=1391616000';
const FILES = readdirSync(`${DATA}/test_data`).filter((f) => f.endsWith('.json'));

interface Row {
  path: string[];
  ts: number;
  val: unknown;
}

describe('esmond test_data series loaded into storage (upstream esmond tests; test/fixtures/SOURCES.md)', () => {
  let a: TestArchive;
  before(async () => {
    a = await openTestArchive({ resolver: false }, async (store) => {
      await loadDjangoFixtureFile(store, CLIENT_FIXTURE);
      for (const f of FILES) await importStorageRowsFile(store, `${DATA}/test_data/${f}`);
    });
  });
  after(() => a.close());

  for (const file of FILES) {
    test(`${file} reads back unchanged`, async () => {
      const rows = JSON.parse(readFileSync(`${DATA}/test_data/${file}`, 'utf8')) as Row[];
      const [, et = '', key = '', type = 'base', window] = rows[0]?.path ?? [];
      const segment = type === 'aggregation' ? 'aggregations' : type;
      const got = await read(
        a,
        key,
        et.replace(/_/g, '-'),
        segment,
        window,
        `time-start=0&limit=100000`,
        1_400_000_000,
      );
      assert.equal(got.length, rows.length);
      assert.deepEqual(
        got,
        rows.map((r) => ({ ts: Math.floor(r.ts / 1000), val: r.val })),
      );
    });
  }

  test('client-test window (items 39–42)', async () => {
    const md = await a.svc.searchMetadata(new URLSearchParams(WINDOW), a.ctx(`/perfsonar/archive/?${WINDOW}`));
    assert.deepEqual(
      md.body.map((m) => m['metadata-key']),
      [OWAMP, IPERF],
    );
    const ttl = await read(a, OWAMP, 'histogram-ttl', 'base', undefined, `${WINDOW}&limit=1000`);
    assert.equal(ttl.length, 960);
    assert.deepEqual(ttl[0], { ts: 1391558439, val: { '10': 600 } });
    assert.deepEqual(ttl[959], { ts: 1391615979, val: { '9': 114, '10': 486 } });
    const owd = await read(a, OWAMP, 'histogram-owdelay', 'base', undefined, `${WINDOW}&limit=1000`);
    assert.equal(owd.length, 960);
    assert.deepEqual(owd[0], {
      ts: 1391558410,
      val: { '472': 3, '800': 41, '15': 5, '263': 281, '241': 49, '505': 30, '232': 191 },
    });
    const tp = await read(a, IPERF, 'throughput', 'base', undefined, `${WINDOW}&limit=1000`);
    assert.deepEqual(tp[0], { ts: 1391563070, val: 5524593445 });
    assert.deepEqual(tp[tp.length - 1], { ts: 1391606270, val: 7549113664 });
    assert.equal(tp.length, 4);
    for (const [et, first, last] of OWAMP_COUNTERS) {
      const pts = await read(a, OWAMP, et, 'base', undefined, `${WINDOW}&limit=1000`);
      assert.equal(pts.length, 960, et);
      assert.deepEqual(pts[0], { ts: first[0], val: first[1] });
      assert.deepEqual(pts[959], { ts: last[0], val: last[1] });
    }
    assert.deepEqual(
      (await a.svc.summaryListing(OWAMP, 'histogram-owdelay', 'aggregations', a.ctx())).map((s) => [
        s['summary-type'],
        s['summary-window'],
      ]),
      [['aggregation', '86400']],
    );
    assert.deepEqual(await read(a, OWAMP, 'histogram-owdelay', 'aggregations', '86400', WINDOW), OWAMP_DAILY_HISTOGRAM);
  });
});

describe('docs examples written and read back (esmond docs-examples)', () => {
  const doc = (name: string) =>
    JSON.parse(readFileSync(`${DATA}/docs-examples/${name}`, 'utf8')) as {
      request?: { body?: unknown };
      response?: { body?: unknown };
    };
  let a: TestArchive;
  before(async () => {
    a = await openTestArchive({ resolver: false });
  });
  after(() => a.close());

  const metadataFor = async (file: string): Promise<string> => {
    const body = doc(file).request?.body;
    return createKey(a, body);
  };

  for (const [mdFile, bulkFile] of [
    ['13-regular-testing-throughput-metadata.json', '14-regular-testing-throughput-bulk.json'],
    ['15-regular-testing-ping-metadata.json', '17-regular-testing-ping-bulk.json'],
    ['16-regular-testing-powstream-metadata.json', '18-regular-testing-powstream-bulk.json'],
    ['20-regular-testing-tracepath-metadata.json', '21-regular-testing-tracepath-bulk.json'],
  ] as const) {
    test(`${bulkFile} round-trips through ${mdFile}`, async () => {
      const key = await metadataFor(mdFile);
      const body = doc(bulkFile).request?.body as {
        data: Array<{ ts: number; val: Array<{ 'event-type': string; val: unknown }> }>;
      };
      await a.svc.bulkWrite(key, body, a.ctx());
      let checked = 0;
      for (const item of body.data) {
        for (const v of item.val) {
          const got = await read(a, key, v['event-type'], 'base', undefined, `time=${item.ts}`);
          assert.equal(got.length, 1, `${v['event-type']} at ${item.ts}`);
          assert.deepEqual(got[0]?.val, expectedValue(v['event-type'], v.val), v['event-type']);
          checked++;
        }
      }
      assert.ok(checked > 0);
    });
  }

  test('10-post-metadata response shape and 11-post-single-point', async () => {
    const d = doc('10-post-metadata.json');
    const m = (await a.svc.createMetadata(d.request?.body, a.ctx('/esmond/perfsonar/archive/'))).metadata;
    const expected = d.response?.body as Record<string, unknown>;
    for (const k of [
      'source',
      'destination',
      'tool-name',
      'measurement-agent',
      'input-source',
      'input-destination',
      'time-duration',
      'ip-transport-protocol',
      'subject-type',
    ]) {
      assert.equal(m[k], expected[k], k);
    }
    const single = doc('11-post-single-point.json').request?.body as { ts: string; val: string };
    await a.svc.writePoint(m['metadata-key'], 'throughput', 'base', single, a.ctx());
    assert.deepEqual(await read(a, m['metadata-key'], 'throughput', 'base', undefined, `time=${single.ts}`), [
      { ts: Number(single.ts), val: Number(single.val) },
    ]);
  });

  test('12-put-bulk-data: the repeated ts is a 409 (stricter than esmond) and nothing is stored', async () => {
    const key = await createKey(a, doc('10-post-metadata.json').request?.body);
    const body = doc('12-put-bulk-data.json').request?.body;
    await assert.rejects(async () => a.svc.bulkWrite(key, body, a.ctx()), { status: 409 });
    assert.deepEqual(await read(a, key, 'packet-retransmits', 'base', undefined, 'time=1392238390'), []);
  });
});

/** The value the archive returns for a posted value (numbers parsed, percentages divided). */
function expectedValue(et: string, val: unknown): unknown {
  const num = (v: unknown) => Number(v);
  if (et.startsWith('histogram-')) {
    return Object.fromEntries(Object.entries(val as Record<string, unknown>).map(([k, c]) => [k, Math.trunc(num(c))]));
  }
  if (et.startsWith('packet-loss-rate')) {
    const p = val as { numerator: unknown; denominator: unknown };
    return num(p.numerator) / num(p.denominator);
  }
  if (et === 'time-error-estimates') return Math.trunc(num(val) * 10000) / 10000;
  if (
    ['packet-trace', 'failures', 'throughput-subintervals', 'packet-retransmits-subintervals'].includes(et) ||
    et.startsWith('streams-')
  ) {
    return val;
  }
  return Math.trunc(num(val));
}

describe('summaries are re-computable from the base series', () => {
  test('rebuild after a raw import equals what writes through the service compute', async () => {
    const { rebuildEventTypeSummaries, importStorageRows } = await import('../../helpers/archive-fixtures.js');
    const rows = JSON.parse(readFileSync(`${DATA}/test_data/histogram_owdelay_minute_data.json`, 'utf8')) as Row[];
    const body = {
      'subject-type': 'point-to-point',
      source: '10.0.0.1',
      destination: '10.0.0.2',
      'measurement-agent': '10.0.0.1',
      'event-types': [
        {
          'event-type': 'histogram-owdelay',
          summaries: [
            { 'summary-type': 'aggregation', 'summary-window': 3600 },
            { 'summary-type': 'statistics', 'summary-window': 0 },
            { 'summary-type': 'statistics', 'summary-window': 86400 },
          ],
        },
      ],
    };
    const viaService = await openTestArchive({ resolver: false });
    const viaImport = await openTestArchive({ resolver: false });
    try {
      const k1 = await createKey(viaService, body);
      const half = Math.floor(rows.length / 2);
      const toBulk = (rs: Row[]) => ({
        data: rs.map((r) => ({ ts: r.ts / 1000, val: [{ 'event-type': 'histogram-owdelay', val: r.val }] })),
      });
      await viaService.svc.bulkWrite(k1, toBulk(rows.slice(0, half)), viaService.ctx());
      for (const r of rows.slice(half, half + 50)) {
        await viaService.svc.writePoint(
          k1,
          'histogram-owdelay',
          'base',
          { ts: r.ts / 1000, val: r.val },
          viaService.ctx(),
        );
      }
      await viaService.svc.bulkWrite(k1, toBulk(rows.slice(half + 50)), viaService.ctx());

      const k2 = await createKey(viaImport, body);
      await importStorageRows(
        viaImport.store,
        rows.map((r) => ({ ...r, path: ['ps', 'histogram_owdelay', k2] })),
      );
      assert.deepEqual(await read(viaImport, k2, 'histogram-owdelay', 'aggregations', '3600', 'time-start=0'), []);
      assert.ok((await rebuildEventTypeSummaries(viaImport.store, k2, 'histogram-owdelay')) > rows.length);
      for (const [seg, w] of [
        ['aggregations', '3600'],
        ['statistics', '0'],
        ['statistics', '86400'],
      ] as const) {
        const q = 'time-start=0&limit=5000';
        const want = await read(viaService, k1, 'histogram-owdelay', seg, w, q);
        assert.ok(want.length > 0);
        assert.deepEqual(await read(viaImport, k2, 'histogram-owdelay', seg, w, q), want, `${seg}/${w}`);
      }
    } finally {
      await viaService.close();
      await viaImport.close();
    }
  });
});

describe('test_data base series written through the API read back unchanged', () => {
  let a: TestArchive;
  before(async () => {
    a = await openTestArchive({ resolver: false });
  });
  after(() => a.close());
  for (const file of FILES.filter((f) => !f.includes('daily'))) {
    test(file, async () => {
      const rows = JSON.parse(readFileSync(`${DATA}/test_data/${file}`, 'utf8')) as Row[];
      const et = (rows[0]?.path[1] ?? '').replace(/_/g, '-');
      const key = await createKey(a, {
        'subject-type': 'point-to-point',
        source: '10.0.0.1',
        destination: '10.0.0.2',
        'measurement-agent': '10.0.0.1',
        file,
        'event-types': [{ 'event-type': et }],
      });
      const data = rows.map((r) => ({ ts: r.ts / 1000, val: [{ 'event-type': et, val: r.val }] }));
      await a.svc.bulkWrite(key, { data: data.slice(0, 700) }, a.ctx());
      await a.svc.bulkWrite(key, { data: data.slice(700) }, a.ctx());
      assert.deepEqual(
        await read(a, key, et, 'base', undefined, 'time-start=0&limit=100000'),
        rows.map((r) => ({ ts: r.ts / 1000, val: r.val })),
      );
    });
  }
});

describe('docs-examples response bodies reproduced', () => {
  let a: TestArchive;
  before(async () => {
    a = await openTestArchive({ resolver: false });
  });
  after(() => a.close());
  const body = (name: string) =>
    (
      JSON.parse(readFileSync(`${DATA}/docs-examples/${name}`, 'utf8')) as {
        response: { body: Array<{ ts: number; val: unknown }> };
      }
    ).response.body;
  const metadata = async (et: string) =>
    await createKey(a, {
      'subject-type': 'point-to-point',
      source: '10.0.0.1',
      destination: '10.0.0.2',
      'measurement-agent': '10.0.0.1',
      'event-types': [{ 'event-type': et }],
    });

  for (const [file, et] of [
    ['02-throughput-base-last-24h.json', 'throughput'],
    ['04-histogram-owdelay-base.json', 'histogram-owdelay'],
    ['08-packet-trace-base.json', 'packet-trace'],
    ['09-packet-retransmits-subintervals-base.json', 'packet-retransmits-subintervals'],
  ] as const) {
    test(file, async () => {
      const points = body(file);
      const key = await metadata(et);
      await a.svc.bulkWrite(
        key,
        { data: points.map((p) => ({ ts: p.ts, val: [{ 'event-type': et, val: p.val }] })) },
        a.ctx(),
      );
      assert.deepEqual(await read(a, key, et, 'base', undefined, 'time-start=0&time-end=2000000000'), points);
    });
  }

  test('07-packet-loss-rate-base.json (as n/300 fractions)', async () => {
    const points = body('07-packet-loss-rate-base.json');
    const key = await metadata('packet-loss-rate');
    for (const p of points) {
      const numerator = Math.round((p.val as number) * 300);
      await a.svc.writePoint(
        key,
        'packet-loss-rate',
        'base',
        { ts: p.ts, val: { numerator, denominator: 300 } },
        a.ctx(),
      );
    }
    assert.deepEqual(
      await read(a, key, 'packet-loss-rate', 'base', undefined, 'time-start=0&time-end=2000000000'),
      points,
    );
  });

  test("06-histogram-owdelay-statistics-0.json (numbers, not the doc's strings)", async () => {
    const points = body('06-histogram-owdelay-statistics-0.json');
    const key = await createKey(a, {
      'subject-type': 'point-to-point',
      source: '10.0.0.1',
      destination: '10.0.0.2',
      'measurement-agent': '10.0.0.1',
      'event-types': [
        { 'event-type': 'histogram-owdelay', summaries: [{ 'summary-type': 'statistics', 'summary-window': 0 }] },
      ],
    });
    // Histograms that have exactly the documented statistics (600 samples each).
    const hists = [{ '34.4': 600 }, { '34.3': 106, '34.4': 494 }];
    for (const [i, p] of points.entries()) {
      await a.svc.writePoint(key, 'histogram-owdelay', 'base', { ts: p.ts, val: hists[i] }, a.ctx());
    }
    const got = await read(a, key, 'histogram-owdelay', 'statistics', '0', 'time-start=0&time-end=2000000000');
    assert.equal(got.length, points.length);
    got.forEach((g, i) => {
      const want = points[i]?.val as Record<string, unknown>;
      const have = g.val as Record<string, unknown>;
      assert.equal(g.ts, points[i]?.ts);
      for (const [k, v] of Object.entries(want)) {
        if (k === 'mode') assert.deepEqual(have[k], (v as string[]).map(Number));
        else assert.ok(Math.abs(Number(have[k]) - Number(v)) < 1e-9, `${k}: ${String(have[k])} vs ${String(v)}`);
      }
    });
  });
});
