/**
 * The metadata JSON text written straight from a stored record (what a search answer sends)
 * equals `JSON.stringify` of the object rendering, for any record: odd names and values,
 * parameters that collide with fixed keys or look like array indices, unsorted rows, null and
 * odd numbers, any mount prefix and host, with and without the page keys of a first element.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { renderMetadata } from '../../../src/archive/metadata-json.js';
import { metadataTextWriter, type PageKeys } from '../../../src/archive/metadata-text.js';
import type { StoredMetadata, StoredSubject } from '../../../src/archive/storage/store.js';
import type { RequestContext } from '../../../src/archive/types.js';

/** Any text, with the characters JSON escapes (quotes, controls, lone surrogates) made likely. */
const text = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 8 }),
  fc.string({
    unit: fc.constantFrom('a', '"', '\\', '\u0000', '\n', '\u001f', '\ud800', '\udc00', '\u2028', '/', 'é'),
    maxLength: 6,
  }),
  fc.constantFrom('throughput', 'packet-loss-rate', 'histogram-owdelay', 'failures'),
);

/** Names that collide with what the rendering writes itself, or that JSON.stringify reorders. */
const name = fc.oneof(
  text,
  fc.constantFrom(
    'uri',
    'url',
    'metadata-key',
    'subject-type',
    'event-types',
    'source',
    'tool-name',
    '__proto__',
    'constructor',
    'toString',
    '0',
    '42',
    '007',
    '4294967295',
    '-1',
    'metadata-count-total',
    'metadata-previous-page',
    'metadata-next-page',
  ),
);

const subject: fc.Arbitrary<StoredSubject> = fc.record(
  {
    source: text,
    destination: text,
    'measurement-agent': text,
    'tool-name': text,
    'input-source': text,
    'input-destination': text,
  },
  { requiredKeys: ['source', 'measurement-agent', 'tool-name', 'input-source'] },
);

const row = fc.record({
  seriesId: fc.nat(),
  eventType: fc.oneof(fc.constantFrom('throughput', 'failures', 'packet-trace'), text),
  summaryType: fc.oneof(fc.constantFrom('base', 'aggregation', 'average', 'statistics'), text),
  window: fc.oneof(fc.constantFrom(0, 300, 3600, 86400), fc.integer(), fc.double()),
  timeUpdated: fc.oneof(fc.constant(null), fc.integer({ min: 0, max: 2 ** 40 }), fc.double()),
});

const metadata: fc.Arbitrary<StoredMetadata> = fc.record({
  id: fc.nat(),
  key: text,
  subjectType: fc.oneof(fc.constantFrom('point-to-point', 'network-element'), text),
  subject,
  parameters: fc.array(fc.tuple(name, text), { maxLength: 6 }),
  eventTypes: fc.array(row, { maxLength: 8 }),
});

const context: fc.Arbitrary<RequestContext> = fc
  .record({
    prefix: fc.oneof(
      fc.constantFrom('/esmond', '', '/a"b', '/\u00e9\ud83d\ude00'),
      text.map((t) => `/${t}`),
    ),
    host: fc.constantFrom('127.0.0.1:8080', 'archive.example.net', '[::1]:9', 'xn--bcher-kva.example'),
    https: fc.boolean(),
  })
  .map(({ prefix, host, https }) => ({
    requestUrl: new URL(`${https ? 'https' : 'http'}://${host}/esmond/perfsonar/archive/?a=1`),
    prefix,
    now: 1_700_000_000,
  }));

const pageKeys: fc.Arbitrary<PageKeys | undefined> = fc.option(
  fc.record({
    'metadata-count-total': fc.nat(),
    'metadata-previous-page': fc.option(text, { nil: null }),
    'metadata-next-page': fc.option(text, { nil: null }),
  }),
  { nil: undefined },
);

/** What the search wrote before: the object form with the page keys set on it, stringified. */
function plain(ctx: RequestContext, m: StoredMetadata, page: PageKeys | undefined): string {
  const wire = renderMetadata(ctx, m);
  if (page) Object.assign(wire, page);
  return JSON.stringify(wire);
}

test('metadata JSON text equals JSON.stringify of the rendered object, for any record', () => {
  fc.assert(
    fc.property(context, metadata, pageKeys, (ctx, m, page) => {
      assert.equal(metadataTextWriter(ctx)(m, page), plain(ctx, m, page));
    }),
    { numRuns: 3000 },
  );
});

test('a typical perfSONAR metadata matches, with and without page keys, which come last', () => {
  const ctx: RequestContext = {
    requestUrl: new URL('http://127.0.0.1:8085/esmond/perfsonar/archive/'),
    prefix: '/esmond',
    now: 1_700_000_000,
  };
  const m: StoredMetadata = {
    id: 7,
    key: '0a1b2c',
    subjectType: 'point-to-point',
    subject: {
      source: '10.0.0.1',
      destination: '10.0.0.2',
      'measurement-agent': '10.0.0.1',
      'tool-name': 'pscheduler/iperf3',
      'input-source': 'a.example.net',
      'input-destination': 'b.example.net',
    },
    parameters: [
      ['time-duration', '20'],
      ['ip-transport-protocol', 'tcp'],
    ],
    eventTypes: [
      { seriesId: 3, eventType: 'throughput', summaryType: 'average', window: 86400, timeUpdated: 1_700_000_000 },
      { seriesId: 1, eventType: 'throughput', summaryType: 'base', window: 0, timeUpdated: 1_700_000_001 },
      { seriesId: 2, eventType: 'failures', summaryType: 'base', window: 0, timeUpdated: null },
    ],
  };
  const page: PageKeys = {
    'metadata-count-total': 3,
    'metadata-previous-page': null,
    'metadata-next-page': 'http://x/?a=1',
  };
  const write = metadataTextWriter(ctx);
  assert.equal(write(m), plain(ctx, m, undefined));
  assert.equal(write(m, page), plain(ctx, m, page));
  const parsed = JSON.parse(write(m, page)) as Record<string, unknown>;
  assert.deepEqual(Object.keys(parsed).slice(-4), [
    'uri',
    'metadata-count-total',
    'metadata-previous-page',
    'metadata-next-page',
  ]);
});
