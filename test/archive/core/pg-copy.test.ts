/**
 * The PostgreSQL store's COPY path for new points against its plain path (a multi-row INSERT),
 * as a property on a real server: any cells, strings full of COPY's special characters (backslash,
 * tab, newline, carriage return, a `\.` line) and numbers of every kind among them, read back
 * exactly as the INSERT stores them, numeric text included.
 * @module
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import pg from 'pg';
import { beginAndCopy, copyField } from '../../../src/archive/storage/postgres/copy.js';
import { PG_TYPES } from '../../../src/archive/storage/postgres/rows.js';
import { plainAppendText, writeBatch } from '../../../src/archive/storage/postgres/write.js';
import { openStore } from '../../../src/archive/storage/open.js';
import type { SeriesCell, SeriesWrite, SeriesWriteBatch } from '../../../src/archive/storage/store.js';
import { freshPgDatabase, testPgUrl } from '../../helpers/stores.js';

test('COPY fields: NULL, numbers as String() writes them, strings with their four escapes', () => {
  assert.equal(copyField(null), '\\N');
  assert.equal(copyField(-1.5e-7), '-1.5e-7');
  assert.equal(copyField(2n ** 64n), '18446744073709551616');
  assert.equal(copyField('a\\b\tc\nd\re\\.'), 'a\\\\b\\tc\\nd\\re\\\\.');
  // The same string twice in a row: no state carried from one call to the next.
  assert.equal(copyField('x\ty'), 'x\\ty');
  assert.equal(copyField('x\ty'), 'x\\ty');
  assert.equal(copyField(''), '');
});

/** Strings made mostly of what COPY's text format treats specially, and some of anything else. */
const nasty = fc
  .array(
    fc.oneof(
      fc.constantFrom('\\', '\t', '\n', '\r', '\\.', '\\N', 'N', '"', "'", '{', ',', '}', ' ', 'é', '😀', '\u2028'),
      fc.string({ unit: 'grapheme', maxLength: 4 }),
    ),
    { maxLength: 8 },
  )
  .map((parts) => parts.join(''))
  .filter((s) => !s.includes('\u0000'));

const num = fc.oneof(
  fc.maxSafeInteger(),
  fc.double({ noNaN: true, noDefaultInfinity: true }).filter((d) => !Object.is(d, -0)),
  fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).filter((b) => b > 2n ** 53n || b < -(2n ** 53n)),
  fc.constant(null),
);

const cellArb = (ts: number): fc.Arbitrary<SeriesCell> =>
  fc.record({
    ts: fc.constant(ts),
    num,
    den: fc.option(fc.maxSafeInteger(), { nil: null }),
    doc: fc.option(nasty, { nil: null }),
    out: fc.option(nasty, { nil: null }),
  });

/** Cells at distinct ascending stamps, as a write carries them. */
const cellsArb = fc
  .uniqueArray(fc.integer({ min: 0, max: 1_000_000 }), { maxLength: 12 })
  .chain((stamps) => fc.tuple(...[...stamps].sort((a, b) => a - b).map(cellArb)));

const write = (baseSeriesId: number, cells: SeriesCell[]): SeriesWrite => ({
  baseSeriesId,
  cells,
  replace: false,
  summaries: [],
  fold: () => {
    throw new Error('no summary to fold');
  },
});

const batchOf = (...writes: SeriesWrite[]): SeriesWriteBatch => ({ writes, touch: [], now: 1_700_000_000 });

describe('PostgreSQL COPY path', { skip: testPgUrl() === undefined && 'no PostgreSQL test cluster' }, () => {
  let client: pg.Client;
  let drop: () => Promise<void> = async () => undefined;
  before(async () => {
    const db = await freshPgDatabase();
    drop = () => db.drop();
    await (await openStore(db.url)).close(); // creates the schema
    client = new pg.Client({ connectionString: db.url, types: PG_TYPES });
    await client.connect();
  });
  after(async () => {
    await client.end();
    await drop();
  });

  /** A series' cells as stored, numeric values also as PostgreSQL's own text. */
  const stored = async (series: number): Promise<unknown[]> =>
    (
      await client.query({
        text: 'SELECT ts, num, num::text, den, den::text, doc, out FROM cells WHERE series_id = $1 ORDER BY ts',
        values: [series],
        rowMode: 'array',
      })
    ).rows;

  test('stores exactly what the multi-row INSERT stores', async () => {
    let series = 0;
    await fc.assert(
      fc.asyncProperty(cellsArb, cellsArb, async (first, second) => {
        const viaCopy = [write(++series, first), write(++series, second)];
        const viaInsert = [write(++series, first), write(++series, second)];
        const text = plainAppendText(batchOf(...viaCopy));
        assert.ok(text !== undefined);
        try {
          await beginAndCopy(client, text);
          await client.query('COMMIT');
          await client.query('BEGIN');
          await writeBatch(client, batchOf(...viaInsert));
          await client.query('COMMIT');
        } catch (err) {
          // Leaves the connection usable for the shrinking runs, so the counterexample is the real one.
          await client.query('ROLLBACK');
          throw err;
        }
        for (let i = 0; i < 2; i++) {
          const [copied, inserted] = [viaCopy[i], viaInsert[i]];
          assert.ok(copied && inserted);
          assert.deepEqual(await stored(copied.baseSeriesId), await stored(inserted.baseSeriesId));
          assert.equal((await stored(copied.baseSeriesId)).length, copied.cells.length);
        }
      }),
      { numRuns: 150 },
    );
  });

  test('a stamp already stored aborts the whole COPY, as it aborts the INSERT', async () => {
    const cell = (ts: number): SeriesCell => ({ ts, num: ts, den: null, doc: null, out: null });
    await beginAndCopy(client, plainAppendText(batchOf(write(1_000_000, [cell(5)]))) ?? '');
    await client.query('COMMIT');
    const again = plainAppendText(batchOf(write(1_000_000, [cell(4), cell(5), cell(6)]))) ?? '';
    await assert.rejects(beginAndCopy(client, again), (err: unknown) => (err as { code?: unknown }).code === '23505');
    await client.query('ROLLBACK');
    assert.deepEqual(
      (await stored(1_000_000)).map((r) => (r as unknown[])[0]),
      [5],
    );
  });
});
