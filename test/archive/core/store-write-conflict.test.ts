// A write batch meeting a point already stored, straight against each store (the service checks
// first, so only a concurrent writer gets here): the outcome names the first stored point in lock
// order, and nothing of the batch is written, for plain appends (PostgreSQL: a COPY) and
// for appends feeding a summary (PostgreSQL: a transaction).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ArchiveStore, SeriesCell, SeriesWrite, SeriesWriteBatch } from '../../../src/archive/storage/store.js';
import { openTestStore, testStores } from '../../helpers/stores.js';

const cell = (ts: number, num: number): SeriesCell => ({ ts, num, den: null, doc: null, out: null });

/** A write of `stamps` into `base`; with `sum`, a count summary (window 100) folded alongside. */
function write(base: number, stamps: number[], sum?: number): SeriesWrite {
  return {
    baseSeriesId: base,
    cells: stamps.map((ts) => cell(ts, ts % 7)),
    replace: false,
    summaries: sum === undefined ? [] : [{ seriesId: sum, window: 100 }],
    fold: (_summary, bin, previous, cells) => cell(bin, Number(previous?.num ?? 0) + cells.length),
  };
}

const batch = (...writes: SeriesWrite[]): SeriesWriteBatch => ({ writes, touch: [], now: 1_700_000_000 });

for (const kind of testStores()) {
  describe(`write conflicts on the ${kind} store`, () => {
    let store: ArchiveStore;
    let cleanup: () => Promise<void> = async () => undefined;
    before(async () => {
      ({ store, cleanup } = await openTestStore(kind, 'write-conflict'));
    });
    after(async () => {
      await store.close();
      await cleanup();
    });

    const stamps = async (series: number): Promise<number[]> =>
      (await store.readCells(series, 0, 1e9, 0, 1000)).map((c) => c.ts);

    test('plain appends: the first stored point is named, nothing of the batch is written', async () => {
      assert.deepEqual(await store.writeSeries(batch(write(11, [10, 20, 30]), write(12, [10]))), { ok: true });
      const outcome = await store.writeSeries(batch(write(12, [40, 50]), write(11, [5, 20, 30, 40])));
      assert.deepEqual(outcome, { ok: false, conflict: { baseSeriesId: 11, ts: 20 } });
      assert.deepEqual(await stamps(11), [10, 20, 30]);
      assert.deepEqual(await stamps(12), [10]);
    });

    test('appends feeding a summary: the same, and the summary keeps its count', async () => {
      assert.deepEqual(await store.writeSeries(batch(write(21, [100, 150, 210], 22))), { ok: true });
      const outcome = await store.writeSeries(batch(write(21, [120, 210, 220], 22)));
      assert.deepEqual(outcome, { ok: false, conflict: { baseSeriesId: 21, ts: 210 } });
      assert.deepEqual(await stamps(21), [100, 150, 210]);
      assert.deepEqual(
        (await store.readCells(22, 0, 1e9, 0, 10)).map((c) => [c.ts, Number(c.num)]),
        [
          [100, 2],
          [200, 1],
        ],
      );
    });
  });
}
