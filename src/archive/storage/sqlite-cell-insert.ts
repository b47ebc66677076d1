/**
 * Storing a numeric series' new cells in SQLite: multi-row INSERT statements (up to
 * {@link ROWS_PER_STATEMENT} rows, bound values only), which cost about a third less than one
 * statement run per cell, since each run pays better-sqlite3's call and SQLite's statement
 * set-up. A batch meeting a stored ts is undone by SQLite alone and replayed row by row, so the
 * conflict reported is the one the row-by-row insert finds: the lowest ts already stored.
 * @module
 */
import type Database from 'better-sqlite3';
import type { SeriesCell } from './store.js';

/** Rows of the largest statement; smaller ones halve down to one row (a few statements in all). */
const ROWS_PER_STATEMENT = 128;

/** The single-row insert: also the replay of a batch that met a stored ts. */
const INSERT_ONE_SQL =
  'INSERT INTO cells (series_id, ts, num, den, doc, out) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING';

/**
 * Which columns a batch binds: `num` when its cells have no den, doc or out (integer and float
 * points; the columns left out are NULL, as binding null would make them), else all of them.
 */
type Shape = 'num' | 'all';

/** INSERT texts by shape and row count, built once (the store caches statements by text). */
const BATCH_SQL: Record<Shape, Map<number, string>> = { num: new Map(), all: new Map() };
for (let rows = ROWS_PER_STATEMENT; rows >= 1; rows >>= 1) {
  // No ON CONFLICT: a stored ts aborts the statement, and SQLite undoes its rows.
  BATCH_SQL.num.set(rows, `INSERT INTO cells (series_id, ts, num) VALUES ${Array(rows).fill('(?, ?, ?)').join(', ')}`);
  BATCH_SQL.all.set(
    rows,
    `INSERT INTO cells (series_id, ts, num, den, doc, out) VALUES ${Array(rows).fill('(?, ?, ?, ?, ?, ?)').join(', ')}`,
  );
}

/**
 * The SQL of a batch insert of `num` cells, largest first (`[rows, text]`), and of the one-row
 * insert: for the cell writer thread, which runs {@link insertNewCells}'s loop on its own
 * connection.
 */
export function numCellInsertTexts(): { batches: Array<[number, string]>; one: string } {
  return { batches: [...BATCH_SQL.num], one: INSERT_ONE_SQL };
}

/** SQLite's error for a row whose primary key (series_id, ts) is taken. */
function isKeyTaken(err: unknown): boolean {
  return (err as { code?: unknown } | null)?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/**
 * Inserts `cells` (ascending, one per ts) into series `seriesId`, one row at a time, stopping
 * at the first ts already stored: its ts, or undefined when every cell was new. The plain form
 * of {@link insertNewCells}; `sql` gives the (cached) prepared statement of a text.
 */
export function insertNewCellsOneByOne(
  sql: (text: string) => Database.Statement,
  seriesId: number,
  cells: readonly SeriesCell[],
): number | undefined {
  const insert = sql(INSERT_ONE_SQL);
  for (const c of cells) if (insert.run(seriesId, c.ts, c.num, c.den, c.doc, c.out).changes === 0) return c.ts;
  return undefined;
}

/**
 * {@link insertNewCellsOneByOne} in multi-row statements, with the same outcome: inside the
 * caller's transaction, the cells before the first stored ts are inserted, and its ts returned.
 */
export function insertNewCells(
  sql: (text: string) => Database.Statement,
  seriesId: number,
  cells: readonly SeriesCell[],
): number | undefined {
  const values: unknown[] = [];
  let at = 0;
  while (at < cells.length) {
    let rows = ROWS_PER_STATEMENT;
    while (rows > cells.length - at) rows >>= 1;
    const end = at + rows;
    let shape: Shape = 'num';
    for (let i = at; i < end; i++) {
      const c = cells[i] as SeriesCell;
      if (c.den !== null || c.doc !== null || c.out !== null) shape = 'all';
    }
    values.length = 0;
    for (let i = at; i < end; i++) {
      const c = cells[i] as SeriesCell;
      if (shape === 'num') values.push(seriesId, c.ts, c.num);
      else values.push(seriesId, c.ts, c.num, c.den, c.doc, c.out);
    }
    try {
      sql(BATCH_SQL[shape].get(rows) as string).run(values);
    } catch (err) {
      if (!isKeyTaken(err)) throw err;
      const taken = insertNewCellsOneByOne(sql, seriesId, cells.slice(at, end));
      if (taken !== undefined) return taken;
    }
    at = end;
  }
  return undefined;
}
