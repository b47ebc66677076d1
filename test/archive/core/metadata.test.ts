import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import {
  openTestArchive,
  openFixtureArchive,
  assertApiError,
  CLIENT_FIXTURE,
  type TestArchive,
  collect,
  createKey,
} from './helpers.js';
import { loadDjangoFixtureFile } from '../../helpers/archive-fixtures.js';
import { parseJson } from '../../helpers/json.js';
import { ITEM26_METADATA } from '../upstream-items.js';

describe('metadata POST (archive-api.md: Writing; upstream esmond tests)', () => {
  let a: TestArchive;
  before(async () => {
    a = await openTestArchive({ resolver: false });
  });
  after(() => a.close());
  const create = (body: unknown) => a.svc.createMetadata(body, a.ctx('/esmond/perfsonar/archive/'));

  test('create returns the stored object; str(posted) == returned (item 27)', async () => {
    const { metadata, location } = await create(ITEM26_METADATA);
    const key = metadata['metadata-key'];
    assert.match(key, /^[0-9a-f]{32}$/);
    assert.equal(location, `http://testserver/perfsonar/archive/${key}/`);
    assert.equal(metadata.uri, `/perfsonar/archive/${key}/`);
    for (const [k, v] of Object.entries(ITEM26_METADATA)) {
      if (typeof v === 'string' || typeof v === 'number') assert.equal(metadata[k], String(v), k); // all but event-types
    }
    assert.equal(metadata['event-types'].length, 2);
    assert.ok(metadata['event-types'].every((e) => e['time-updated'] === null));
    assert.deepEqual(metadata['event-types'][1]?.summaries, [
      {
        uri: `/perfsonar/archive/${key}/throughput/averages/86400`,
        'summary-type': 'average',
        'summary-window': '86400',
        'time-updated': null,
      },
    ]);
  });

  test('re-POST finds the same record: case, order, 20 vs "20" (item 28)', async () => {
    const first = (await create(ITEM26_METADATA)).metadata['metadata-key'];
    assert.equal((await create(ITEM26_METADATA)).metadata['metadata-key'], first);
    const shuffled = {
      'event-types': [
        { summaries: [{ 'summary-window': 86400, 'summary-type': 'average' }], 'event-type': 'throughput' },
        { 'event-type': 'packet-retransmits', summaries: [] },
        { 'event-type': 'throughput' },
      ],
      'time-duration': '20',
      'time-interval': '7200',
      'measurement-agent': '10.1.1.1',
      'input-source': '10.1.1.2',
      'input-destination': '10.1.1.1',
      'tool-name': 'BWCTL/IPERF3',
      'subject-type': 'point-to-point',
      destination: '10.1.1.2',
      source: '10.1.1.1',
    };
    const again = (await create(shuffled)).metadata;
    assert.equal(again['metadata-key'], first);
    assert.equal(again['tool-name'], 'bwctl/iperf3', 'the stored record is returned unchanged');
    // any difference makes a new record
    assert.notEqual((await create({ ...ITEM26_METADATA, 'time-duration': 21 })).metadata['metadata-key'], first);
    assert.notEqual(
      (await create({ ...ITEM26_METADATA, 'event-types': [{ 'event-type': 'packet-retransmits' }] })).metadata[
        'metadata-key'
      ],
      first,
    );
    assert.notEqual(
      (
        await create({
          ...ITEM26_METADATA,
          'event-types': [
            ...ITEM26_METADATA['event-types'],
            { 'event-type': 'throughput', summaries: [{ 'summary-type': 'aggregation', 'summary-window': 3600 }] },
          ],
        })
      ).metadata['metadata-key'],
      first,
    );
  });

  test('an omitted subject string equals an empty one', async () => {
    const body = { ...ITEM26_METADATA, 'tool-name': '', 'input-source': '' };
    const withEmpty = (await create(body)).metadata['metadata-key'];
    const { ['tool-name']: _t, ['input-source']: _i, ...omitted } = body;
    assert.equal((await create(omitted)).metadata['metadata-key'], withEmpty);
  });

  test('IPv6 is stored canonical; long form hashes differently (esmond)', async () => {
    const body = { ...ITEM26_METADATA, source: '2001:0400::0003', destination: '2001:400::3' };
    const m1 = (await create(body)).metadata;
    assert.equal(m1.source, '2001:400::3');
    const m2 = (await create({ ...body, source: '2001:400::3' })).metadata;
    assert.equal(m2.source, '2001:400::3');
    assert.notEqual(m1['metadata-key'], m2['metadata-key']);
  });

  test('duplicate event-type rows are merged', async () => {
    const m = (
      await create({
        ...ITEM26_METADATA,
        'tool-name': 'dup-test',
        'event-types': [
          { 'event-type': 'throughput', summaries: [{ 'summary-type': 'average', 'summary-window': 60 }] },
          { 'event-type': 'throughput', summaries: [{ 'summary-type': 'average', 'summary-window': '060' }] },
        ],
      })
    ).metadata;
    assert.equal(m['event-types'].length, 1);
    assert.equal(m['event-types'][0]?.summaries.length, 1);
    const key = m['metadata-key'];
    await a.svc.writePoint(key, 'throughput', 'base', { ts: 120, val: 10 }, a.ctx());
    assert.deepEqual(
      await collect((await a.svc.readData(key, 'throughput', 'averages', '60', new URLSearchParams(), a.ctx())).points),
      [{ ts: 120, val: 10 }],
      'a merged row counts a write once',
    );
  });

  test('parameter values are stored as strings (stricter than esmond)', async () => {
    const m = (
      await create({
        ...ITEM26_METADATA,
        'tool-name': 'params',
        flag: true,
        off: false,
        ratio: 0.5,
        obj: { a: [1, 2] },
        text: 'as-is',
        __proto__x: 'y',
      })
    ).metadata;
    assert.equal(m['flag'], 'true');
    assert.equal(m['off'], 'false');
    assert.equal(m['ratio'], '0.5');
    assert.equal(m['obj'], '{"a":[1,2]}');
    assert.equal(m['text'], 'as-is');
    await assertApiError(() => create({ ...ITEM26_METADATA, nothing: null }), 400);
  });

  test('a parameter called uri is overwritten on output', async () => {
    const m = (await create({ ...ITEM26_METADATA, 'tool-name': 'uri-param', uri: '/elsewhere/' })).metadata;
    assert.equal(m.uri, `/perfsonar/archive/${m['metadata-key']}/`);
  });

  test('network-element subjects have no destination keys', async () => {
    const m = (
      await create({
        'subject-type': 'network-element',
        source: '10.9.9.9',
        'measurement-agent': '10.9.9.9',
        'tool-name': 'ntp',
        'event-types': [
          { 'event-type': 'ntp-offset', summaries: [{ 'summary-type': 'average', 'summary-window': 3600 }] },
        ],
      })
    ).metadata;
    assert.ok(!('destination' in m) && !('input-destination' in m));
    assert.equal(m['input-source'], '');
    await assertApiError(
      () =>
        create({
          'subject-type': 'network-element',
          source: '10.9.9.9',
          'measurement-agent': '10.9.9.9',
          destination: '10.0.0.1',
          'event-types': [],
        }),
      400,
    );
  });

  test('validation messages in the order esmond checks them', async () => {
    const base = { ...ITEM26_METADATA };
    const cases: Array<[unknown, string]> = [
      [{}, 'Missing subject-type field in request'],
      [[], 'Missing subject-type field in request'],
      ['x', 'Missing subject-type field in request'],
      [null, 'Missing subject-type field in request'],
      [{ 'subject-type': 'point-to-point' }, 'Missing event-types field in request'],
      [{ ...base, 'subject-type': 'bogus' }, 'Invalid subject type bogus'],
      [{ ...base, 'subject-type': 5, 'event-types': 5 }, 'Invalid subject type 5'],
      // Posted values are echoed as Python's str() prints them, as esmond did.
      [{ ...base, 'subject-type': ['p2p', 1.5, null, true] }, "Invalid subject type ['p2p', 1.5, None, True]"],
      [{ ...base, 'subject-type': { kind: "it's" } }, `Invalid subject type {'kind': "it's"}`],
      [{ ...base, 'event-types': [{ 'event-type': ['throughput'] }] }, "Invalid event-type ['throughput']"],
      [{ ...base, 'metadata-key': 'abc' }, 'metadata-key is not allowed to be specified'],
      [{ ...base, 'event-types': {} }, 'event_types must be a list'],
      [{ ...base, 'event-types': 'throughput' }, 'event_types must be a list'],
      [{ ...base, 'event-types': [{}] }, 'No event-type defined'],
      [{ ...base, 'event-types': ['throughput'] }, 'No event-type defined'],
      [{ ...base, 'event-types': [null] }, 'No event-type defined'],
      [{ ...base, 'event-types': [{ 'event-type': 'histogram-delay' }] }, 'Invalid event-type histogram-delay'],
      [
        { ...base, 'event-types': [{ 'event-type': 'throughput', summaries: [{}] }] },
        'Summary must contain summary-type',
      ],
      [
        { ...base, 'event-types': [{ 'event-type': 'throughput', summaries: [{ 'summary-type': 'averages' }] }] },
        "Invalid summary type 'averages'",
      ],
      [
        {
          ...base,
          'event-types': [
            { 'event-type': 'throughput', summaries: [{ 'summary-type': 'statistics', 'summary-window': 0 }] },
          ],
        },
        'Summary type statistics not allowed for event-type throughput',
      ],
      [
        {
          ...base,
          'event-types': [
            { 'event-type': 'failures', summaries: [{ 'summary-type': 'aggregation', 'summary-window': 0 }] },
          ],
        },
        'Summary type aggregation not allowed for event-type failures',
      ],
      [
        { ...base, 'event-types': [{ 'event-type': 'throughput', summaries: [{ 'summary-type': 'average' }] }] },
        'Summary must contain summary-window',
      ],
      [
        {
          ...base,
          'event-types': [
            { 'event-type': 'throughput', summaries: [{ 'summary-type': 'average', 'summary-window': '1.5' }] },
          ],
        },
        'Summary window must be an integer',
      ],
      [
        {
          ...base,
          'event-types': [
            { 'event-type': 'throughput', summaries: [{ 'summary-type': 'average', 'summary-window': null }] },
          ],
        },
        'Summary window must be an integer',
      ],
      [
        {
          ...base,
          'event-types': [
            { 'event-type': 'throughput', summaries: [{ 'summary-type': 'average', 'summary-window': true }] },
          ],
        },
        'Summary window must be an integer',
      ],
      [
        {
          ...base,
          'event-types': [
            { 'event-type': 'throughput', summaries: [{ 'summary-type': 'average', 'summary-window': -60 }] },
          ],
        },
        'Summary window must not be negative',
      ],
      [{ ...base, 'event-types': [{ 'event-type': 'throughput', summaries: null }] }, 'summaries must be a list'],
      [{ ...base, source: 'host.example.net' }, 'source must be an IP address'],
      [{ ...base, destination: 5 }, 'destination must be an IP address'],
      [{ ...base, 'measurement-agent': undefined }, 'measurement-agent must be an IP address'],
      [{ 'subject-type': 'point-to-point', 'event-types': [] }, 'source must be an IP address'],
      [{ ...base, 'tool-name': 'x'.repeat(129) }, 'tool-name must be at most 128 characters'],
      [{ ...base, 'tool-name': ['x'] }, 'tool-name must be a string'],
    ];
    for (const [body, msg] of cases) {
      const clean = body && typeof body === 'object' && !Array.isArray(body) ? parseJson(JSON.stringify(body)) : body;
      await assertApiError(() => create(clean), 400, msg);
    }
    // base summaries are skipped, extra keys ignored, null event-types is []
    const m = (
      await create({
        ...base,
        'tool-name': 'misc',
        'event-types': [
          {
            'event-type': 'throughput',
            'base-uri': 'x',
            summaries: [{ 'summary-type': 'base', 'summary-window': 'zzz' }],
          },
        ],
      })
    ).metadata;
    assert.deepEqual(m['event-types'][0]?.summaries, []);
    assert.deepEqual((await create({ ...base, 'tool-name': 'none', 'event-types': null })).metadata['event-types'], []);
  });
});

describe('fixture de-dup', () => {
  test('posting a fixture record again finds it', async () => {
    const a = await openFixtureArchive({ resolver: false });
    try {
      const key = await createKey(a, {
        'subject-type': 'point-to-point',
        source: '198.124.238.66',
        destination: '198.129.254.30',
        'measurement-agent': '198.129.254.30',
        'tool-name': 'bwctl/iperf3',
        'input-source': 'bost-pt1.es.net',
        'input-destination': 'lbl-pt1.es.net',
        'time-duration': 20,
        'ip-tos': 32,
        'ip-transport-protocol': 'tcp',
        'bw-parallel-streams': 2,
        'event-types': [
          { 'event-type': 'failures' },
          { 'event-type': 'packet-retransmits' },
          { 'event-type': 'streams-throughput' },
          { 'event-type': 'streams-throughput-subintervals' },
          { 'event-type': 'throughput', summaries: [{ 'summary-type': 'average', 'summary-window': 3600 }] },
          { 'event-type': 'throughput-subintervals' },
        ],
      });
      // streams-retransmits is not configurable, so an equal POST is impossible: a new record.
      assert.notEqual(key, 'e99bbc44b7b041c7ad9e51dc6a053b8c');
    } finally {
      await a.close();
    }
  });
});

describe('client fixture de-dup', () => {
  test('an equivalent POST finds the fixture record (uppercase key kept)', async () => {
    const a = await openTestArchive({ resolver: false }, (store) => loadDjangoFixtureFile(store, CLIENT_FIXTURE));
    try {
      const m = (
        await a.svc.createMetadata(
          {
            'subject-type': 'point-to-point',
            source: '198.129.254.30',
            destination: '198.124.252.141',
            'measurement-agent': '198.129.254.30',
            'tool-name': 'bwctl/iperf3',
            'input-source': 'lbl-pt1.es.net',
            'input-destination': 'chic-pt1.es.net',
            'ip-transport-protocol': 'tcp',
            'time-duration': 20,
            'time-interval': 21600,
            'time-interval-randomization': 10,
            'event-types': [{ 'event-type': 'throughput' }],
          },
          a.ctx(),
        )
      ).metadata;
      assert.equal(m['metadata-key'], 'EC7E5AF67F8746C8AEF41E60288F3F59');
      assert.equal(m['event-types'][0]?.['time-updated'], 1391606270);
    } finally {
      await a.close();
    }
  });
});

describe('users', () => {
  test('keys are stored hashed and verified in constant time', async () => {
    const a = await openTestArchive({ resolver: false });
    try {
      const k = await a.svc.addUser('admin');
      assert.match(k, /^[0-9a-f]{40}$/);
      assert.equal(await a.svc.addUser('other', 'ADMIN'), 'ADMIN');
      assert.ok(await a.svc.verifyKey(k));
      assert.ok(await a.svc.verifyKey(k, 'admin'));
      assert.ok(!(await a.svc.verifyKey(k, 'other')));
      assert.ok(await a.svc.verifyKey('ADMIN', 'other'));
      assert.ok(!(await a.svc.verifyKey('admin')));
      assert.ok(!(await a.svc.verifyKey('')));
      // re-adding a user replaces its key
      await a.svc.addUser('other', 'NEW');
      assert.ok(!(await a.svc.verifyKey('ADMIN')));
      assert.ok(await a.svc.verifyKey('NEW'));
      const files = [a.path, `${a.path}-wal`]
        .filter((f) => existsSync(f))
        .map((f) => readFileSync(f).toString('latin1'));
      assert.ok(files.length > 0);
      for (const text of files) assert.ok(!text.includes(k), 'the plain key never reaches the database');
    } finally {
      await a.close();
    }
  });
});
