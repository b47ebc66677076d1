/**
 * The bulk-write fast paths of the SQLite store and the body parser against their plain forms,
 * as properties: multi-row cell INSERTs against one INSERT per cell (same conflict, same rows,
 * same stored types), and a data body read by JSON.parse when no number is past 2^53 against
 * the lossless parse of every body.
 * @module
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type Database from 'better-sqlite3';
import { parse as parseLossless, stringify as stringifyLossless } from 'lossless-json';
import { parseDataJson } from '../../../src/archive/body.js';
import { openArchiveDatabase } from '../../../src/archive/storage/sqlite-schema.js';
import { insertNewCells, insertNewCellsOneByOne } from '../../../src/archive/storage/sqlite-cell-insert.js';
import type { SeriesCell } from '../../../src/archive/storage/store.js';

/** A fresh archive database and its statement cache (as the store keeps one). */
function freshDatabase(): { db: Database.Database; sql: (text: string) => Database.Statement } {
  const db = openArchiveDatabase(':memory:');
  const cache = new Map<string, Database.Statement>();
  const sql = (text: string): Database.Statement => {
    let s = cache.get(text);
    if (!s) cache.set(text, (s = db.prepare(text)));
    return s;
  };
  return { db, sql };
}

/** Every stored row with the storage class of each value column. */
function dump(db: Database.Database): unknown[] {
  return db
    .prepare(`SELECT series_id, ts, num, typeof(num), den, typeof(den), doc, out FROM cells ORDER BY series_id, ts`)
    .raw()
    .all();
}

const numValue = fc.oneof(
  fc.integer({ min: -1_000_000, max: 1_000_000 }),
  fc.maxSafeInteger(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
  fc.constant(null),
);

/** A cell of a numeric series: mostly num alone, sometimes the other columns too. */
const cellValues = fc.record({
  num: numValue,
  den: fc.option(fc.integer({ min: 1, max: 1000 }), { nil: null, freq: 4 }),
  doc: fc.option(fc.string(), { nil: null, freq: 8 }),
  out: fc.option(fc.string(), { nil: null, freq: 8 }),
});

test('multi-row cell inserts store what one insert per cell stores and report the same conflict', () => {
  fc.assert(
    fc.property(
      fc.uniqueArray(fc.integer({ min: 0, max: 2000 }), { maxLength: 400 }),
      fc.uniqueArray(fc.integer({ min: 0, max: 2000 }), { maxLength: 60 }),
      fc.array(cellValues, { minLength: 400, maxLength: 400 }),
      (newTs, storedTs, values) => {
        const cells: SeriesCell[] = [...newTs]
          .sort((a, b) => a - b)
          .map((ts, i) => ({ ts, ...(values[i] as Omit<SeriesCell, 'ts'>) }));
        const outcomes = [insertNewCells, insertNewCellsOneByOne].map((insert) => {
          const { db, sql } = freshDatabase();
          try {
            const put = db.prepare('INSERT INTO cells (series_id, ts, num) VALUES (?, ?, ?)');
            for (const ts of storedTs) put.run(7, ts, -1);
            // A neighbour series on either side: no batch may spill into it.
            put.run(6, 5, 1);
            put.run(8, 5, 1);
            const taken = db.transaction(() => insert(sql, 7, cells))();
            return { taken, rows: dump(db) };
          } finally {
            db.close();
          }
        });
        const [fast, plain] = outcomes;
        assert.equal(fast?.taken, plain?.taken);
        // On a conflict the caller rolls its transaction back; without one, the rows must match.
        if (plain?.taken === undefined) assert.deepEqual(fast?.rows, plain?.rows);
      },
    ),
    { numRuns: 150 },
  );
});

const INTEGER = /^-?\d+$/;

/** The plain reading of a data body: every number through the lossless parser. */
function plainData(text: string): unknown {
  return parseLossless(text, null, {
    parseNumber: (t) => {
      if (!INTEGER.test(t)) return Number(t);
      const n = Number(t);
      return Number.isSafeInteger(n) ? n : BigInt(t);
    },
    onDuplicateKey: ({ newValue }) => newValue,
  });
}

test('a data body parses to what the lossless parse of every number gives', () => {
  const bigInteger = fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n });
  const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
    any: fc.oneof(
      { depthSize: 'small' },
      fc.jsonValue({ maxDepth: 2 }),
      bigInteger,
      fc.constantFrom(2n ** 53n, 2n ** 53n - 1n, -(2n ** 53n), 2n ** 63n - 1n, '12345678901234567', 1e300, -0),
      fc.array(tie('any'), { maxLength: 5 }),
      fc.dictionary(fc.string(), tie('any'), { maxKeys: 4 }),
    ),
  })).any;
  fc.assert(
    fc.property(value, (v) => {
      const text = stringifyLossless(v) ?? 'null';
      assert.deepEqual(parseDataJson('application/json', Buffer.from(text, 'utf8')), plainData(text), text);
    }),
    { numRuns: 1000 },
  );
});
