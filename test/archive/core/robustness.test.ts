import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { openFixtureArchive, type TestArchive } from './helpers.js';
import { ApiError } from '../../../src/archive/types.js';
import { EVENT_TYPE_NAMES } from '../../../src/model/event-types.js';

const KEY = '67a3c298de0b4237abee56b879e03587';

/** Runs `fn`; any throw must be an ApiError with a 4xx status. */
async function only4xx(fn: () => unknown): Promise<void> {
  try {
    const r = fn();
    if (r instanceof Promise) await r;
    else if (r && typeof r === 'object' && 'points' in r) Array.from((r as { points: Iterable<unknown> }).points);
  } catch (e) {
    assert.ok(e instanceof ApiError, `non-ApiError thrown: ${String(e)}`);
    assert.ok(e.status >= 400 && e.status < 500, `status ${e.status}`);
  }
}

const names = fc.oneof(
  fc.constantFrom(...EVENT_TYPE_NAMES, 'streams-retransmits', '__proto__', 'constructor', ''),
  fc.string(),
);
const segments = fc.oneof(
  fc.constantFrom('base', 'aggregations', 'averages', 'statistics', 'toString', '__proto__'),
  fc.string(),
);
const numbersAsText = fc.oneof(
  fc.integer().map(String),
  fc.double().map(String),
  fc.constantFrom('', ' 5 ', '+5', '-0', '1e3', '1_000', 'NaN', 'Infinity', '99999999999999999999999', '0x10'),
  fc.string(),
);
const params = fc
  .array(
    fc.tuple(
      fc.constantFrom(
        'time',
        'time-start',
        'time-end',
        'time-range',
        'limit',
        'offset',
        'summary-window',
        'event-type',
        'summary-type',
        'source',
        'destination',
        'measurement-agent',
        'dns-match-rule',
        'tool-name',
        'x',
      ),
      numbersAsText,
    ),
    { maxLength: 5 },
  )
  .map((pairs) => new URLSearchParams(pairs));
const values = fc.oneof(
  fc.jsonValue(),
  fc.constantFrom(NaN, Infinity, -Infinity, 1e308, -1e308, true, false, null, '1e-3', {
    numerator: '1',
    denominator: '0',
  }),
  fc.dictionary(fc.string(), fc.oneof(fc.integer(), fc.string(), fc.boolean(), fc.constant(null))),
  fc.array(fc.record({ start: numbersAsText, duration: numbersAsText, val: fc.jsonValue() }, { requiredKeys: [] })),
);

describe('malformed input never escapes as a non-ApiError (never 5xx)', () => {
  let a: TestArchive;
  before(async () => {
    a = await openFixtureArchive({ resolver: async () => undefined });
  });
  after(() => a.close());
  const ctx = () => a.ctx('/perfsonar/archive/?x=1');

  test('single writes', async () => {
    await fc.assert(
      fc.asyncProperty(
        names,
        segments,
        fc.record({ ts: fc.oneof(fc.jsonValue(), numbersAsText), val: values }, { requiredKeys: [] }),
        async (et, seg, body) => {
          await only4xx(() => a.svc.writePoint(KEY, et, seg, body, ctx()));
        },
      ),
      { numRuns: 1500 },
    );
  });

  test('bulk writes', async () => {
    const entry = fc.record({ 'event-type': names, val: values }, { requiredKeys: [] });
    const item = fc.record(
      {
        ts: fc.oneof(fc.integer({ min: 0, max: 2e9 }), numbersAsText),
        val: fc.oneof(fc.array(entry, { maxLength: 4 }), fc.jsonValue()),
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.record({ data: fc.array(item, { maxLength: 4 }) }), fc.jsonValue()),
        async (body) => {
          await only4xx(() => a.svc.bulkWrite(KEY, body, ctx()));
        },
      ),
      { numRuns: 1500 },
    );
  });

  test('metadata creation', async () => {
    const summary = fc.record(
      {
        'summary-type': fc.oneof(fc.constantFrom('aggregation', 'average', 'statistics', 'base'), fc.string()),
        'summary-window': fc.oneof(fc.jsonValue(), numbersAsText),
      },
      { requiredKeys: [] },
    );
    const et = fc.record(
      { 'event-type': names, summaries: fc.oneof(fc.array(summary, { maxLength: 3 }), fc.jsonValue()) },
      { requiredKeys: [] },
    );
    const body = fc.record(
      {
        'subject-type': fc.oneof(fc.constantFrom('point-to-point', 'network-element'), fc.jsonValue()),
        source: fc.oneof(fc.constantFrom('10.0.0.1', '::1', '2001:0400::3', 'host'), fc.jsonValue()),
        destination: fc.oneof(fc.constantFrom('10.0.0.2', '::2'), fc.jsonValue()),
        'measurement-agent': fc.oneof(fc.constantFrom('10.0.0.3'), fc.jsonValue()),
        'tool-name': fc.jsonValue(),
        'event-types': fc.oneof(fc.array(et, { maxLength: 3 }), fc.jsonValue()),
        extra: fc.jsonValue(),
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(fc.oneof(body, fc.jsonValue()), async (b) => {
        await only4xx(() => a.svc.createMetadata(b, ctx()));
      }),
      { numRuns: 1500 },
    );
  });

  test('programmatic callers: BigInt and cyclic values are 400s', async () => {
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    for (const val of [10n, cyclic, [cyclic], { a: 1n }]) {
      await only4xx(() => a.svc.writePoint(KEY, 'failures', 'base', { ts: 1, val }, ctx()));
      await only4xx(() => a.svc.writePoint(KEY, 'throughput', 'base', { ts: 10n, val }, ctx()));
      await only4xx(() => a.svc.createMetadata({ 'subject-type': 'point-to-point', 'event-types': [], x: val }, ctx()));
    }
    await assert.rejects(async () => a.svc.writePoint(KEY, 'failures', 'base', { ts: 1, val: cyclic }, ctx()), {
      status: 400,
    });
  });

  test('reads and searches', async () => {
    await fc.assert(
      fc.asyncProperty(names, segments, fc.option(numbersAsText, { nil: undefined }), params, async (et, seg, w, q) => {
        await only4xx(() => a.svc.readData(KEY, et, seg, w, q, ctx()));
        await only4xx(() => a.svc.searchMetadata(q, ctx()));
        await only4xx(() => a.svc.getMetadata(KEY, q, ctx()));
        await only4xx(() => a.svc.summaryListing(KEY, et, seg, ctx()));
        await only4xx(() => a.svc.eventTypeDetail(KEY, et, ctx()));
      }),
      { numRuns: 1500 },
    );
  });
});
