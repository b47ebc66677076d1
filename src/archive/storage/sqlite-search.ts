/**
 * The SQL of a metadata search on SQLite: the WHERE clause with an explicit plan (which index
 * drives), and the threshold above which a page walks the key index instead of sorting.
 * @module
 */
import type Database from 'better-sqlite3';
import type { MetadataQuery } from './store.js';
import { IP_COLUMNS, STRING_COLUMNS } from './metadata-row.js';

/** Up to this many free-form parameters get one SQL term each; more share a single term. */
const MAX_SEPARATE_PARAMETER_TERMS = 16;

/** Above this many matches a search pages by walking the key index instead of sorting. */
export const KEY_WALK_THRESHOLD = 200;

/**
 * A search's WHERE clause with its bound arguments; `indexed` when some index drives it. `walk`,
 * when present, is the same filter with every term an index probe per metadata (no term
 * drives, same arguments), for a page read by walking the key index when few keys need to be
 * walked; `keyed`, when present, reads the matches' ids in key order straight from the rows'
 * key index (a search driven by one event type, summary type and window), LIMIT and OFFSET
 * left to bind; `count` counts the matches.
 */
export interface MetadataFilter {
  clause: string;
  args: unknown[];
  indexed: boolean;
  walk: string | undefined;
  keyed: { sql: string; args: unknown[] } | undefined;
  count: { sql: string; args: unknown[] };
}

/**
 * True when walking the key index with per-key probes (reading about `(offset + limit) *
 * metadata / total` keys) costs less than collecting all `total` matches first: measured on
 * 100 000 metadata, a probe costs about twice what collecting one match does.
 */
export function probeWalkPays(offset: number, limit: number, total: number, metadata: number): boolean {
  return (offset + limit) * metadata <= (total * total) / 2;
}

/**
 * Builds the search filter with an explicit plan: the most selective present condition (key,
 * address, input host, parameter, event-type row, tool name, in that order) drives the query
 * through its index; every other condition is written so it cannot drive (`+column`,
 * correlated EXISTS) and is only checked on the driver's rows. Exported so a test can EXPLAIN
 * the plan `SELECT … FROM metadata m ${clause}` gets.
 */
export function metadataFilter(query: MetadataQuery): MetadataFilter {
  const terms: Array<{ rank: number; drive: string; check: string; args: unknown[] }> = [];
  const column = (rank: number, col: string, values: readonly unknown[]): void => {
    const list = values.length === 1 ? '= ?' : `IN (${values.map(() => '?').join(', ')})`;
    terms.push({ rank, drive: `m.${col} ${list}`, check: `+m.${col} ${list}`, args: [...values] });
  };
  if (query.key !== undefined) column(0, 'metadata_key', [query.key]);
  for (const a of query.addresses) column(1, IP_COLUMNS[a.field], a.anyOf.length > 0 ? a.anyOf : [null]);
  for (const st of query.strings) column(st.field === 'tool-name' ? 5 : 2, STRING_COLUMNS[st.field], [st.value]);
  if (query.parameters.length <= MAX_SEPARATE_PARAMETER_TERMS) {
    for (const [key, value] of query.parameters) {
      terms.push({
        rank: 3,
        drive: 'm.id IN (SELECT p.metadata_id FROM parameters p WHERE p.key = ? AND p.value = ?)',
        check: 'EXISTS (SELECT 1 FROM parameters p WHERE p.metadata_id = m.id AND p.key = ? AND p.value = ?)',
        args: [key, value],
      });
    }
  } else {
    // Many pairs in one term (SQLite caps expression depth at 1000): keys are distinct and
    // (metadata, key) is unique, so a metadata has them all iff it matches that many pairs.
    const unique = [...new Map(query.parameters.map((pair) => [JSON.stringify(pair), pair])).values()];
    const pairs = JSON.stringify(unique);
    // CROSS JOIN fixes the join order: the posted list drives, one index probe per pair.
    // Left to itself, once sqlite_stat1 exists, the planner scans every parameter row once
    // per pair (1 296 pairs on 14 000 metadata: 18 s; this plan: under 2 ms).
    const match = 'FROM json_each(?) j CROSS JOIN parameters p ON p.key = j.value ->> 0 AND p.value = j.value ->> 1';
    terms.push({
      rank: 3,
      drive: `m.id IN (SELECT p.metadata_id ${match} GROUP BY p.metadata_id HAVING COUNT(*) = ?)`,
      check: `(SELECT COUNT(*) ${match} WHERE p.metadata_id = m.id) = ?`,
      args: [pairs, unique.length],
    });
  }
  if (query.row) {
    const { filter, args } = rowFilter(query.row);
    terms.push({
      rank: 4,
      drive: `m.id IN (SELECT e.metadata_id FROM event_types e WHERE ${filter})`,
      check: `EXISTS (SELECT 1 FROM event_types e WHERE e.metadata_id = m.id AND ${filter})`,
      args,
    });
  }
  if (query.subjectType !== undefined) {
    terms.push({ rank: 9, drive: '+m.subject_type = ?', check: '+m.subject_type = ?', args: [query.subjectType] });
  }
  const driver = terms.reduce<(typeof terms)[number] | undefined>(
    (best, t) => (!best || t.rank < best.rank ? t : best),
    undefined,
  );
  const indexed = driver !== undefined && driver.rank < 9;
  const where = terms.map((t) => (t === driver ? t.drive : t.check));
  const args = terms.flatMap((t) => t.args);
  const clause = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
  // Parameter and event-type terms check a row with one index probe; a column term would read
  // the table row, so only a filter driven by one of those has a probe-only walk.
  const probes = driver !== undefined && (driver.rank === 3 || driver.rank === 4);
  const walk = probes ? `WHERE ${terms.map((t) => t.check).join(' AND ')}` : undefined;
  const keyed = driver?.rank === 4 ? keyOrdered(query, terms, driver) : undefined;
  return { clause, args, indexed, walk, keyed, count: countOf(query, clause, args) };
}

/**
 * The page of a search driven by an event-type row that names its event type, summary type and
 * window: the rows of that triple lie in `event_types_by_key` in key order, and a metadata has
 * at most one of them (the rows' UNIQUE constraint), so the page is one index range read up to
 * its offset, with no sort, no DISTINCT and no probe per metadata key. The other terms (only
 * less selective ones: a row term drives when no column or parameter term does) are checked on
 * each row's metadata.
 */
function keyOrdered<T extends { check: string; args: unknown[] }>(
  query: MetadataQuery,
  terms: readonly T[],
  driver: T,
): MetadataFilter['keyed'] {
  const r = query.row;
  if (r?.eventType === undefined || r.summaryType === undefined || r.window === undefined) return undefined;
  const row = rowFilter(r);
  const rest = terms.filter((t) => t !== driver);
  const from = 'FROM event_types e INDEXED BY event_types_by_key';
  if (rest.length === 0) {
    return { sql: `SELECT e.metadata_id ${from} WHERE ${row.filter} ORDER BY e.metadata_key`, args: row.args };
  }
  return {
    sql:
      `SELECT m.id ${from} CROSS JOIN metadata m ON m.id = e.metadata_id` +
      ` WHERE ${row.filter} AND ${rest.map((t) => t.check).join(' AND ')} ORDER BY e.metadata_key`,
    args: [...row.args, ...rest.flatMap((t) => t.args)],
  };
}

/**
 * The count of a search's matches. A search on event-type rows alone counts the distinct
 * metadata of the matching rows (every row belongs to a stored metadata) without probing the
 * metadata table once per match: a quarter of a 100 000-metadata archive in 1 ms instead of 10.
 */
function countOf(query: MetadataQuery, clause: string, args: unknown[]): MetadataFilter['count'] {
  const rowOnly =
    query.row !== undefined &&
    query.key === undefined &&
    query.subjectType === undefined &&
    query.addresses.length === 0 &&
    query.strings.length === 0 &&
    query.parameters.length === 0;
  if (!query.row || !rowOnly) return { sql: `SELECT COUNT(*) FROM metadata m ${clause}`, args };
  const r = query.row;
  const row = rowFilter(r);
  // With the whole triple named, a metadata has at most one matching row (UNIQUE): no DISTINCT.
  const one = r.eventType !== undefined && r.summaryType !== undefined && r.window !== undefined;
  const what = one ? 'COUNT(*)' : 'COUNT(DISTINCT e.metadata_id)';
  return { sql: `SELECT ${what} FROM event_types e WHERE ${row.filter}`, args: row.args };
}

/** The conditions one event-type row must meet (the same-row rule of a search). */
function rowFilter(r: NonNullable<MetadataQuery['row']>): { filter: string; args: unknown[] } {
  const cond: string[] = [];
  const args: unknown[] = [];
  if (r.eventType !== undefined) {
    cond.push('e.event_type = ?');
    args.push(r.eventType);
  }
  if (r.summaryType !== undefined) {
    cond.push('e.summary_type = ?');
    args.push(r.summaryType);
  }
  if (r.window !== undefined) {
    cond.push('e.summary_window = ?');
    args.push(r.window);
  }
  if (r.updatedFrom !== undefined) {
    cond.push('e.time_updated >= ?');
    args.push(r.updatedFrom);
  }
  if (r.updatedTo !== undefined) {
    cond.push('e.time_updated <= ?');
    args.push(r.updatedTo);
  }
  if (r.updatedFrom !== undefined || r.updatedTo !== undefined) cond.push('e.time_updated IS NOT NULL');
  return { filter: cond.length > 0 ? cond.join(' AND ') : '1', args };
}

/**
 * The total and one page of ids of a search, in key order; `known` is the total when the caller
 * counted the same query already. Few matches (at most {@link KEY_WALK_THRESHOLD}) of a search
 * driven by a column are collected with their keys, at most one more than that, and sorted:
 * their number is the total, no count needed. Otherwise they are counted, and few are sorted.
 * Many: the key index (it holds the id) is walked in order, testing each key against the
 * matches collected from the driving index (no table row read for the driver's condition), or,
 * when few keys need to be walked, probing each key's own rows; a search on one event type,
 * summary type and window reads its page from the rows' key index instead. `sql` gives the
 * (cached) prepared statement of a text.
 */
export function searchPage(
  sql: (text: string) => Database.Statement,
  query: MetadataQuery,
  limit: number,
  offset: number,
  known?: number,
): { total: number; ids: number[] } {
  const { clause, args, indexed, walk, keyed, count } = metadataFilter(query);
  // A column's index range streams, so the inner LIMIT stops it after one match too many. (A
  // parameter or event-type driver collects all its matches first: those are counted instead.)
  if (indexed && walk === undefined && (known === undefined || known <= KEY_WALK_THRESHOLD)) {
    const few = sql(
      `SELECT id FROM (SELECT m.id, m.metadata_key AS k FROM metadata m ${clause} LIMIT ${KEY_WALK_THRESHOLD + 1}) ORDER BY k`,
    )
      .pluck()
      .all(...args) as number[];
    if (few.length <= KEY_WALK_THRESHOLD) {
      return { total: known ?? few.length, ids: limit > 0 ? few.slice(offset, offset + limit) : [] };
    }
  }
  const total =
    known ??
    (sql(count.sql)
      .pluck()
      .get(...count.args) as number);
  if (total === 0 || offset >= total || limit <= 0) return { total, ids: [] };
  if (keyed !== undefined) {
    const page = sql(`${keyed.sql} LIMIT ? OFFSET ?`)
      .pluck()
      .all(...keyed.args, limit, offset) as number[];
    return { total, ids: page };
  }
  const walking = !indexed || total > KEY_WALK_THRESHOLD;
  const from = walking ? 'metadata m INDEXED BY sqlite_autoindex_metadata_1' : 'metadata m';
  const order = walking ? 'm.metadata_key' : '+m.metadata_key';
  const probe =
    walking &&
    walk !== undefined &&
    probeWalkPays(offset, limit, total, sql('SELECT max(id) FROM metadata').pluck().get() as number);
  // Page over (key, id) only; the caller reads whole rows for the page alone.
  const ids = sql(`SELECT m.id FROM ${from} ${probe ? walk : clause} ORDER BY ${order} LIMIT ? OFFSET ?`)
    .pluck()
    .all(...args, limit, offset) as number[];
  return { total, ids };
}
