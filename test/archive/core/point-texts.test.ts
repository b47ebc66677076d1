// The point texts of a data page (iteratePointTexts: written by the store itself, or copied from a
// stored histogram's text) against the plain path (readCells, each cell's point object through
// JSON.stringify), on each real store: random series of every stored shape an integer series, a
// histogram or its statistics can hold, read through random windows, give the same text, chunk
// boundaries included.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { iteratePointTexts, plainPointJson } from '../../../src/archive/point-json.js';
import { cellValue } from '../../../src/archive/series.js';
import type { ArchiveStore, SeriesCell } from '../../../src/archive/storage/store.js';
import type { DataType } from '../../../src/model/event-types.js';
import { openTestStore, testStores } from '../../helpers/stores.js';

const int64 = fc
  .bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n })
  .map((b) => (Number.isSafeInteger(Number(b)) ? Number(b) : b));
/** Whole doubles around 2^53, where a REAL stops being an exact integer. */
const wholeDouble = fc.integer({ min: 40, max: 62 }).chain((e) => fc.constantFrom(2 ** e, -(2 ** e), 2 ** e + 2));
const num = fc.oneof(
  int64,
  fc.integer(),
  wholeDouble,
  fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e15, max: 1e15 }),
  fc.constant(null),
);
const bucket = fc.oneof(fc.string(), fc.constantFrom('10', '0', '34.4', 'percentile-25', '007', 'mode'));
const stats = fc.dictionary(bucket, fc.oneof(fc.double({ noNaN: true }), fc.integer(), fc.array(bucket)), {
  maxKeys: 6,
});
const out = fc.option(stats.map((s) => JSON.stringify(s)));
/** A base histogram as stored: its pairs' JSON (copied to object text when exact, else parsed). */
const doc = fc.option(
  fc
    .array(fc.tuple(bucket, fc.oneof(fc.integer({ min: -1000, max: 1e6 }), fc.double({ noNaN: true }))), {
      maxLength: 8,
    })
    .map((pairs) => JSON.stringify(pairs)),
);

/** Up to `most` cells at distinct ascending ts (past 1 000: more than one read chunk). */
function series(value: fc.Arbitrary<Omit<SeriesCell, 'ts'>>, most = 2500): fc.Arbitrary<SeriesCell[]> {
  return fc
    .integer({ min: 0, max: most })
    .chain((n) => fc.array(value, { minLength: n, maxLength: n }))
    .map((vals) => vals.map((v, i) => ({ ...v, ts: 1_000 + i * 10 - (i % 3) })));
}

const shapes: Array<{ dataType: DataType; summaryType: string; cells: fc.Arbitrary<SeriesCell[]> }> = [
  {
    dataType: 'integer',
    summaryType: 'base',
    cells: series(fc.record({ num, den: fc.constant(null), doc: fc.constant(null), out: fc.constant(null) })),
  },
  {
    dataType: 'integer',
    summaryType: 'aggregation',
    cells: series(fc.record({ num, den: fc.nat(), doc: fc.constant(null), out: fc.constant(null) })),
  },
  {
    dataType: 'histogram',
    summaryType: 'base',
    cells: series(fc.record({ num: fc.constant(null), den: fc.constant(null), doc, out: fc.constant(null) }), 1200),
  },
  {
    dataType: 'histogram',
    summaryType: 'statistics',
    cells: series(fc.record({ num: fc.constant(null), den: fc.constant(null), doc: fc.constant(null), out }), 1200),
  },
];

const windows = fc.record({
  from: fc.integer({ min: 0, max: 5_000 }),
  to: fc.integer({ min: 0, max: 30_000 }),
  skip: fc.integer({ min: 0, max: 1500 }),
  take: fc.integer({ min: 1, max: 3000 }),
});

for (const kind of testStores()) {
  describe(`point texts written by the ${kind} store equal the plain path`, () => {
    let store: ArchiveStore;
    let cleanup: () => Promise<void> = async () => undefined;
    before(async () => {
      ({ store, cleanup } = await openTestStore(kind, 'point-texts'));
    });
    after(async () => {
      await store.close();
      await cleanup();
    });

    shapes.forEach(({ dataType, summaryType, cells }, seriesId) => {
      test(`${dataType} ${summaryType}`, async () => {
        await fc.assert(
          fc.asyncProperty(cells, windows, async (stored, range) => {
            await store.replaceSeries(seriesId, stored);
            const got: string[] = [];
            for await (const chunk of iteratePointTexts(store, { seriesId, dataType, summaryType }, range)) {
              got.push(...chunk);
            }
            const cellsRead = await store.readCells(seriesId, range.from, range.to, range.skip, range.take);
            const want = cellsRead.map((c) => plainPointJson({ ts: c.ts, val: cellValue(dataType, summaryType, c) }));
            assert.deepEqual(got, want);
          }),
          { numRuns: kind === 'postgres' ? 20 : 40 },
        );
      });
    });

    test('a whole-number REAL and an integer past 2^53 are written by the store itself, exactly', async () => {
      const big: SeriesCell = { ts: 2, num: 2n ** 62n + 1n, den: null, doc: null, out: null };
      await store.replaceSeries(99, [{ ts: 1, num: 600, den: null, doc: null, out: null }, big]);
      assert.deepEqual(await store.readPointTexts(99, 0, 10, 0, 10, 'integer'), [
        '{"ts":1,"val":600}',
        '{"ts":2,"val":4611686018427387905}',
      ]);
    });
  });
}
