import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  openFixtureArchive,
  openTestArchive,
  stubResolver,
  assertApiRejects,
  type TestArchive,
  createKey,
} from './helpers.js';
import type { WireMetadata } from '../../../src/model/wire.js';
import { MAX_PARAMETER_FILTERS } from '../../../src/archive/search.js';
import { e99bbDetail } from '../upstream-items.js';

const NOW = 1_700_000_000;
const K = {
  '143fc': '143fc5da192841b68bec067a317a833d',
  '1af83': '1af831f8c5cc4cfa9909fde64c04aad5',
  '2355e': '2355e337a7214611ab1bc5db51e40424',
  '445e3': '445e3d75c89d44c0bf6e1eba1316137e',
  '481ce': '481ceff181e34bacae35e35f2544623e',
  '4b6ad': '4b6ad6067fbb4b15b1d1611e20b16252',
  '638e5': '638e53d546924c58b067f3d6f6926059',
  '64186': '641860b2004c46a7b21fe26e5ffea9af',
  '66ce5': '66ce5fc42d764eb891f6a8e4415c8b86',
  '67a3c': '67a3c298de0b4237abee56b879e03587',
  '89764': '89764bfcbc8d4f4bada5b1bfdd451e91',
  '8b904': '8b904c72410b44f68938ee46082889f6',
  a0368: 'a0368603e2e8458b9ee687df4e7cc762',
  c29e6: 'c29e6813b31846b7bfc0b5415acee78a',
  e99bb: 'e99bbc44b7b041c7ad9e51dc6a053b8c',
  f6b73: 'f6b732e9f351487a96126f0c25e5e546',
} as const;
type Short = keyof typeof K;
// Listed explicitly: Object.keys would put integer-like names ('64186') first.
const ALL: Short[] = [
  '143fc',
  '1af83',
  '2355e',
  '445e3',
  '481ce',
  '4b6ad',
  '638e5',
  '64186',
  '66ce5',
  '67a3c',
  '89764',
  '8b904',
  'a0368',
  'c29e6',
  'e99bb',
  'f6b73',
];

describe('metadata search over the upstream fixture (upstream esmond tests)', () => {
  let a: TestArchive;
  const dnsCalls: string[] = [];
  before(async () => {
    a = await openFixtureArchive({ resolver: stubResolver(dnsCalls) });
    // The upstream setup marks 67a3c's failures row as just written.
    await a.svc.writePoint(
      K['67a3c'],
      'failures',
      'base',
      { ts: 1398965989, val: { error: 'x' } },
      a.ctx(undefined, NOW),
    );
  });
  after(() => a.close());

  async function search(query: string): Promise<WireMetadata[]> {
    const url = `/perfsonar/archive/${query ? `?${query}` : ''}`;
    return (await a.svc.searchMetadata(new URLSearchParams(query), a.ctx(url, NOW))).body;
  }
  async function keys(query: string): Promise<Short[]> {
    const body = await search(query);
    return body.map((m) => ALL.find((s) => K[s] === m['metadata-key']) ?? ('?' as Short));
  }
  const cases: Array<[string, Short[]]> = [
    ['', ALL],
    ['event-type=packet-trace', ['143fc', '638e5', '64186', '66ce5']],
    ['event-type=throughput&summary-type=average', ['1af83', '4b6ad', 'a0368', 'e99bb', 'f6b73']],
    ['event-type=throughput&summary-type=average&summary-window=86400', ['1af83', '4b6ad', 'a0368', 'f6b73']],
    ['source=198.129.254.30', ['4b6ad', '638e5', '66ce5', 'f6b73']],
    ['source=lbl-pt1.es.net', ['4b6ad', '638e5', '66ce5', 'f6b73']],
    ['source=lbl-pt1.es.net&dns-match-rule=v4v6', ['4b6ad', '638e5', '66ce5', 'f6b73']],
    ['source=lbl-pt1.es.net&dns-match-rule=only-v4', ['4b6ad', '638e5', '66ce5', 'f6b73']],
    ['source=lbl-pt1.es.net&dns-match-rule=prefer-v4', ['4b6ad', '638e5', '66ce5', 'f6b73']],
    ['source=lbl-pt1.es.net&dns-match-rule=prefer-v6', ['4b6ad', '638e5', '66ce5', 'f6b73']],
    ['source=2001:400:201:1150::3', ['445e3', 'a0368']],
    ['source=2001:0400:0201:1150:0::3', ['445e3', 'a0368']],
    ['source=lbl-pt1-v6.es.net', ['445e3', 'a0368']],
    ['source=lbl-pt1-v6.es.net&dns-match-rule=only-v6', ['445e3', 'a0368']],
    ['source=lbl-pt1-v6.es.net&dns-match-rule=prefer-v4', ['445e3', 'a0368']],
    ['source=198.129.254.38', ['67a3c']],
    ['source=2001:400:501:1150::3', ['2355e']],
    ['source=sacr-pt1.es.net&dns-match-rule=only-v4', ['67a3c']],
    ['source=sacr-pt1.es.net&dns-match-rule=only-v6', ['2355e']],
    ['source=sacr-pt1.es.net&dns-match-rule=prefer-v4', ['67a3c']],
    ['source=sacr-pt1.es.net&dns-match-rule=prefer-v6', ['2355e']],
    ['source=sacr-pt1.es.net', ['2355e', '67a3c']],
    ['source=10.0.0.1&dns-match-rule=prefer-v6', []],
    ['time-range=600', ['67a3c']],
    ['time-start=1398798900', ['2355e', '481ce', '64186', '67a3c']],
    ['time-end=1398798900', ALL.filter((k) => !['2355e', '481ce', '64186', '67a3c'].includes(k))],
    ['time=1398798965', ['67a3c']],
    ['time-start=1398798900&time-range=60', ['2355e']],
    ['time-end=1398798900&time-range=60', ['66ce5']],
    ['time-start=1398798840&time-end=1398798960', ['2355e', '66ce5']],
    ['time-start=1398798840&time-end=1398798960&time-range=1', ['2355e', '66ce5']],
    ['source=198.129.254.30&destination=bost-pt1.es.net&event-type=throughput', ['f6b73']],
    ['limit=1', ['143fc']],
    ['limit=2', ['143fc', '1af83']],
    ['offset=1', ALL.slice(1)],
    ['offset=0&limit=5', ALL.slice(0, 5)],
    ['offset=5&limit=5', ALL.slice(5, 10)],
    ['offset=10&limit=10', ALL.slice(10)],
    ['offset=16', []],
    ['limit=0', ALL],
    ['limit=-3&offset=-1', ALL],
    ['limit=abc&offset=1.5', ALL],
    // free-form parameters: exact string match, independent of each other
    ['time-duration=20', ['1af83', '445e3', '4b6ad', '89764', '8b904', 'a0368', 'e99bb', 'f6b73']],
    ['time-duration=20.0', []],
    ['ip-transport-protocol=icmp&sample-size=100', ['2355e', '67a3c', 'c29e6']],
    ['ip-transport-protocol=ICMP', []],
    ['_=1234567', []],
    ['tool-name=bwctl/ping', ['2355e', '481ce', '67a3c', 'c29e6']],
    ['tool-name=BWCTL/ping', []],
    ['input-source=bost-pt1.es.net&input-destination=lbl-pt1.es.net', ['481ce', '64186', 'e99bb']],
    ['subject-type=point-to-point&metadata-key=e99bbc44b7b041c7ad9e51dc6a053b8c', ['e99bb']],
    ['subject-type=network-element', []],
    ['event-type=nonexistent', []],
    // the last value of a repeated key wins
    ['tool-name=bwctl/ping&tool-name=bwctl/tracepath', ['143fc', '638e5', '64186', '66ce5']],
    // an invalid rule is ignored without IP filters
    ['dns-match-rule=v6-only&event-type=packet-trace', ['143fc', '638e5', '64186', '66ce5']],
    // measurement-agent is on every record
    ['measurement-agent=198.129.254.30', ALL],
  ];
  for (const [query, expected] of cases) {
    test(`?${query} → ${expected.length}`, async () => {
      assert.deepEqual(await keys(query), expected);
    });
  }

  test('same-row rule: the event type and the summary must be one row', async () => {
    // 67a3c has time-error-estimates average/86400 but throughput only elsewhere.
    assert.deepEqual(await keys('event-type=histogram-rtt&summary-type=average'), []);
    assert.deepEqual(await keys('event-type=time-error-estimates&summary-type=average&summary-window=86400'), [
      '67a3c',
    ]);
    assert.deepEqual(await keys('event-type=histogram-ttl&summary-type=aggregation'), []);
    // time filter + event type must hold on the same row: failures was written now, path-mtu long ago
    assert.deepEqual(await keys('event-type=failures&time-range=600'), ['67a3c']);
    assert.deepEqual(await keys('event-type=histogram-rtt&time-range=600'), []);
  });

  test('results list all event types, not only the matching ones', async () => {
    const [m] = await search('event-type=packet-trace&limit=1');
    assert.deepEqual(
      m?.['event-types'].map((e) => e['event-type']),
      ['failures', 'packet-trace', 'path-mtu'],
    );
  });

  test('count fields only on element 0; links follow DRF', async () => {
    const body = await search('source=sacr-pt1.es.net');
    assert.equal(body.length, 2);
    assert.equal(body[0]?.['metadata-count-total'], 2);
    assert.equal(body[0]['metadata-previous-page'], null);
    assert.equal(body[0]['metadata-next-page'], null);
    assert.ok(!('metadata-count-total' in (body[1] ?? {})));
    const page = await a.svc.searchMetadata(
      new URLSearchParams('event-type=throughput&limit=2&offset=2'),
      a.ctx('/esmond/perfsonar/archive/?offset=2&limit=2&event-type=throughput', NOW),
    );
    const first = page.body[0];
    assert.equal(first?.['metadata-count-total'], 8);
    assert.equal(
      first['metadata-next-page'],
      'http://testserver/esmond/perfsonar/archive/?event-type=throughput&limit=2&offset=4',
    );
    assert.equal(
      first['metadata-previous-page'],
      'http://testserver/esmond/perfsonar/archive/?event-type=throughput&limit=2',
    );
    assert.equal(
      page.link,
      '<http://testserver/esmond/perfsonar/archive/?event-type=throughput&limit=2&offset=4>; rel="next", ' +
        '<http://testserver/esmond/perfsonar/archive/?event-type=throughput&limit=2>; rel="prev"',
    );
    const mid = await a.svc.searchMetadata(
      new URLSearchParams('limit=5&offset=12'),
      a.ctx('/perfsonar/archive/?limit=5&offset=12', NOW),
    );
    assert.equal(mid.body[0]?.['metadata-previous-page'], 'http://testserver/perfsonar/archive/?limit=5&offset=7');
    assert.equal(mid.body[0]['metadata-next-page'], null);
    const none = await a.svc.searchMetadata(
      new URLSearchParams('limit=500'),
      a.ctx('/perfsonar/archive/?limit=500', NOW),
    );
    assert.equal(none.link, undefined);
  });

  test('links re-encode the query like Python urlencode', async () => {
    const q = 'tool-name=bwctl/ping&limit=1&z=a b';
    const page = await a.svc.searchMetadata(
      new URLSearchParams('tool-name=bwctl/ping&limit=1'),
      a.ctx(`/perfsonar/archive/?${q}`, NOW),
    );
    assert.equal(
      page.body[0]?.['metadata-next-page'],
      'http://testserver/perfsonar/archive/?limit=1&offset=1&tool-name=bwctl%2Fping&z=a+b',
    );
  });

  test('DNS failures and bad parameters are 400s', async () => {
    const s = (q: string) => a.svc.searchMetadata(new URLSearchParams(q), a.ctx(`/perfsonar/archive/?${q}`, NOW));
    await assertApiRejects(
      s('source=lbl-pt1.es.net&dns-match-rule=only-v6'),
      400,
      'Unable to find address for host lbl-pt1.es.net',
    );
    await assertApiRejects(
      s('source=lbl-pt1-v6.es.net&dns-match-rule=only-v4'),
      400,
      'Unable to find address for host lbl-pt1-v6.es.net',
    );
    await assertApiRejects(
      s('source=10.0.0.1&dns-match-rule=only-v6'),
      400,
      'Unable to find address for host 10.0.0.1',
    );
    await assertApiRejects(
      s('source=lbl-pt1.es.net&dns-match-rule=v6-only'),
      400,
      'Invalid dns-match-rule parameter v6-only',
    );
    await assertApiRejects(s('destination=no.such.host'), 400, 'Unable to find address for host no.such.host');
    await assertApiRejects(s('summary-window=1.5'), 400, 'Summary window must be an integer');
    await assertApiRejects(s('time-start=abc'), 400, 'Time parameter must be an integer');
    await assertApiRejects(s('time=5&time-start=abc'), 400, 'Time parameter must be an integer');
    await assertApiRejects(s('time-range=1.5'), 400, 'Time parameter must be an integer');
    await assertApiRejects(s('time-start=10&time-end=5'), 400, 'Requested start time must be less than end time');
    await assertApiRejects(s('time-start=99999999999999999999'), 400);
    assert.deepEqual(await keys('time-start=+1398798900'), ['2355e', '481ce', '64186', '67a3c']);
    assert.deepEqual(await keys('time-start=%201398798900%20'), ['2355e', '481ce', '64186', '67a3c']);
  });

  test('the name cache avoids repeated lookups', async () => {
    dnsCalls.length = 0;
    const q = 'source=unknown.example.org&dns-match-rule=only-v4';
    await assertApiRejects(search(q), 400);
    await assertApiRejects(search(q), 400);
    assert.deepEqual(dnsCalls, ['unknown.example.org/4'], 'negative answers are cached too');
    await assertApiRejects(search('source=not a host name'), 400, 'Unable to find address for host not a host name');
    assert.deepEqual(dnsCalls, ['unknown.example.org/4'], 'malformed names are never looked up');
  });
});

describe('metadata detail filters (archive-api.md: Metadata search; upstream esmond tests)', () => {
  let a: TestArchive;
  before(async () => {
    a = await openFixtureArchive({ resolver: false });
  });
  after(() => a.close());
  const get = (key: string, q = '') =>
    a.svc.getMetadata(key, new URLSearchParams(q), a.ctx(`/perfsonar/archive/${key}/${q ? `?${q}` : ''}`, NOW));

  test('e99bb detail body (item 23)', async () => {
    const m = await get(K.e99bb);
    const { ['event-types']: events, ...rest } = m;
    assert.deepEqual(rest, e99bbDetail(K.e99bb, 'http://testserver'));
    const base = (et: string) => `/perfsonar/archive/${K.e99bb}/${et}/base`;
    assert.deepEqual(events, [
      { 'base-uri': base('failures'), 'event-type': 'failures', 'time-updated': null, summaries: [] },
      {
        'base-uri': base('packet-retransmits'),
        'event-type': 'packet-retransmits',
        'time-updated': 1398785369,
        summaries: [],
      },
      {
        'base-uri': base('streams-retransmits'),
        'event-type': 'streams-retransmits',
        'time-updated': 1398785370,
        summaries: [],
      },
      {
        'base-uri': base('streams-throughput'),
        'event-type': 'streams-throughput',
        'time-updated': 1398785370,
        summaries: [],
      },
      {
        'base-uri': base('streams-throughput-subintervals'),
        'event-type': 'streams-throughput-subintervals',
        'time-updated': 1398785370,
        summaries: [],
      },
      {
        'base-uri': base('throughput'),
        'event-type': 'throughput',
        'time-updated': 1398785369,
        summaries: [
          {
            'summary-type': 'average',
            'summary-window': '3600',
            'time-updated': 1398785369,
            uri: `/perfsonar/archive/${K.e99bb}/throughput/averages/3600`,
          },
        ],
      },
      {
        'base-uri': base('throughput-subintervals'),
        'event-type': 'throughput-subintervals',
        'time-updated': 1398785370,
        summaries: [],
      },
    ]);
    assert.ok(!('metadata-count-total' in m));
  });

  test('event-type detail and summary listing (items 24, 25)', async () => {
    const ctx = a.ctx(`/perfsonar/archive/${K.e99bb}/throughput/`, NOW);
    assert.deepEqual(await a.svc.eventTypeDetail(K.e99bb, 'throughput', ctx), [
      {
        'time-updated': 1398785369,
        summaries: [
          {
            'summary-type': 'average',
            'summary-window': '3600',
            'time-updated': 1398785369,
            uri: `/perfsonar/archive/${K.e99bb}/throughput/averages/3600`,
          },
        ],
        'base-uri': `/perfsonar/archive/${K.e99bb}/throughput/base`,
        'event-type': 'throughput',
      },
    ]);
    assert.deepEqual(await a.svc.summaryListing(K.e99bb, 'throughput', 'averages', ctx), [
      {
        'summary-type': 'average',
        'summary-window': '3600',
        'time-updated': 1398785369,
        uri: `/perfsonar/archive/${K.e99bb}/throughput/averages/3600`,
      },
    ]);
    assert.deepEqual(await a.svc.eventTypeDetail(K.e99bb, 'nonexistent', ctx), []);
    assert.deepEqual(await a.svc.eventTypeDetail('nokey', 'throughput', ctx), []);
    assert.equal((await a.svc.eventTypeDetail(K.e99bb, 'streams-retransmits', ctx)).length, 1);
  });

  test('summary listing errors', async () => {
    const ctx = a.ctx('/', NOW);
    await assert.rejects(async () => a.svc.summaryListing(K.e99bb, 'throughput', 'aggregations', ctx), {
      status: 404,
      detail: 'Not found.',
    });
    await assert.rejects(async () => a.svc.summaryListing('nokey', 'throughput', 'averages', ctx), { status: 404 });
    await assert.rejects(async () => a.svc.summaryListing(K.e99bb, 'streams-retransmits', 'averages', ctx), {
      status: 400,
      detail: "Unsupported event type 'streams-retransmits' provided",
    });
    await assert.rejects(async () => a.svc.summaryListing(K.e99bb, 'throughput', 'average', ctx), {
      status: 400,
      detail: "Invalid summary type 'average'",
    });
    await assert.rejects(async () => a.svc.summaryListing(K.e99bb, 'throughput', '__proto__', ctx), { status: 400 });
  });

  test('filters apply to the detail route', async () => {
    await assertApiRejects(get(K.e99bb, 'event-type=nonexistent'), 404, 'Not found.');
    await assertApiRejects(get(K.e99bb, 'time-range=60'), 404);
    await assertApiRejects(get('E99BBC44B7B041C7AD9E51DC6A053B8C'), 404);
    await assertApiRejects(get(K.e99bb, `metadata-key=${K.f6b73}`), 404);
    assert.equal((await get(K.e99bb, 'event-type=throughput&limit=1&offset=3'))['metadata-key'], K.e99bb);
    await assertApiRejects(
      get(K.e99bb, 'source=bost-pt1.es.net'),
      400,
      'Unable to find address for host bost-pt1.es.net',
    );
    assert.equal((await get(K.e99bb, 'source=198.124.238.66'))['metadata-key'], K.e99bb);
  });

  test('mount prefix appears in every generated path', async () => {
    const ctx = {
      requestUrl: new URL(`https://archive.example.net:8443/esmond/perfsonar/archive/${K.e99bb}/`),
      prefix: '/esmond',
      now: NOW,
    };
    const m = await a.svc.getMetadata(K.e99bb, new URLSearchParams(), ctx);
    assert.equal(m.url, `https://archive.example.net:8443/esmond/perfsonar/archive/${K.e99bb}/`);
    assert.equal(m.uri, `/esmond/perfsonar/archive/${K.e99bb}/`);
    const tp = m['event-types'].find((e) => e['event-type'] === 'throughput');
    assert.equal(tp?.['base-uri'], `/esmond/perfsonar/archive/${K.e99bb}/throughput/base`);
    assert.equal(tp.summaries[0]?.uri, `/esmond/perfsonar/archive/${K.e99bb}/throughput/averages/3600`);
  });
});

describe('search plans agree on order and paging (many metadata)', () => {
  let a: TestArchive;
  before(async () => {
    a = await openTestArchive({ resolver: false });
    for (let i = 0; i < 300; i++) {
      await a.svc.createMetadata(
        {
          'subject-type': i % 10 === 0 ? 'network-element' : 'point-to-point',
          source: `10.1.${i % 7}.1`,
          ...(i % 10 === 0 ? {} : { destination: `10.2.${i % 3}.1` }),
          'measurement-agent': '10.9.9.9',
          'tool-name': i % 2 ? 'odd' : 'even',
          n: String(i),
          group: String(i % 4),
          'event-types': [{ 'event-type': i % 5 ? 'throughput' : 'packet-trace' }],
        },
        a.ctx(),
      );
    }
  });
  after(() => a.close());
  const keys = async (q: string) =>
    (await a.svc.searchMetadata(new URLSearchParams(q), a.ctx(`/perfsonar/archive/?${q}`))).body.map(
      (m) => m['metadata-key'],
    );

  test('every filter returns keys sorted bytewise, and pages are slices of it', async () => {
    const all = await keys('limit=1000');
    assert.equal(all.length, 300);
    assert.deepEqual(all, [...all].sort());
    for (const filter of [
      'event-type=throughput',
      'tool-name=odd',
      'group=1',
      'source=10.1.3.1',
      'n=17',
      'subject-type=network-element',
      'event-type=throughput&tool-name=even&group=2',
    ]) {
      const full = await keys(`${filter}&limit=1000`);
      assert.ok(full.length > 0, filter);
      assert.deepEqual(full, [...full].sort(), filter);
      assert.deepEqual(await keys(`${filter}&limit=7&offset=5`), full.slice(5, 12), filter);
      assert.deepEqual(await keys(`${filter}&limit=1000&offset=${full.length - 1}`), full.slice(-1), filter);
    }
    assert.equal((await keys('event-type=throughput&limit=1000')).length, 240);
    assert.equal((await keys('event-type=throughput&tool-name=even&group=2&limit=1000')).length, 60);
  });

  test('many free-form parameters (up to the documented maximum) still AND together', async () => {
    const params = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`p${i}`, `v${i}`]));
    const key = await createKey(a, {
      'subject-type': 'point-to-point',
      source: '10.3.0.1',
      destination: '10.3.0.2',
      'measurement-agent': '10.3.0.1',
      ...params,
      'event-types': [],
    });
    const q = (extra: Record<string, string>) => new URLSearchParams({ ...params, ...extra }).toString();
    assert.deepEqual(await keys(q({})), [key]);
    assert.deepEqual(await keys(q({ p39: 'wrong' })), []);
    assert.deepEqual(await keys(q({ p40: 'v40' })), []);
    assert.deepEqual(await keys(`${q({})}&source=10.3.0.1`), [key]);
    // The most a search may carry (more is a 400: test/archive/http/search-limits.test.ts).
    const most = new URLSearchParams(
      Array.from({ length: MAX_PARAMETER_FILTERS }, (_, i): [string, string] => [`x${i}`, '1']),
    ).toString();
    assert.deepEqual(await keys(most), []);
  });
});
