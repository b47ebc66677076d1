/**
 * The cell writer thread against the plain insert, as properties: a job run by the worker on
 * its own connection stores what one INSERT per cell on the store's connection stores (same
 * storage classes) and reports the same first stored ts; a conflicting job of a group is undone
 * alone. And a store whose plain writes go to the worker answers and stores what a store
 * without one does, for groups that mix them with summaries and replacements.
 * @module
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openArchiveDatabase } from '../../../src/archive/storage/sqlite-schema.js';
import { insertNewCellsOneByOne } from '../../../src/archive/storage/sqlite-cell-insert.js';
import { MIN_JOB_CELLS, SqliteCellWriter, type CellJob } from '../../../src/archive/storage/sqlite-cell-writer.js';
import { openSqliteStore } from '../../../src/archive/storage/sqlite.js';
import { createArchiveService } from '../../../src/archive/service.js';
import type { SeriesCell } from '../../../src/archive/storage/store.js';
import type { RequestContext } from '../../../src/archive/types.js';

const num = fc.oneof(
  fc.integer({ min: -1_000_000, max: 1_000_000 }),
  fc.maxSafeInteger(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);

/** A job's cells: ascending unique ts with values. */
const cellsArb = fc
  .tuple(
    fc.uniqueArray(fc.integer({ min: 0, max: 600 }), { maxLength: 300 }),
    fc.array(num, { minLength: 300, maxLength: 300 }),
  )
  .map(([ts, values]) => [...ts].sort((a, b) => a - b).map((t, i) => ({ ts: t, num: values[i] as number })));

function rowsOf(db: Database.Database, series: number): unknown[] {
  return db
    .prepare('SELECT ts, num, typeof(num), den, doc, out FROM cells WHERE series_id = ? ORDER BY ts')
    .raw()
    .all(series);
}

test('the cell writer thread stores what one insert per cell stores and reports the same conflict', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cell-writer-'));
  const path = join(dir, 'archive.sqlite');
  const db = openArchiveDatabase(path);
  const writer = new SqliteCellWriter(path);
  let run = 0;
  try {
    await fc.assert(
      fc.asyncProperty(
        fc.array(cellsArb, { minLength: 1, maxLength: 3 }),
        fc.uniqueArray(fc.integer({ min: 0, max: 600 }), { maxLength: 40 }),
        async (jobsCells, storedTs) => {
          run++;
          // Each job its own series (with stored cells and neighbours on either side).
          const series = jobsCells.map((_, j) => run * 100 + j * 10 + 7);
          const put = db.prepare('INSERT INTO cells (series_id, ts, num) VALUES (?, ?, ?)');
          const plain = openArchiveDatabase(':memory:');
          const plainPut = plain.prepare('INSERT INTO cells (series_id, ts, num) VALUES (?, ?, ?)');
          for (const s of series) {
            for (const ts of storedTs) {
              put.run(s, ts, -1);
              plainPut.run(s, ts, -1);
            }
            for (const n of [s - 1, s + 1]) {
              put.run(n, 5, 1);
              plainPut.run(n, 5, 1);
            }
          }
          const jobs: CellJob[] = jobsCells.map((cells, j) => ({
            writes: [
              {
                series: series[j] as number,
                ts: Float64Array.from(cells, (c) => c.ts),
                num: Float64Array.from(cells, (c) => c.num),
              },
            ],
            touch: [],
            now: 0,
          }));
          const results = await writer.run(jobs);
          try {
            jobsCells.forEach((cells, j) => {
              const s = series[j] as number;
              const full: SeriesCell[] = cells.map((c) => ({ ...c, den: null, doc: null, out: null }));
              const taken = plain.transaction(() => {
                const t = insertNewCellsOneByOne((text) => plain.prepare(text), s, full);
                if (t !== undefined) throw Object.assign(new Error('conflict'), { taken: t });
              });
              let plainTaken: number | undefined;
              try {
                taken();
              } catch (err) {
                plainTaken = (err as { taken: number }).taken;
              }
              const expected =
                plainTaken === undefined ? { ok: true } : { ok: false, conflict: { baseSeriesId: s, ts: plainTaken } };
              assert.deepEqual(results[j], { ok: true, value: expected });
              // A conflicting job is undone alone; the plain side rolled back too.
              assert.deepEqual(rowsOf(db, s), rowsOf(plain, s));
              for (const n of [s - 1, s + 1]) assert.deepEqual(rowsOf(db, n), rowsOf(plain, n));
            });
          } finally {
            plain.close();
          }
        },
      ),
      { numRuns: 60 },
    );
  } finally {
    await writer.close();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

const CTX: RequestContext = {
  requestUrl: new URL('http://testserver/perfsonar/archive/'),
  prefix: '',
  now: 1_500_000_000,
};
const METADATA = {
  'subject-type': 'point-to-point',
  source: '10.0.0.1',
  destination: '10.0.0.2',
  'measurement-agent': '10.0.0.1',
  'tool-name': 'cell-writer-test',
  'event-types': [
    { 'event-type': 'packet-count-sent' },
    { 'event-type': 'throughput', summaries: [{ 'summary-type': 'aggregation', 'summary-window': 60 }] },
    { 'event-type': 'pscheduler-raw' },
  ],
};

/** A small request's points: plain integers, summarised ones, JSON ones (replaced), big ones. */
const smallRequest = fc.array(
  fc.record({
    ts: fc.integer({ min: 1_000, max: 1_600 }),
    val: fc.uniqueArray(
      fc.oneof(
        fc.record({
          'event-type': fc.constant('packet-count-sent'),
          val: fc.oneof(fc.nat(1000), fc.constant(2n ** 60n)),
        }),
        fc.record({ 'event-type': fc.constant('throughput'), val: fc.nat(1000) }),
        fc.record({ 'event-type': fc.constant('pscheduler-raw'), val: fc.jsonValue({ maxDepth: 1 }) }),
      ),
      { maxLength: 3, selector: (e) => e['event-type'] },
    ),
  }),
  { maxLength: 20 },
);

/** A bulk request of plain integers, large enough for the cell writer (sometimes with a big one, which is not). */
const bulkRequest = fc
  .tuple(fc.integer({ min: 1_000, max: 1_400 }), fc.integer({ min: MIN_JOB_CELLS - 10, max: 400 }), fc.boolean())
  .map(([first, n, big]) =>
    Array.from({ length: n }, (_, i) => ({
      ts: first + i,
      val: [{ 'event-type': 'packet-count-sent', val: big && i === 7 ? 2n ** 60n : (first * 7 + i) % 1000 }],
    })),
  );

const request = fc.oneof(smallRequest, bulkRequest);

test('a store with the cell writer answers and stores what a store without one does', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cell-writer-store-'));
  let run = 0;
  try {
    await fc.assert(
      fc.asyncProperty(fc.array(request, { minLength: 1, maxLength: 6 }), async (requests) => {
        run++;
        // A file store has the writer; an in-memory one writes everything on its own connection.
        const stores = [openSqliteStore(join(dir, `${run}.sqlite`)), openSqliteStore(':memory:')];
        const results = await Promise.all(
          stores.map(async (store) => {
            const svc = createArchiveService(store, { resolver: false });
            try {
              const key = (await svc.createMetadata(METADATA, CTX)).metadata['metadata-key'];
              // All at once: they meet in the same groups, as concurrent requests do.
              const answers = await Promise.all(
                requests.map((data, i) =>
                  // Each its own clock: the time-updated a row ends with tells which write touched it last.
                  svc.bulkWrite(key, { data }, { ...CTX, now: CTX.now + i }).then(
                    (n) => ({ stored: n }),
                    (err: unknown) => ({ error: err instanceof Error ? err.message : String(err) }),
                  ),
                ),
              );
              const rows = await store.writeRows(key);
              const cells = await Promise.all(rows.map((r) => store.readCells(r.seriesId, 0, 10_000, 0, 10_000)));
              return { answers, rows, cells };
            } finally {
              await svc.close();
            }
          }),
        );
        assert.deepEqual(results[0], results[1]);
      }),
      { numRuns: 25 },
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
