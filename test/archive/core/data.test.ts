import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  openFixtureArchive,
  openTestArchive,
  read,
  assertApiError,
  collect,
  type TestArchive,
  createKey,
} from './helpers.js';
import { ITEM43_BULK } from '../upstream-items.js';

const T0 = 1398965989;
const DAY = 1398902400;
const F6B73 = 'f6b732e9f351487a96126f0c25e5e546';
const K67A3C = '67a3c298de0b4237abee56b879e03587';
const NOW = 1_700_000_000;
const close = (a: unknown, b: number): void => {
  assert.ok(typeof a === 'number' && Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b)), `${String(a)} ≈ ${b}`);
};

describe('data writes and reads over the fixture (upstream esmond tests)', () => {
  let a: TestArchive;
  before(async () => {
    a = await openFixtureArchive({ resolver: false });
  });
  after(() => a.close());
  const post = (key: string, et: string, body: unknown, now = NOW) =>
    a.svc.writePoint(key, et, 'base', body, a.ctx(undefined, now));
  const bulk = (key: string, body: unknown, now = NOW) => a.svc.bulkWrite(key, body, a.ctx(undefined, now));
  const spOk = async (key: string, et: string, ts: number, val: unknown) => {
    await post(key, et, { ts, val });
    const got = await read(a, key, et, 'base', undefined, `time=${ts}`, NOW);
    assert.equal(got.length, 1);
    return got[0];
  };
  const bulkSeries = async (key: string, et: string, start: number, interval: number, data: unknown[]) => {
    await bulk(key, {
      data: data.slice(1).map((v, i) => ({ ts: start + (i + 1) * interval, val: [{ 'event-type': et, val: v }] })),
    });
    return await read(
      a,
      key,
      et,
      'base',
      undefined,
      `time-start=${start}&time-end=${start + (data.length - 1) * interval}`,
      NOW,
    );
  };

  test('integer (item 29)', async () => {
    await assertApiError(
      () => post(F6B73, 'throughput', { ts: T0, val: 'bad input' }),
      400,
      'Value must be an integer',
    );
    assert.deepEqual(await spOk(F6B73, 'throughput', T0, 5978580000), { ts: T0, val: 5978580000 });
    await assertApiError(
      () => post(F6B73, 'throughput', { ts: T0, val: 5978580000 }),
      409,
      `Time series value already exists with event type throughput at time ${T0}`,
    );
    // 409 is checked before the value.
    await assertApiError(() => post(F6B73, 'throughput', { ts: T0, val: 'bad input' }), 409);
    const data = [5978580000, 5413040000, 7964590000, 6946810000];
    assert.equal((await bulkSeries(F6B73, 'throughput', T0, 7200, data)).length, 4);
    assert.deepEqual(await read(a, F6B73, 'throughput', 'averages', '86400'), [{ ts: DAY, val: 6575755000 }]);
    assert.deepEqual(await read(a, F6B73, 'throughput', 'aggregations', '86400'), [{ ts: DAY, val: 26303020000 }]);
    assert.deepEqual(await read(a, F6B73, 'throughput', 'averages', '0086400'), [{ ts: DAY, val: 6575755000 }]);
  });

  test('float (item 30)', async () => {
    const et = 'time-error-estimates';
    await assertApiError(
      () => post(K67A3C, et, { ts: T0, val: 'bad input' }),
      400,
      'Value must be a floating point number',
    );
    assert.deepEqual(await spOk(K67A3C, et, T0, 0.001), { ts: T0, val: 0.001 });
    await assertApiError(() => post(K67A3C, et, { ts: T0, val: 0.001 }), 409);
    assert.equal((await bulkSeries(K67A3C, et, T0, 60, [0.001, 0.003, 0.002, 0.003, 0.001])).length, 5);
    assert.deepEqual(await read(a, K67A3C, et, 'averages', '86400'), [{ ts: DAY, val: 0.002 }]);
    assert.deepEqual(await read(a, K67A3C, et, 'aggregations', '86400'), [{ ts: DAY, val: 0.01 }]);
  });

  test('float truncation is visible (archive-api.md: Summaries)', async () => {
    const et = 'time-error-estimates';
    const ts = T0 + 100000;
    for (const [i, [v, want]] of (
      [
        [0.000124, 0.0001],
        [0.57, 0.5699],
        [0.0029, 0.0028],
        ['1e-3', 0.001],
      ] as const
    ).entries()) {
      await post(K67A3C, et, { ts: ts + i, val: v });
      assert.deepEqual(await read(a, K67A3C, et, 'base', undefined, `time=${ts + i}`), [{ ts: ts + i, val: want }]);
    }
    for (const v of [NaN, Infinity, 'nan', 'inf', '-Infinity', true, null, {}, [], '']) {
      await assertApiError(
        () => post(K67A3C, et, { ts: ts + 50, val: v }),
        400,
        'Value must be a floating point number',
      );
    }
  });

  test('json (item 31)', async () => {
    assert.deepEqual(await spOk(F6B73, 'failures', T0, { error: 'error1' }), { ts: T0, val: { error: 'error1' } });
    const data = [1, 2, 3, 4].map((n) => ({ error: `error${n}` }));
    const got = await bulkSeries(F6B73, 'failures', T0, 7200, data);
    assert.deepEqual(
      got.map((p) => p.val),
      data,
    );
  });

  test('percentage (item 32)', async () => {
    const et = 'packet-loss-rate';
    const cases: Array<[unknown, string]> = [
      ['bad input', "Missing required field 'numerator'"],
      [{}, "Missing required field 'numerator'"],
      [{ numerator: 10 }, "Missing required field 'denominator'"],
      [{ denominator: 10 }, "Missing required field 'numerator'"],
      [{ numerator: 'bad', denominator: 'bad' }, "The field 'numerator' must be an integer"],
      [{ numerator: 10, denominator: 'bad' }, "The field 'denominator' must be an integer"],
      [{ numerator: 10, denominator: 0 }, "The field 'denominator' must be greater than 0"],
      [{ numerator: -1, denominator: 10 }, "The field 'numerator' cannot be negative"],
      [{ numerator: 'bad', denominator: 10 }, "The field 'numerator' must be an integer"],
      [{ numerator: true, denominator: 10 }, "The field 'numerator' must be an integer"],
      [null, "Missing required field 'numerator'"],
    ];
    for (const [val, msg] of cases) await assertApiError(() => post(K67A3C, et, { ts: T0, val }), 400, msg);
    assert.equal((await spOk(K67A3C, et, T0, { numerator: 4, denominator: 100 }))?.ts, T0);
    await assertApiError(() => post(K67A3C, et, { ts: T0, val: { numerator: 4, denominator: 100 } }), 409);
    const data = [
      { numerator: 4, denominator: 100 },
      { numerator: 50, denominator: 200 },
      { numerator: '1', denominator: '10' },
      { numerator: 15, denominator: 40 },
    ];
    assert.equal((await bulkSeries(K67A3C, et, T0, 60, data)).length, 4);
    assert.deepEqual(await read(a, K67A3C, et, 'base'), [
      { ts: T0, val: 0.04 },
      { ts: T0 + 60, val: 0.25 },
      { ts: T0 + 120, val: 0.1 },
      { ts: T0 + 180, val: 0.375 },
    ]);
    // archive-api.md: Summaries: ratio of sums over the bin
    assert.deepEqual(await read(a, K67A3C, et, 'aggregations', '3600'), [
      { ts: Math.floor(T0 / 3600) * 3600, val: 0.2 },
    ]);
    assert.deepEqual(await read(a, K67A3C, et, 'aggregations', '86400'), [{ ts: DAY, val: 0.2 }]);
    // numerator > denominator is allowed
    await post(K67A3C, et, { ts: T0 + 600, val: { numerator: 3, denominator: 2 } });
  });

  test('subinterval (item 33)', async () => {
    const et = 'throughput-subintervals';
    const cases: Array<[unknown, string]> = [
      ['bad input', "Interval must contain 'start' field at position 1"],
      [{}, 'Invalid subintervals provided'],
      [[], 'Invalid subintervals provided'],
      [[{}], "Interval must contain 'start' field at position 1"],
      [[{ duration: 1, val: 1 }], "Interval must contain 'start' field at position 1"],
      [[{ start: 1, val: 1 }], "Interval must contain 'duration' field at position 1"],
      [[{ duration: 1, start: 1 }], "Interval must contain 'val' field at position 1"],
      [[{ duration: 'bad', start: 1, val: 1 }], "Subinterval 'start' and 'duration' must be floating point numbers"],
      [[{ duration: 1, start: 'bad', val: 1 }], "Subinterval 'start' and 'duration' must be floating point numbers"],
      [
        [
          { duration: 1, start: 0, val: 1 },
          { start: 1, val: 2 },
        ],
        "Interval must contain 'duration' field at position 2",
      ],
      [[5], 'Invalid subintervals provided'],
      [null, 'Invalid subintervals provided'],
    ];
    for (const [val, msg] of cases) await assertApiError(() => post(F6B73, et, { ts: T0, val }), 400, msg);
    const sub = (n: number) =>
      Array.from({ length: 6 }, (_, i) => ({
        duration: '1.000080',
        start: `${i}.000000`,
        val: String(1331580000 + n + i),
      }));
    assert.deepEqual(await spOk(F6B73, et, T0, sub(0)), { ts: T0, val: sub(0) });
    assert.equal((await bulkSeries(F6B73, et, T0, 7200, [sub(0), sub(1), sub(2)])).length, 3);
    // re-post overwrites, no 409
    await post(F6B73, et, { ts: T0, val: sub(9) });
    assert.deepEqual(await read(a, F6B73, et, 'base', undefined, `time=${T0}`), [{ ts: T0, val: sub(9) }]);
  });

  test('histogram (item 34), correct aggregation and statistics', async () => {
    const et = 'histogram-rtt';
    await assertApiError(
      () => post(K67A3C, et, { ts: T0, val: { '41.0': 'bad', '42.2': 20 } }),
      400,
      'Value of histogram must be an integer',
    );
    for (const v of ['x', null, [1], 5])
      await assertApiError(() => post(K67A3C, et, { ts: T0, val: v }), 400, 'Invalid histogram provided');
    const hist0 = { '41.00': 98, '41.10': 2 };
    const hist2 = { '41.10': 96, '41.20': 3, '50.0': 1 };
    assert.deepEqual(await spOk(K67A3C, et, T0, hist0), { ts: T0, val: hist0 });
    assert.equal((await bulkSeries(K67A3C, et, T0, 600, [hist0, hist0, hist2])).length, 3);
    assert.deepEqual(await read(a, K67A3C, et, 'aggregations', '86400'), [
      { ts: DAY, val: { '41.00': 196, '41.10': 100, '41.20': 3, '50.0': 1 } },
    ]);
    const [stats] = await read(a, K67A3C, et, 'statistics', '86400');
    const s = stats?.val as Record<string, number | number[]>;
    close(s['mean'], 41.065333333333335);
    close(s['median'], 41.0);
    close(s['variance'], 0.2694648888888889);
    close(s['standard-deviation'], 0.5191000759862099);
    assert.deepEqual(s['mode'], [41.0]);
    // statistics/0 is per point
    const perPoint = await read(a, K67A3C, et, 'statistics', '0');
    assert.equal(perPoint.length, 3);
    close((perPoint[2]?.val as Record<string, number>)['mean'], (41.1 * 96 + 41.2 * 3 + 50 * 1) / 100);
    // a non-numeric bucket makes statistics {} and lands in the aggregation
    await post(K67A3C, et, { ts: T0 + 1000, val: { test: 100 } });
    assert.deepEqual(await read(a, K67A3C, et, 'statistics', '86400'), [{ ts: DAY, val: {} }]);
    const [agg] = await read(a, K67A3C, et, 'aggregations', '86400');
    assert.equal((agg?.val as Record<string, number>)['test'], 100);
  });

  test('odd histogram bucket names survive (no prototype keys)', async () => {
    const et = 'histogram-ttl';
    const ts = T0 + 86400 * 5;
    const val = JSON.parse('{"__proto__": 3, "constructor": 2, "10": 1}') as Record<string, number>;
    await post(K67A3C, et, { ts, val });
    const [got] = await read(a, K67A3C, et, 'base', undefined, `time=${ts}`);
    assert.deepEqual(Object.entries(got?.val as object).sort(), [
      ['10', 1],
      ['__proto__', 3],
      ['constructor', 2],
    ]);
    assert.equal(JSON.stringify(got?.val), '{"10":1,"__proto__":3,"constructor":2}');
    assert.deepEqual(await read(a, K67A3C, et, 'statistics', '0', `time=${ts}`), [{ ts, val: {} }]);
  });

  test('floats beyond the 64-bit fixed-point range are rejected', async () => {
    for (const val of [1e300, -1e16, '1e20']) {
      await assertApiError(
        () => post(K67A3C, 'time-error-estimates', { ts: T0 + 5, val }),
        400,
        'Value must be a floating point number',
      );
    }
  });

  test('histogram re-post overwrites without double counting', async () => {
    const et = 'histogram-rtt';
    const ts = T0 + 86400 * 3;
    const bin = Math.floor(ts / 86400) * 86400;
    await post(K67A3C, et, { ts, val: { '10': 5 } });
    await post(K67A3C, et, { ts: ts + 60, val: { '10': 1, '11': 1 } });
    await post(K67A3C, et, { ts, val: { '12': 7 } });
    assert.deepEqual(await read(a, K67A3C, et, 'base', undefined, `time=${ts}`), [{ ts, val: { '12': 7 } }]);
    assert.deepEqual(await read(a, K67A3C, et, 'aggregations', '86400', `time=${bin}`), [
      { ts: bin, val: { '10': 1, '11': 1, '12': 7 } },
    ]);
    const [s0] = await read(a, K67A3C, et, 'statistics', '0', `time=${ts}`);
    assert.equal((s0?.val as Record<string, number>)['mean'], 12);
    const [sd] = await read(a, K67A3C, et, 'statistics', '86400', `time=${bin}`);
    close((sd?.val as Record<string, number>)['mean'], (10 + 11 + 12 * 7) / 9);
    // the same inside one bulk request: last one wins, bin stays exact
    await a.svc.bulkWrite(
      K67A3C,
      {
        data: [
          { ts, val: [{ 'event-type': et, val: { '1': 1 } }] },
          { ts, val: [{ 'event-type': et, val: { '2': 2 } }] },
        ],
      },
      a.ctx(undefined, NOW),
    );
    assert.deepEqual(await read(a, K67A3C, et, 'aggregations', '86400', `time=${bin}`), [
      { ts: bin, val: { '10': 1, '11': 1, '2': 2 } },
    ]);
  });

  test('time-updated is the write clock on every row of the event type (archive-api.md: Writing)', async () => {
    await post(K67A3C, 'packet-count-sent', { ts: T0, val: 100 }, 1_750_000_123);
    const m = await a.svc.getMetadata(K67A3C, new URLSearchParams(), a.ctx(undefined, NOW));
    const sent = m['event-types'].find((e) => e['event-type'] === 'packet-count-sent');
    assert.equal(sent?.['time-updated'], 1_750_000_123);
    const loss = m['event-types'].find((e) => e['event-type'] === 'packet-loss-rate');
    assert.ok(loss?.summaries.every((s) => s['time-updated'] === NOW));
    const hits = await a.svc.searchMetadata(new URLSearchParams('time=1750000123'), a.ctx(undefined, NOW));
    assert.deepEqual(
      hits.body.map((x) => x['metadata-key']),
      [K67A3C],
    );
    // a rejected write does not touch time-updated
    await assertApiError(() => post(K67A3C, 'packet-count-sent', { ts: T0 + 1, val: 'x' }, 1_760_000_000), 400);
    const again = await a.svc.searchMetadata(new URLSearchParams('time=1760000000'), a.ctx(undefined, NOW));
    assert.deepEqual(again.body, []);
  });

  test('unknown key / unregistered event type: 201 no-op but the value is still validated', async () => {
    await post('nosuchkey', 'throughput', { ts: T0, val: 5 });
    await post(F6B73, 'histogram-rtt', { ts: T0, val: { '1': 1 } });
    assert.deepEqual(await read(a, 'nosuchkey', 'throughput'), []);
    assert.deepEqual(await read(a, F6B73, 'histogram-rtt'), []);
    await assertApiError(() => post('nosuchkey', 'throughput', { ts: T0, val: 'x' }), 400, 'Value must be an integer');
    await assertApiError(() => post(F6B73, 'histogram-rtt', { ts: T0, val: 'x' }), 400, 'Invalid histogram provided');
    await bulk('nosuchkey', { data: [{ ts: T0, val: [{ 'event-type': 'throughput', val: 5 }] }] });
    await assertApiError(
      () => bulk('nosuchkey', { data: [{ ts: T0, val: [{ 'event-type': 'throughput', val: [] }] }] }),
      400,
    );
  });
});

describe('single-point request checks (archive-api.md: Writing)', () => {
  let a: TestArchive;
  let key = '';
  before(async () => {
    a = await openTestArchive({ resolver: false });
    key = await createKey(a, {
      'subject-type': 'point-to-point',
      source: '10.0.0.1',
      destination: '10.0.0.2',
      'measurement-agent': '10.0.0.3',
      'event-types': [{ 'event-type': 'throughput' }, { 'event-type': 'packet-trace' }],
    });
  });
  after(() => a.close());
  const post = (body: unknown, et = 'throughput', seg = 'base') => a.svc.writePoint(key, et, seg, body, a.ctx());

  test('messages in order', async () => {
    await assertApiError(() => post({ val: 1 }), 400, 'Required field ts not provided in request');
    await assertApiError(() => post('x'), 400, 'Required field ts not provided in request');
    await assertApiError(() => post(null), 400, 'Required field ts not provided in request');
    await assertApiError(() => post([1]), 400, 'Required field ts not provided in request');
    for (const ts of ['12.5', 'abc', null, true, false, {}, [], '', 1e300, NaN, -1e20]) {
      await assertApiError(() => post({ ts, val: 1 }), 400, 'Time must be a unix timestamp');
    }
    await assertApiError(() => post({ ts: 1 }), 400, 'Required field val not provided in request');
    await assertApiError(() => post({ ts: 1, val: 1 }, 'nonexistent'), 400, 'Invalid event type nonexistent');
    await assertApiError(() => post({ ts: 1, val: 1 }, 'throughput', 'bogus'), 400, 'Invalid summary type bogus');
    await assertApiError(
      () => post({ ts: 1, val: 1 }, 'throughput', 'constructor'),
      400,
      'Invalid summary type constructor',
    );
    await assertApiError(
      () => post({ ts: 1, val: 1 }, 'throughput', 'averages'),
      400,
      'Only base summary-type allowed for writing. Cannot use averages',
    );
  });

  test('ts and integer parsing follow Python int()', async () => {
    await post({ ts: '1392238294', val: '1000000000' });
    await post({ ts: 60.9, val: 7.9 });
    await post({ ts: ' +61 ', val: ' +5 ' });
    await post({ ts: 62, val: -3 });
    assert.deepEqual(await read(a, key, 'throughput', 'base', undefined, 'time-end=100'), [
      { ts: 60, val: 7 },
      { ts: 61, val: 5 },
      { ts: 62, val: -3 },
    ]);
    assert.deepEqual(await read(a, key, 'throughput', 'base', undefined, 'time=1392238294'), [
      { ts: 1392238294, val: 1000000000 },
    ]);
    for (const val of ['1.5', 'abc', '', true, null, {}, [], 1e30]) {
      await assertApiError(() => post({ ts: 70, val }), 400, 'Value must be an integer');
    }
    await assertApiError(() => post({ ts: 60.2, val: 1 }), 409);
  });

  test('json accepts any value including null', async () => {
    for (const [i, val] of [null, 5, 'text', [1, { a: 2 }], { nested: { x: [] } }].entries()) {
      await post({ ts: 100 + i, val }, 'packet-trace');
    }
    assert.deepEqual(
      (await read(a, key, 'packet-trace', 'base', undefined, 'time-start=100&time-end=104')).map((p) => p.val),
      [null, 5, 'text', [1, { a: 2 }], { nested: { x: [] } }],
    );
  });
});

describe('bulk writes (archive-api.md: Writing)', () => {
  let a: TestArchive;
  let key = '';
  before(async () => {
    a = await openTestArchive({ resolver: false });
    key = await createKey(a, {
      'subject-type': 'point-to-point',
      source: '10.0.0.1',
      destination: '10.0.0.2',
      'measurement-agent': '10.0.0.3',
      'tool-name': 'bwctl/iperf3',
      'input-source': 'host1.example.net',
      'input-destination': 'host2.example.net',
      'event-types': [
        { 'event-type': 'throughput', summaries: [{ 'summary-type': 'aggregation', 'summary-window': 3600 }] },
        { 'event-type': 'streams-packet-retransmits' },
      ],
    });
  });
  after(() => a.close());
  const bulk = (body: unknown) => a.svc.bulkWrite(key, body, a.ctx());

  test('post flow of item 43', async () => {
    await a.svc.writePoint(key, 'throughput', 'base', { ts: 60, val: 6000 }, a.ctx());
    assert.deepEqual(await read(a, key, 'throughput'), [{ ts: 60, val: 6000 }]);
    await assertApiError(() => a.svc.writePoint(key, 'throughput', 'base', { ts: 60, val: 6000 }, a.ctx()), 409);
    await bulk(ITEM43_BULK);
    assert.deepEqual(await read(a, key, 'throughput'), [
      { ts: 60, val: 6000 },
      { ts: 90, val: 9000 },
      { ts: 120, val: 12000 },
    ]);
    assert.deepEqual(await read(a, key, 'streams-packet-retransmits'), [
      { ts: 60, val: 4 },
      { ts: 90, val: 0 },
    ]);
    await assertApiError(() => bulk({ data: [{ ts: 90, val: [{ 'event-type': 'throughput', val: 9000 }] }] }), 409);
    assert.deepEqual(await read(a, key, 'throughput', 'aggregations', '3600'), [{ ts: 0, val: 27000 }]);
  });

  test('structure messages with 1-based positions and trailing spaces', async () => {
    const cases: Array<[unknown, string]> = [
      [{}, "Request must contain 'data' element"],
      [[], "Request must contain 'data' element"],
      [null, "Request must contain 'data' element"],
      [{ data: {} }, "The 'data' element must be an array"],
      [{ data: [{ ts: 1, val: [] }, { val: [] }] }, 'Missing ts field in provided data list at position 2'],
      [{ data: ['x'] }, 'Missing ts field in provided data list at position 1'],
      [{ data: [{ ts: 1 }] }, 'Missing val field in provided data list at position 1'],
      [{ data: [{ ts: 1, val: {} }] }, "'val' field must be an array in provided data list at position 1"],
      [{ data: [{ ts: 'x', val: [] }] }, 'Time must be a unix timestamp'],
      [
        { data: [{ ts: 1, val: [{ 'event-type': 'throughput', val: 1 }, { val: 1 }] }] },
        'Missing event-type field at data item 1 in value 2 ',
      ],
      [{ data: [{ ts: 1, val: [5] }] }, 'Missing event-type field at data item 1 in value 1 '],
      [
        {
          data: [
            { ts: 1, val: [] },
            { ts: 2, val: [{ 'event-type': 'throughput' }] },
          ],
        },
        'Missing val field at data item 2 in value 1 ',
      ],
      [{ data: [{ ts: 1, val: [{ 'event-type': 'bogus', val: 1 }] }] }, 'Invalid event type bogus'],
      [{ data: [{ ts: 1, val: [{ 'event-type': 7, val: 1 }] }] }, 'Invalid event type 7'],
      [{ data: [{ ts: 1, val: [{ 'event-type': { a: [1.5] }, val: 1 }] }] }, "Invalid event type {'a': [1.5]}"],
      // An integer past 2^53 arrives as a BigInt: echoed with all its digits, not a server error.
      [
        { data: [{ ts: 1, val: [{ 'event-type': 12345678901234567890n, val: 1 }] }] },
        'Invalid event type 12345678901234567890',
      ],
      [{ data: [{ ts: 1, val: [{ 'event-type': 'throughput', val: 'x' }] }] }, 'Value must be an integer'],
    ];
    for (const [body, msg] of cases) await assertApiError(() => bulk(body), 400, msg);
  });

  test('a rejected request stores nothing (validated whole, one transaction)', async () => {
    const before = await read(a, key, 'throughput');
    await assertApiError(
      () =>
        bulk({
          data: [
            {
              ts: 1000,
              val: [
                { 'event-type': 'throughput', val: 1 },
                { 'event-type': 'streams-packet-retransmits', val: 1 },
              ],
            },
            { ts: 1001, val: [{ 'event-type': 'throughput', val: 'bad' }] },
          ],
        }),
      400,
      'Value must be an integer',
    );
    assert.deepEqual(await read(a, key, 'throughput'), before);
    assert.deepEqual(await read(a, key, 'streams-packet-retransmits', 'base', undefined, 'time=1000'), []);
    // a duplicate inside one request is a 409 for integer types, and nothing is stored
    await assertApiError(
      () =>
        bulk({
          data: [
            { ts: 2000, val: [{ 'event-type': 'throughput', val: 1 }] },
            { ts: 2000, val: [{ 'event-type': 'throughput', val: 2 }] },
          ],
        }),
      409,
      'Time series value already exists with event type throughput at time 2000',
    );
    assert.deepEqual(await read(a, key, 'throughput', 'base', undefined, 'time=2000'), []);
    // json: last one wins
    await bulk({
      data: [
        { ts: 2000, val: [{ 'event-type': 'streams-packet-retransmits', val: 'first' }] },
        { ts: 2000, val: [{ 'event-type': 'streams-packet-retransmits', val: 'second' }] },
      ],
    });
    assert.deepEqual(await read(a, key, 'streams-packet-retransmits', 'base', undefined, 'time=2000'), [
      { ts: 2000, val: 'second' },
    ]);
  });
});

describe('data read parameters (archive-api.md: Reading data)', () => {
  let a: TestArchive;
  let key = '';
  const N = 3205;
  before(async () => {
    a = await openTestArchive({ resolver: false });
    key = await createKey(a, {
      'subject-type': 'network-element',
      source: '10.0.0.1',
      'measurement-agent': '10.0.0.1',
      'event-types': [
        { 'event-type': 'packet-count-sent', summaries: [{ 'summary-type': 'average', 'summary-window': 300 }] },
      ],
    });
    const data = Array.from({ length: N }, (_, i) => ({
      ts: 1000 + i * 10,
      val: [{ 'event-type': 'packet-count-sent', val: i }],
    }));
    await a.svc.bulkWrite(key, { data }, a.ctx());
  });
  after(() => a.close());
  const page = (query: string, now = 1_400_000_000, seg = 'base', w?: string) =>
    a.svc.readData(
      key,
      'packet-count-sent',
      seg,
      w,
      new URLSearchParams(query),
      a.ctx(`/perfsonar/archive/${key}/packet-count-sent/${seg}?${query}`, now),
    );

  test('default page of 1500 with a DRF next link', async () => {
    const p = await page('');
    const pts = await collect(p.points);
    assert.equal(pts.length, 1500);
    assert.deepEqual(pts[0], { ts: 1000, val: 0 });
    assert.equal(
      p.link,
      `<http://testserver/perfsonar/archive/${key}/packet-count-sent/base?limit=1500&offset=1500>; rel="next"`,
    );
    const last = await page('offset=3000');
    assert.equal((await collect(last.points)).length, N - 3000);
    assert.equal(
      last.link,
      `<http://testserver/perfsonar/archive/${key}/packet-count-sent/base?limit=1500&offset=1500>; rel="prev"`,
    );
    assert.equal((await collect((await page('limit=1000&offset=3000&time-start=0')).points)).length, N - 3000);
    assert.equal(
      (await collect((await page('limit=2500')).points)).length,
      2500,
      'chunked streaming crosses chunk boundaries',
    );
  });

  test('points are produced lazily and can be iterated again', async () => {
    const p = await page('limit=5');
    const it = p.points[Symbol.asyncIterator]();
    assert.deepEqual(((await it.next()).value as readonly unknown[] | undefined)?.[0], { ts: 1000, val: 0 });
    assert.equal((await collect(p.points)).length, 5);
  });

  test('bad limit/offset fall back to the defaults', async () => {
    assert.equal((await collect((await page('limit=abc')).points)).length, 1500);
    assert.equal((await collect((await page('limit=0')).points)).length, 1500);
    assert.deepEqual(
      (await collect((await page('limit=2&offset=-5')).points)).map((x) => x.ts),
      [1000, 1010],
    );
    assert.deepEqual(
      (await collect((await page('limit=2&offset=x')).points)).map((x) => x.ts),
      [1000, 1010],
    );
  });

  test('time windows (archive-api.md: Reading data)', async () => {
    const ts = async (q: string, now?: number) => (await collect((await page(q, now)).points)).map((x) => x.ts);
    assert.deepEqual(await ts('time=1010'), [1010]);
    assert.deepEqual(await ts('time-start=1010&time-end=1030'), [1010, 1020, 1030]);
    assert.deepEqual(await ts('time-start=1010&time-range=10'), [1010, 1020]);
    assert.deepEqual(await ts('time-end=1030&time-range=10'), [1020, 1030]);
    assert.deepEqual(await ts('time-end=1010'), [1000, 1010]);
    // default end is now: future points are hidden; time-start extends to now+3600
    assert.deepEqual(await ts('', 1015), [1000, 1010]);
    assert.deepEqual(await ts('time-start=1000', 1000 - 3600 + 25), [1000, 1010, 1020]);
    // time-range alone: [now − range, now + 3600]
    assert.deepEqual(await ts('time-range=10', 1015 - 3600), [1000, 1010]);
    assert.deepEqual(await ts('time-range=15&limit=3', 1030), [1020, 1030, 1040], 'open end is now + 3600, past now');
  });

  test('validation order and messages (archive-api.md: Reading data)', async () => {
    const r = (et: string, seg: string, w: string | undefined, q = '') =>
      a.svc.readData(key, et, seg, w, new URLSearchParams(q), a.ctx());
    await assertApiError(() => r('bogus', 'nope', 'x', 'time=x'), 400, "Unsupported event type 'bogus' provided");
    await assertApiError(
      () => r('streams-retransmits', 'base', undefined),
      400,
      "Unsupported event type 'streams-retransmits' provided",
    );
    await assertApiError(() => r('throughput', 'nope', 'x', 'time=x'), 400, "Invalid summary type 'nope'");
    await assertApiError(
      () => r('throughput', 'hasOwnProperty', undefined),
      400,
      "Invalid summary type 'hasOwnProperty'",
    );
    await assertApiError(
      () => r('throughput', 'averages', 'x', 'time=x'),
      400,
      'Summary window parameter must be an integer',
    );
    await assertApiError(() => r('throughput', 'averages', '1.5'), 400, 'Summary window parameter must be an integer');
    await assertApiError(() => r('throughput', 'averages', '300', 'time=x'), 400, 'Time parameter must be an integer');
    await assertApiError(
      () => r('throughput', 'base', undefined, 'time-start=5&time-end=4'),
      400,
      'Requested start time must be less than end time',
    );
    await assertApiError(() => r('throughput', 'base', undefined, 'time-start=99999999999999'), 400);
    await assertApiError(
      () => r('throughput', 'base', undefined, 'time-end=1e5'),
      400,
      'Time parameter must be an integer',
    );
    // not registered → []
    assert.deepEqual(await collect((await r('throughput', 'base', undefined)).points), []);
    assert.deepEqual(await collect((await r('packet-count-sent', 'averages', '3600')).points), []);
    assert.deepEqual(await collect((await r('packet-count-sent', 'base', '300')).points), []);
  });

  test('summary bins and base/0', async () => {
    const avg = await collect((await page('time-end=1590', undefined, 'averages', '300')).points);
    // bins [900,1200) holds ts 1000..1190 → i 0..19; [1200,1500) → i 20..49
    assert.deepEqual(avg.slice(0, 2), [
      { ts: 900, val: 9.5 },
      { ts: 1200, val: 34.5 },
    ]);
    assert.deepEqual(
      (await collect((await page('limit=3', undefined, 'base', '0')).points)).map((x) => x.ts),
      [1000, 1010, 1020],
    );
  });
});
