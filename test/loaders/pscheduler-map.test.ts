import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  mapRecord,
  mapPschedulerDocument,
  MappingError,
  isoDurationSeconds,
  isoDateSeconds,
  tableLookup,
  UnresolvedHostError,
} from '../../src/model/pscheduler/map.js';
import { withoutComments } from '../../src/model/pscheduler/envelope.js';
import { formatFixed2 } from '../../src/model/pscheduler/iso.js';
import { pyJson } from '../../src/format/python-repr.js';
import { storageErrorResult } from './pscheduler-retry-policy.js';
import {
  assertMetadataMatches,
  mappingVectors,
  recordInputOf,
  storageErrorVectors,
  valueMap,
} from './pscheduler-vectors.js';

describe('esmond archiver golden vectors', () => {
  for (const v of mappingVectors()) {
    test(v.name, () => {
      const rec = mapRecord(recordInputOf(v.input), {
        rawPointToPoint: true, // the upstream unit test builds raw records with source/dest
        addRaw: v.input.enable_data_raw_after_construction === true,
      });
      if (v.expectedPython) assertMetadataMatches(pyJson(rec.metadata), v.expectedPython);
      const data = v.expected.data!;
      assert.equal(data.length, 1);
      assert.equal(rec.point.ts, data[0]!.ts);
      assert.deepStrictEqual(valueMap(rec.point.val), valueMap(data[0]!.val));
    });
  }
});

describe('storage-error retry vectors', () => {
  for (const v of storageErrorVectors()) {
    test(v.name, () => {
      assert.deepStrictEqual(storageErrorResult(v.input.result, v.input.attempts, v.input.policy), v.expected);
    });
  }
});

describe('ISO 8601 helpers', () => {
  test('durations in microseconds, like timedelta', () => {
    assert.equal(isoDurationSeconds('PT30S'), 30);
    assert.equal(isoDurationSeconds('PT0.0236S') * 1000, 23.599999999999998);
    assert.equal(isoDurationSeconds('P1DT1H1M1.5S'), 90061.5);
    assert.equal(isoDurationSeconds('PT0.0000005S'), 0); // half-even at the microsecond
    assert.equal(isoDurationSeconds('PT0.0000015S'), 0.000002);
    assert.throws(() => isoDurationSeconds('30 seconds'), MappingError);
    assert.throws(() => isoDurationSeconds('P'), MappingError);
    assert.throws(() => isoDurationSeconds(30), MappingError);
  });
  test('date-times to whole UTC seconds', () => {
    assert.equal(isoDateSeconds('2016-07-29T12:47:31-04:00'), 1469810851);
    assert.equal(isoDateSeconds('2016-02-19T04:35:50'), 1455856550);
    assert.equal(isoDateSeconds('2016-02-19T04:35:50.999Z'), 1455856550);
    assert.throws(() => isoDateSeconds('yesterday'), MappingError);
    assert.throws(() => isoDateSeconds('2016-13-01T00:00:00Z'), MappingError);
    assert.throws(() => isoDateSeconds('2016-12-01T00:00:00+0a:00'), MappingError);
  });
  test('the fixed-position reading of pScheduler date-times agrees with the general parser', () => {
    const two = (n: number): string => String(n).padStart(2, '0');
    fc.assert(
      fc.property(
        fc.record({
          y: fc.integer({ min: 1970, max: 2100 }),
          mo: fc.integer({ min: 1, max: 12 }),
          d: fc.integer({ min: 1, max: 28 }),
          h: fc.integer({ min: 0, max: 23 }),
          mi: fc.integer({ min: 0, max: 59 }),
          s: fc.integer({ min: 0, max: 59 }),
          zone: fc.oneof(
            fc.constant('Z'),
            fc
              .tuple(fc.constantFrom('+', '-'), fc.integer({ min: 0, max: 14 }), fc.constantFrom(0, 30, 45))
              .map(([sign, oh, om]) => `${sign}${two(oh)}:${two(om)}`),
          ),
        }),
        ({ y, mo, d, h, mi, s, zone }) => {
          const text = `${y}-${two(mo)}-${two(d)}T${two(h)}:${two(mi)}:${two(s)}${zone}`;
          // A leading space takes the general (regular expression) path.
          assert.equal(isoDateSeconds(text), isoDateSeconds(` ${text}`));
        },
      ),
    );
  });
  test('%.2f rounds exact ties half to even', () => {
    assert.equal(formatFixed2(53.8), '53.80');
    assert.equal(formatFixed2(0.125), '0.12');
    assert.equal(formatFixed2(0.375), '0.38');
    assert.equal(formatFixed2(1.005), '1.00'); // 1.005 is below the tie in binary
  });
});

const envelope = (over: Record<string, unknown> = {}) => ({
  id: 'run-1',
  schedule: { start: '2017-06-20T15:06:46Z', duration: 'PT30S' },
  test: { type: 'rtt', spec: { dest: 'ps-b.example.net', count: 5, interval: 'PT0.5S', _key: null } },
  tool: { name: 'ping', version: '1.0' },
  participants: ['ps-a.example.net'],
  run: {
    href: 'https://ps-a.example.net/pscheduler/tasks/t/runs/r',
    'task-href': 'https://ps-a.example.net/pscheduler/tasks/t',
  },
  result: {
    succeeded: true,
    sent: 2,
    lost: 0,
    duplicates: 0,
    reorders: 0,
    roundtrips: [
      { seq: 1, ttl: 54, rtt: 'PT0.0538S' },
      { seq: 2, ttl: 54, rtt: 'PT0.0538S' },
    ],
  },
  reference: {
    'display-task-name': 'ping b',
    psconfig: { 'created-by': { 'user-agent': 'psconfig', _secret: 'x' } },
    list: [1, { a: 1 }],
  },
  ...over,
});

describe('envelopes and archiver inputs', () => {
  const lookup = tableLookup(
    new Map([
      ['ps-a.example.net', { v4: '192.0.2.1', v6: '2001:db8::1' }],
      ['ps-b.example.net', { v4: '192.0.2.2' }],
    ]),
  );

  test('an http-archiver envelope maps like the archiver, run href and reference included', () => {
    const rec = mapPschedulerDocument(envelope(), { lookup });
    const md = rec.metadata;
    assert.equal(md['tool-name'], 'pscheduler/ping');
    assert.equal(md['input-source'], 'ps-a.example.net');
    assert.equal(md.source, '192.0.2.1'); // IPv4: the only family both ends have
    assert.equal(md.destination, '192.0.2.2');
    assert.equal(md['measurement-agent'], '192.0.2.1');
    // Floats as the archiver computes them (timedelta.total_seconds()), sent as Python writes them.
    assert.match(pyJson(md), /"time-duration": 30\.0, /);
    assert.match(pyJson(md), /"time-probe-interval": 0\.5, /);
    assert.match(pyJson(md), /"sample-size": 5, /); // copied from the spec: an int stays an int
    assert.equal(JSON.stringify(md['time-duration']), '30');
    assert.equal(md['pscheduler-reference-display-task-name'], 'ping b');
    assert.equal(md['pscheduler-reference-psconfig-created-by-user-agent'], 'psconfig');
    assert.equal(md['pscheduler-reference-psconfig-created-by-_secret'], undefined);
    assert.deepStrictEqual(md['pscheduler-reference-list-1'], { a: 1 });
    assert.equal(md['event-types'].at(-1)!['event-type'], 'pscheduler-run-href');
    assert.equal(rec.point.ts, 1497971206);
    const vals = valueMap(rec.point.val);
    assert.deepStrictEqual(vals.get('histogram-rtt'), { '53.80': 2 });
    assert.deepStrictEqual(vals.get('histogram-ttl-reverse'), { '54': 2 });
    assert.deepStrictEqual(vals.get('pscheduler-run-href'), {
      href: 'https://ps-a.example.net/pscheduler/tasks/t/runs/r',
    });
  });

  test('members named "#…" are comments: dropped at every depth before mapping, raw result included', () => {
    const doc = envelope({
      '#': 'top-level comment',
      test: { type: 'dns', spec: { host: 'example.net', '#note': 'why', nested: { '#x': 1, a: [{ '#y': 2, b: 3 }] } } },
      result: { succeeded: true, '#debug': 'x', record: [{ '#c': 1, name: 'n' }] },
      reference: { '#comment': 'c', keep: 1 },
    });
    const rec = mapPschedulerDocument(doc, { lookup });
    assert.deepStrictEqual(
      Object.keys(rec.metadata).filter((k) => k.includes('#')),
      [],
    );
    assert.equal(rec.metadata['pscheduler-dns-host'], 'example.net');
    assert.deepStrictEqual(rec.metadata['pscheduler-dns-nested-a-0'], { b: 3 });
    assert.equal(rec.metadata['pscheduler-reference-keep'], 1);
    assert.deepStrictEqual(valueMap(rec.point.val).get('pscheduler-raw'), { succeeded: true, record: [{ name: 'n' }] });
    // A document nested deeper than any pScheduler writes is refused, not a stack overflow.
    let deep: unknown = {};
    for (let i = 0; i < 100_000; i++) deep = [deep];
    assert.throws(
      () => mapPschedulerDocument({ ...envelope(), reference: { deep } }, { lookup }),
      /nests deeper than 256 levels/,
    );
    // Without comments, the same object comes back (nothing copied).
    const plain = { a: [{ b: 1 }], c: { d: 2 } };
    assert.equal(withoutComments(plain), plain);
  });

  test('unresolved host names are an UnresolvedHostError naming them; unusable IP literals are a plain MappingError', () => {
    const err = (doc: unknown): unknown => {
      try {
        mapPschedulerDocument(doc, { lookup });
      } catch (e) {
        return e;
      }
      assert.fail('mapped');
    };
    const unresolved = err(envelope({ test: { type: 'rtt', spec: { dest: 'nowhere.example.net' } } }));
    assert.ok(unresolved instanceof UnresolvedHostError);
    assert.deepStrictEqual(unresolved.hosts, ['ps-a.example.net', 'nowhere.example.net']);
    const literals = err(
      envelope({ participants: ['192.0.2.1'], test: { type: 'rtt', spec: { dest: '2001:db8::9' } } }),
    );
    assert.ok(literals instanceof MappingError && !(literals instanceof UnresolvedHostError));
  });

  test('the archiver input form takes run-href, measurement-agent and policy from it', () => {
    const doc = {
      data: {
        url: 'http://x/esmond/perfsonar/archive',
        'measurement-agent': 'ps-a.example.net',
        'data-formatting-policy': 'mapped-and-raw',
      },
      'task-href': 'https://h/pscheduler/tasks/t',
      'run-href': 'https://h/pscheduler/tasks/t/runs/9',
      attempts: 0,
      result: envelope({ run: undefined }),
    };
    const rec = mapPschedulerDocument(doc, { lookup });
    const ets = rec.metadata['event-types'].map((e) => e['event-type']);
    assert.deepStrictEqual(ets.slice(-2), ['pscheduler-run-href', 'pscheduler-raw']);
    assert.deepStrictEqual(valueMap(rec.point.val).get('pscheduler-run-href'), {
      href: 'https://h/pscheduler/tasks/t/runs/9',
    });
  });

  test('ip-version forces the family', () => {
    const doc = envelope({
      test: { type: 'rtt', spec: { source: 'ps-a.example.net', dest: 'ps-a.example.net', 'ip-version': 6 } },
    });
    const rec = mapPschedulerDocument(doc, { lookup });
    assert.equal(rec.metadata.source, '2001:db8::1');
    assert.equal(rec.metadata['measurement-agent'], '2001:db8::1');
  });

  test('other test types become network-element raw records; private spec members are left out', () => {
    const doc = envelope({
      test: { type: 'dns', spec: { host: 'example.net', query: 'MX', _key: null, nested: { a: [1, 2] } } },
      result: { succeeded: true, record: [] },
    });
    const rec = mapPschedulerDocument(doc, { lookup });
    assert.equal(rec.metadata['subject-type'], 'network-element');
    assert.equal(rec.metadata.destination, undefined);
    assert.equal(rec.metadata['pscheduler-dns-host'], 'example.net');
    assert.equal(rec.metadata['pscheduler-dns-nested-a-1'], 2);
    assert.ok(!Object.keys(rec.metadata).some((k) => k.includes('_key')));
    assert.deepStrictEqual(
      rec.metadata['event-types'].map((e) => e['event-type']),
      ['pscheduler-raw', 'pscheduler-run-href'],
    );
  });

  test('mapped-only refuses unknown test types; raw-only maps everything raw', () => {
    const dns = envelope({ test: { type: 'dns', spec: { host: 'example.net' } } });
    assert.throws(
      () => mapPschedulerDocument(dns, { lookup, defaults: { policy: 'mapped-only' } }),
      /'mapped-only' policy .* unrecognized type dns/,
    );
    const raw = mapPschedulerDocument(envelope(), { lookup, defaults: { policy: 'raw-only' } });
    assert.deepStrictEqual(
      raw.metadata['event-types'].map((e) => e['event-type']),
      ['pscheduler-raw', 'pscheduler-run-href'],
    );
  });

  test('declareAll also declares the values the archiver leaves undeclared', () => {
    const doc = envelope({
      test: { type: 'throughput', spec: { source: '192.0.2.1', dest: '192.0.2.2' } },
      tool: { name: 'iperf3' },
      result: {
        succeeded: true,
        summary: { summary: { 'throughput-bits': 1e9, retransmits: 3, rtt: 5000, 'tcp-window-size': 1000 } },
      },
    });
    const plain = mapPschedulerDocument(doc, { lookup });
    assert.ok(!plain.metadata['event-types'].some((e) => e['event-type'] === 'packet-rtt'));
    const all = mapPschedulerDocument(doc, { lookup, declareAll: true });
    const ets = all.metadata['event-types'].map((e) => e['event-type']);
    assert.ok(ets.includes('packet-rtt') && ets.includes('tcp-windowsize'));
  });

  test('failed runs give a failures value', () => {
    const rec = mapPschedulerDocument(envelope({ result: { succeeded: false, error: 'boom' } }), { lookup });
    assert.deepStrictEqual(
      rec.point.val.map((v) => v['event-type']),
      ['failures', 'pscheduler-run-href'],
    );
    assert.deepStrictEqual(rec.point.val[0]!.val, { error: 'boom' });
  });

  const bad: [string, unknown, RegExp][] = [
    ['not an object', [1], /must be a JSON object/],
    ['no test', { ...envelope(), test: undefined }, /test definition/],
    ['no schedule', { ...envelope(), schedule: undefined }, /schedule/],
    ['bad start', envelope({ schedule: { start: 'soon', duration: 'PT1S' } }), /schedule.start/],
    ['bad duration', envelope({ schedule: { start: '2017-06-20T15:06:46Z', duration: 30 } }), /schedule.duration/],
    ['no tool', { ...envelope(), tool: {} }, /tool.name/],
    ['result not an object', envelope({ result: 'ok' }), /"result"/],
    ['unresolvable dest', envelope({ test: { type: 'rtt', spec: { dest: 'nowhere.invalid' } } }), /cannot resolve/],
    [
      'trace without paths',
      envelope({ test: { type: 'trace', spec: { dest: '192.0.2.2' } }, result: { succeeded: true } }),
      /paths/,
    ],
    ['bad round trip rtt', envelope({ result: { succeeded: true, roundtrips: [{ rtt: '53ms' }] } }), /rtt/],
    ['bad policy', { data: { 'data-formatting-policy': 'all' }, result: envelope() }, /data-formatting-policy/],
  ];
  for (const [name, doc, re] of bad) {
    test(`rejects: ${name}`, () => {
      assert.throws(
        () => mapPschedulerDocument(doc, { lookup }),
        (e: unknown) => e instanceof MappingError && re.test(e.message),
      );
    });
  }
});
