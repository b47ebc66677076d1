/**
 * Mapping SQLite result rows to the store contract's shapes: cells (exact 64-bit integers),
 * event-type rows, and metadata rows hydrated with their parameters and event types.
 * @module
 */
import type Database from 'better-sqlite3';
import type { PointTextForm, SeriesCell, StoredMetadata } from './store.js';
import { assembleMetadata, type EventTypeArrayRow, type MetadataRow } from './metadata-row.js';

/**
 * The cells columns as read: `num` as stored, except an integer past 2^53, which comes as its
 * decimal text (see {@link cellOf}). Cheaper than better-sqlite3's safeIntegers, which makes a
 * BigInt of every integer of every row.
 */
const CELL_COLUMNS = `ts, CASE WHEN typeof(num) <> 'integer' OR num BETWEEN -9007199254740991 AND 9007199254740991
       THEN num ELSE CAST(num AS TEXT) END, den, doc, out`;

/**
 * A time-range read of one series. Exported so a test can check that SQLite answers it with a
 * range scan of the cells primary key (series_id, ts), never a table scan or a sort.
 */
export const READ_CELLS_SQL = `SELECT ${CELL_COLUMNS} FROM cells WHERE series_id = ? AND ts >= ? AND ts <= ?
       ORDER BY ts LIMIT ? OFFSET ?`;

/** The point texts of a time range (see `ArchiveStore.readPointTexts`), by stored form. */
export const READ_POINT_TEXTS_SQL: Readonly<Record<PointTextForm, string>> = {
  // SQLite writes a 64-bit integer's exact digits, as JSON.stringify (or a BigInt) would. Numbers
  // bound from JS are stored REAL: a whole one up to 2^53 is written as that integer too.
  integer: `SELECT '{"ts":' || ts || ',"val":' || (CASE WHEN typeof(num) = 'integer' THEN num WHEN num IS NULL THEN 0
       WHEN typeof(num) = 'real' AND num = CAST(num AS INTEGER) AND abs(num) <= 9007199254740991
       THEN CAST(num AS INTEGER) END) || '}'
       FROM cells WHERE series_id = ? AND ts >= ? AND ts <= ? ORDER BY ts LIMIT ? OFFSET ?`,
  json: `SELECT '{"ts":' || ts || ',"val":' || coalesce(out, '{}') || '}'
       FROM cells WHERE series_id = ? AND ts >= ? AND ts <= ? ORDER BY ts LIMIT ? OFFSET ?`,
};

/** One cell of a series. */
export const GET_CELL_SQL = `SELECT ${CELL_COLUMNS} FROM cells WHERE series_id = ? AND ts = ?`;

/** A cells row read raw by {@link READ_CELLS_SQL} or {@link GET_CELL_SQL}. */
export type CellRow = [number, number | string | null, number | null, string | null, string | null];

/**
 * A {@link SeriesCell} from a raw row: `num` exact to 64 bits (a BigInt only when a double
 * cannot hold it; REAL sums stay numbers).
 */
export function cellOf([ts, num, den, doc, out]: CellRow): SeriesCell {
  return { ts, num: typeof num === 'string' ? BigInt(num) : num, den, doc, out };
}

/**
 * The metadata rows, parameters and event-type rows of a list of metadata ids (a JSON array).
 * CROSS JOIN: the id list drives, one index probe per id. Left to the planner, statistics
 * gathered while the archive was small make it scan every row per request once it is large.
 * Exported so a test can EXPLAIN them under such statistics.
 */
export const METADATA_BY_IDS_SQL =
  'SELECT m.* FROM json_each(?) j CROSS JOIN metadata m ON m.id = j.value ORDER BY m.metadata_key';
// The parameters and event-type rows of each id, as two JSON arrays per metadata: far fewer
// values cross into JavaScript than one row per parameter and per event-type row (a page of
// hundreds of metadata has thousands of rows). Each array lists its rows in the order of the
// index the probe uses: parameters by key (the primary key), event types by
// event_types_by_metadata (named, so the order cannot change with the plan).
export const DETAILS_OF_SQL = `SELECT j.value,
       (SELECT json_group_array(json_array(p.key, p.value)) FROM parameters p WHERE p.metadata_id = j.value),
       (SELECT json_group_array(json_array(e.id, e.event_type, e.summary_type, e.summary_window, e.time_updated))
          FROM event_types e INDEXED BY event_types_by_metadata WHERE e.metadata_id = j.value)
       FROM json_each(?) j`;

/** The rows of one event type of one metadata. */
export const EVENT_TYPE_ROWS_SQL = `SELECT e.id, e.metadata_id, e.event_type, e.summary_type, e.summary_window,
       e.time_updated FROM event_types e JOIN metadata m ON m.id = e.metadata_id
       WHERE m.metadata_key = ? AND e.event_type = ? ORDER BY e.id`;

/**
 * Every row of one metadata, base rows with their series' last ts (a write request's one query).
 * The metadata drives (CROSS JOIN): one key probe, then its rows by the metadata index.
 */
export const WRITE_ROWS_SQL = `SELECT e.id, e.event_type, e.summary_type, e.summary_window, e.time_updated,
       CASE WHEN e.summary_type = 'base' AND e.summary_window = 0
         THEN (SELECT MAX(c.ts) FROM cells c WHERE c.series_id = e.id) END
       FROM metadata m CROSS JOIN event_types e INDEXED BY event_types_by_metadata ON e.metadata_id = m.id
       WHERE m.metadata_key = ? ORDER BY e.id`;

/**
 * Adds parameters and event-type rows to metadata rows, in one query for the whole page.
 * `sql` returns the (cached) prepared statement of a text.
 */
export function hydrateMetadata(
  sql: (text: string) => Database.Statement,
  rows: readonly MetadataRow[],
): StoredMetadata[] {
  if (rows.length === 0) return [];
  const params: Array<[number, string, string]> = [];
  const events: EventTypeArrayRow[] = [];
  // raw(): arrays instead of objects. JSON keeps every value exact: text as stored, integers and
  // floating-point values to the last digit (SQLite writes the shortest exact form).
  const details = sql(DETAILS_OF_SQL)
    .raw()
    .all(JSON.stringify(rows.map((r) => r.id))) as Array<[number, string, string]>;
  for (const [id, paramsJson, eventsJson] of details) {
    for (const [key, value] of JSON.parse(paramsJson) as Array<[string, string]>) params.push([id, key, value]);
    for (const [rowId, eventType, summaryType, window, timeUpdated] of JSON.parse(eventsJson) as Array<
      [number, string, string, number, number | null]
    >)
      events.push([rowId, id, eventType, summaryType, window, timeUpdated]);
  }
  return assembleMetadata(rows, params, events);
}

/** The outcome of synchronous work as a settled promise (a throw becomes a rejection). */
export function settled<T>(fn: () => T): Promise<T> {
  try {
    return Promise.resolve(fn());
  } catch (err) {
    return Promise.reject(err instanceof Error ? err : new Error(String(err)));
  }
}
