/**
 * The scanned bulk write (a body of the usual shape read from its bytes, no JSON.parse) against
 * the plain one (`parseDataJson` + `bulkWrite`), as properties: for random bodies, spelled in
 * many ways and full of near misses (escapes, floats, big and negative numbers, unknown or
 * undeclared types, repeated or falling or stored timestamps, extra keys, other key orders),
 * both give the same answer (points stored, or the same error) and leave the same rows; and a
 * body the scanner accepts holds exactly the points `JSON.parse` finds.
 * @module
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { LosslessNumber, stringify as stringifyLossless } from 'lossless-json';
import { parseDataJson } from '../../../src/archive/body.js';
import { scanBulkBody } from '../../../src/archive/bulk-body-scan.js';
import { createArchiveService } from '../../../src/archive/service.js';
import { openSqliteStore } from '../../../src/archive/storage/sqlite.js';
import type { ArchiveStore } from '../../../src/archive/storage/store.js';
import { ApiError, type ArchiveService, type RequestContext } from '../../../src/archive/types.js';

const CTX: RequestContext = {
  requestUrl: new URL('http://testserver/perfsonar/archive/'),
  prefix: '',
  now: 1_500_000_000,
};

/** Declared: two integer types (one with a summary), a float, a percentage and a histogram type. */
const METADATA = {
  'subject-type': 'point-to-point',
  source: '10.0.0.1',
  destination: '10.0.0.2',
  'measurement-agent': '10.0.0.1',
  'tool-name': 'scan-test',
  'event-types': [
    { 'event-type': 'packet-count-sent' },
    { 'event-type': 'throughput', summaries: [{ 'summary-type': 'aggregation', 'summary-window': 300 }] },
    { 'event-type': 'ntp-delay' },
    { 'event-type': 'packet-loss-rate' },
    { 'event-type': 'histogram-owdelay' },
  ],
};
/** The declared ones, one valid but undeclared, and one unknown. */
const EVENT_TYPES = [...METADATA['event-types'].map((e) => e['event-type']), 'packet-rtt', 'no-such-type'];

/** A JSON number written as given (lossless-json writes its text as is). */
const numberText = (text: string): LosslessNumber => new LosslessNumber(text);

const value: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 12, arbitrary: fc.integer({ min: -5, max: 1_000_000 }) },
  { weight: 2, arbitrary: fc.maxSafeInteger() },
  { weight: 2, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }) },
  { weight: 2, arbitrary: fc.bigInt({ min: -(2n ** 64n), max: 2n ** 64n }) },
  {
    weight: 2,
    arbitrary: fc
      .constantFrom(
        '-0',
        '1.0',
        '1e3',
        '1E+2',
        '2.5e-1',
        '9007199254740991',
        '9007199254740993',
        '-9007199254740992',
        '1e15',
        '0.0',
      )
      .map(numberText),
  },
  { weight: 1, arbitrary: fc.constantFrom('12', null, true, { numerator: 1, denominator: 4 }, { '10': 2 }, []) },
);

const timestamp: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 12, arbitrary: fc.integer({ min: 1_000, max: 1_060 }) },
  { weight: 1, arbitrary: fc.constantFrom(253402300799, 253402300800, -62135596800, -62135596801, 0) },
  { weight: 1, arbitrary: fc.constantFrom('1001', 1001.5, null).map((v) => v) },
  { weight: 1, arbitrary: fc.constantFrom('-0', '1.002e3', '1003.0').map(numberText) },
);

const entry = fc.record({ 'event-type': fc.constantFrom(...EVENT_TYPES), val: value });
const item = fc.record({ ts: timestamp, val: fc.array(entry, { maxLength: 5 }) });
const items = fc.array(item, { maxLength: 12 });

/** Bodies of the usual kind: declared integer and float types, rising timestamps, plain numbers. */
const cleanItems = fc.uniqueArray(fc.integer({ min: 1_000, max: 1_100 }), { maxLength: 12 }).chain((ts) =>
  fc.tuple(
    ...[...ts]
      .sort((x, y) => x - y)
      .map((t) =>
        fc.record({
          ts: fc.constant(t),
          val: fc.uniqueArray(
            fc.record({
              'event-type': fc.constantFrom('packet-count-sent', 'throughput', 'ntp-delay'),
              val: fc.oneof(fc.integer({ min: -1000, max: 10 ** 12 }), fc.double({ min: -1e6, max: 1e6, noNaN: true })),
            }),
            { maxLength: 3, selector: (e) => e['event-type'] },
          ),
        }),
      ),
  ),
);

/** How a body is spelled: whitespace, key order, and a few rarer forms. */
const spelling = fc.record({
  indent: fc.constantFrom(undefined, 0, 1, '\t'),
  python: fc.boolean(),
  mutation: fc.constantFrom(
    'none',
    'none',
    'none',
    'escape',
    'swap-keys',
    'extra-key',
    'trailing',
    'unicode',
    'bom',
    'truncate',
  ),
});

type Spelling = typeof spelling extends fc.Arbitrary<infer T> ? T : never;

/** The body text of `items` spelled as `s` says (some spellings are not JSON at all). */
function bodyText(items: unknown[], s: Spelling): string {
  let text = stringifyLossless({ data: items }, undefined, s.indent) ?? '';
  // Python's json.dumps: ", " and ": " (no string here holds either).
  if (s.python) text = text.replace(/,/g, ', ').replace(/:/g, ': ');
  switch (s.mutation) {
    case 'escape':
      return text.replace('"packet-count-sent"', '"packet\\u002dcount-sent"');
    case 'swap-keys':
      return text.replace(/\{"event-type":("[^"]*"),"val":([^{}[\]]*)\}/, '{"val":$2,"event-type":$1}');
    case 'extra-key':
      return text.replace('"ts"', '"x":1,"ts"');
    case 'trailing':
      return `${text} \n`;
    case 'unicode':
      return text.replace('"throughput"', '"thr\u00f6ughput"');
    case 'bom':
      return `\ufeff${text}`;
    case 'truncate':
      return text.slice(0, Math.max(0, text.length - 3));
    default:
      return text;
  }
}

/** The answer of a write: points stored, or the error's status and message. */
async function outcome(write: () => Promise<number>): Promise<unknown> {
  try {
    return { stored: await write() };
  } catch (err) {
    if (err instanceof ApiError) return { status: err.status, detail: err.detail };
    throw err;
  }
}

interface Archive {
  svc: ArchiveService;
  store: ArchiveStore;
  key: string;
}

/** A throw-away archive with {@link METADATA} and the points `before`. */
async function openArchive(before: unknown[]): Promise<Archive> {
  const store = openSqliteStore(':memory:');
  const svc = createArchiveService(store, { resolver: false });
  const key = (await svc.createMetadata(METADATA, CTX)).metadata['metadata-key'];
  if (before.length > 0) await svc.bulkWrite(key, { data: before }, CTX);
  return { svc, store, key };
}

/** Every row of the metadata (time-updated, last ts) with every cell of its series. */
async function dump({ store, key }: Archive): Promise<unknown> {
  const rows = await store.writeRows(key);
  return Promise.all(rows.map(async (r) => [r, await store.readCells(r.seriesId, -(2 ** 53), 2 ** 53, 0, 1_000_000)]));
}

test('a scanned bulk write answers and stores what the plain bulk write does', async () => {
  // Points stored beforehand, in the range of the bodies' timestamps: some bodies meet them.
  const stored = fc.array(
    fc.record({
      ts: fc.integer({ min: 1_000, max: 1_100 }),
      val: fc.array(
        fc.record({ 'event-type': fc.constantFrom('packet-count-sent', 'throughput', 'ntp-delay'), val: fc.nat(100) }),
        { maxLength: 3 },
      ),
    }),
    { maxLength: 6 },
  );
  let written = 0;
  await fc.assert(
    fc.asyncProperty(fc.oneof(items, cleanItems), spelling, stored, async (body, s, before) => {
      // Points stored beforehand must not clash among themselves: one per (type, ts).
      const seen = new Set<string>();
      const earlier = before.map((b) => ({
        ts: b.ts,
        val: b.val.filter((e) => !seen.has(`${e['event-type']} ${b.ts}`) && seen.add(`${e['event-type']} ${b.ts}`)),
      }));
      const text = bodyText(body, s);
      const bytes = Buffer.from(text, 'utf8');
      const fast = await openArchive(earlier);
      const plain = await openArchive(earlier);
      try {
        const a = await outcome(() => fast.svc.bulkWriteBody(fast.key, 'application/json', bytes, CTX));
        const b = await outcome(() => plain.svc.bulkWrite(plain.key, parseDataJson('application/json', bytes), CTX));
        assert.deepEqual(a, b, text);
        assert.deepEqual(await dump(fast), await dump(plain), text);
        if (scanBulkBody(bytes) !== undefined && (a as { stored?: number }).stored) written++;
      } finally {
        await fast.svc.close();
        await plain.svc.close();
      }
    }),
    { numRuns: 400 },
  );
  // Scanned bodies that stored points must be common, or the fast side was hardly tried.
  assert.ok(written > 50, `only ${written} scanned bodies stored points`);
});

/** The points of a parsed body grouped as the scanner groups them (types in first-seen order). */
function grouped(parsed: unknown): Array<{ eventType: string; ts: number[]; values: unknown[] }> {
  const series = new Map<string, { eventType: string; ts: number[]; values: unknown[] }>();
  for (const it of (parsed as { data: Array<{ ts: number; val: Array<Record<string, unknown>> }> }).data) {
    for (const e of it.val) {
      const eventType = e['event-type'] as string;
      let s = series.get(eventType);
      if (!s) series.set(eventType, (s = { eventType, ts: [], values: [] }));
      s.ts.push(it.ts + 0);
      s.values.push(e['val']);
    }
  }
  return [...series.values()];
}

test('a body the scanner accepts holds exactly the points JSON.parse reads', () => {
  let accepted = 0;
  fc.assert(
    fc.property(fc.oneof(items, cleanItems), spelling, (items, s) => {
      const text = bodyText(items, s);
      const scanned = scanBulkBody(Buffer.from(text, 'utf8'));
      if (scanned === undefined) return;
      accepted++;
      assert.deepEqual(scanned.series, grouped(parseDataJson('application/json', Buffer.from(text, 'utf8'))), text);
    }),
    { numRuns: 2000 },
  );
  // The generator must reach the scanner's accepting side often, or this checks nothing.
  assert.ok(accepted > 200, `only ${accepted} bodies accepted`);
});

test('the scanner gives up on what it cannot vouch for', () => {
  const refused = [
    '{"data":[{"ts":1,"val":[{"event-type":"throughput","val":9007199254740993}]}]}',
    '{"data":[{"ts":1,"val":[{"event-type":"throughput","val":1}]},{"ts":1,"val":[{"event-type":"throughput","val":2}]}]}',
    '{"data":[{"ts":2,"val":[{"event-type":"throughput","val":1}]},{"ts":1,"val":[{"event-type":"throughput","val":2}]}]}',
    '{"data":[{"ts":1.5,"val":[]}]}',
    '{"data":[{"ts":253402300800,"val":[]}]}',
    '{"data":[{"ts":1,"val":[{"event-type":"thr\\u006fughput","val":1}]}]}',
    '{"data":[{"val":[],"ts":1}]}',
    '{"data":[],"data":[]}',
    '{"data":[]} x',
    '{"data":[{"ts":01,"val":[]}]}',
    '{"data":[{"ts":1,"val":[{"event-type":"throughput","val":1,}]}]}',
  ];
  for (const text of refused) assert.equal(scanBulkBody(Buffer.from(text)), undefined, text);
  assert.deepEqual(scanBulkBody(Buffer.from(' {"data" : [ ] } ')), { series: [] });
});

test('a body meeting stored points of two types names the first one in body order, as the plain write does', async () => {
  const before = [
    { ts: 1005, val: [{ 'event-type': 'packet-count-sent', val: 1 }] },
    { ts: 1002, val: [{ 'event-type': 'throughput', val: 1 }] },
  ];
  const data = [1001, 1002, 1003, 1004, 1005, 1006].map((ts) => ({
    ts,
    val: [
      { 'event-type': 'packet-count-sent', val: 2 },
      { 'event-type': 'throughput', val: 2 },
    ],
  }));
  const body = Buffer.from(JSON.stringify({ data }));
  const archive = await openArchive(before);
  try {
    assert.deepEqual(await outcome(() => archive.svc.bulkWriteBody(archive.key, 'application/json', body, CTX)), {
      status: 409,
      detail: 'Time series value already exists with event type throughput at time 1002',
    });
  } finally {
    await archive.svc.close();
  }
});
