import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { plainPointJson, pointEncoder } from '../../../src/archive/point-json.js';
import { cellValue } from '../../../src/archive/series.js';
import type { SeriesCell } from '../../../src/archive/storage/store.js';
import type { DataType } from '../../../src/model/event-types.js';

/** The plain path: the point object, then JSON.stringify (lossless-json for a BigInt). */
function plain(dataType: DataType, summaryType: string, cell: SeriesCell): string {
  return plainPointJson({ ts: cell.ts, val: cellValue(dataType, summaryType, cell) });
}

const ts = fc.integer({ min: -1e10, max: 1e10 });
const int64 = fc
  .bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n })
  .map((b) => (Number.isSafeInteger(Number(b)) ? Number(b) : b));
const num = fc.oneof(int64, fc.double(), fc.integer(), fc.constant(null));
const den = fc.oneof(fc.nat(), fc.double(), fc.constant(0), fc.constant(null));
const bucket = fc.oneof(fc.string(), fc.constantFrom('10', '0', '34.4', '__proto__', '-1', '4294967295', '007'));
const pairs = fc.array(fc.tuple(bucket, fc.oneof(fc.integer(), fc.double())), { maxLength: 8 });
const stats = fc.dictionary(bucket, fc.oneof(fc.double(), fc.integer(), fc.array(bucket, { maxLength: 3 })), {
  maxKeys: 6,
});

const numericCell = fc.record({ ts, num, den, doc: fc.constant(null), out: fc.constant(null) });
const histogramCell = fc.record({
  ts,
  num: fc.constant(null),
  den: fc.constant(null),
  doc: fc.option(pairs.map((p) => JSON.stringify(p))),
  out: fc.option(stats.map((s) => JSON.stringify(s))),
});
const jsonCell = fc.record({
  ts,
  num: fc.constant(null),
  den: fc.constant(null),
  doc: fc.option(fc.json()),
  out: fc.constant(null),
});

describe('data point JSON: the fast encoder writes exactly the plain path text', () => {
  for (const dataType of ['integer', 'float', 'percentage'] as const) {
    test(dataType, () => {
      fc.assert(
        fc.property(numericCell, fc.constantFrom('base', 'aggregation', 'average'), (cell, summaryType) => {
          assert.equal(pointEncoder(dataType, summaryType)(cell), plain(dataType, summaryType, cell));
        }),
        { numRuns: 2000 },
      );
    });
  }
  test('histogram (base, aggregation, statistics)', () => {
    fc.assert(
      fc.property(histogramCell, fc.constantFrom('base', 'aggregation', 'statistics'), (cell, summaryType) => {
        assert.equal(pointEncoder('histogram', summaryType)(cell), plain('histogram', summaryType, cell));
      }),
      { numRuns: 2000 },
    );
  });
  test('histogram base from stored text in any form: copied where exact, else parsed', () => {
    // Keys of any code unit (escapes, controls, surrogates), repeats, counts from 0 to 16 digits
    // and past; the stored text as the archive writes it, or respaced, or with hand-written numbers.
    const key = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 6 }),
      fc.string({ unit: 'grapheme', maxLength: 4 }),
      fc.constantFrom('20.02', '10', 'a\\b', 'q"', '\u2028', 'µs', '\ud83d\ude00', 'x\udc00'),
    );
    const count = fc.oneof(
      fc.integer({ min: -1000, max: 1000 }),
      fc.constantFrom(0, -0, 1e15 - 1, 1e15, 2 ** 53, 1e21, 0.5, NaN),
      fc.bigInt({ min: -(10n ** 17n), max: 10n ** 17n }).map(Number),
    );
    const spelling = fc.constantFrom(
      (d: string) => d,
      (d: string) => d.replaceAll(',', ', '),
      (d: string) => ` ${d}`,
      (d: string) => d.replace(/,(\d+)\]/, ',$1.0]'),
      (d: string) => d.replace(/,(\d+)\]/, ',-0]'),
      (d: string) => d.replace(/,(\d+)\]/, ',0$1]'),
      (d: string) => d.replace(/,(\d+)\]/, ',$1e0]'),
      // A lone surrogate stored as itself, not escaped as JSON.stringify writes it.
      (d: string) => d.replace(/\\u(d[89a-f][0-9a-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))),
    );
    const doc = fc
      .tuple(fc.array(fc.tuple(fc.oneof(key, fc.constant('10')), count), { maxLength: 40 }), spelling)
      .map(([p, spell]) => spell(JSON.stringify(p)));
    fc.assert(
      fc.property(doc, (text) => {
        const cell: SeriesCell = { ts: 7, num: null, den: null, doc: text, out: null };
        // Text that is no JSON at all (a leading zero) throws on both paths.
        const outcome = (write: () => string): string => {
          try {
            return write();
          } catch (err) {
            return `throws ${err instanceof SyntaxError}`;
          }
        };
        assert.equal(
          outcome(() => pointEncoder('histogram', 'base')(cell)),
          outcome(() => plain('histogram', 'base', cell)),
        );
      }),
      { numRuns: 3000 },
    );
  });
  test('json and subinterval values take the plain path', () => {
    fc.assert(
      fc.property(jsonCell, fc.constantFrom('json', 'subinterval') as fc.Arbitrary<DataType>, (cell, dataType) => {
        assert.equal(pointEncoder(dataType, 'base')(cell), plain(dataType, 'base', cell));
      }),
      { numRuns: 500 },
    );
  });
  test('a stored integer past 2^53 keeps its exact digits', () => {
    const cell: SeriesCell = { ts: 1, num: 2n ** 62n + 1n, den: null, doc: null, out: null };
    assert.equal(pointEncoder('integer', 'base')(cell), '{"ts":1,"val":4611686018427387905}');
  });
});
