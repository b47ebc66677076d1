/**
 * SQL of the PostgreSQL store. Fixed statements are named (prepared once per connection); the
 * metadata search is built per query from bound parameters only. The planner picks the driving
 * index itself: parameters are semi-joins on their (key, value) index, the event-type row
 * condition one correlated EXISTS so the same-row rule of archive-api.md: Metadata search holds.
 * @module
 */
import type { QueryConfig } from 'pg';
import type { MetadataQuery } from '../store.js';
import { IP_COLUMNS, STRING_COLUMNS } from '../metadata-row.js';

/** A named (prepared) statement with its values. */
export function named(name: string, text: string, values: unknown[]): QueryConfig {
  return { name: `esmond_${name}`, text, values };
}

export const SQL = {
  metadataByKey: 'SELECT * FROM metadata WHERE metadata_key = $1',
  metadataByChecksum: 'SELECT * FROM metadata WHERE checksum = $1',
  insertMetadata: `INSERT INTO metadata (metadata_key, checksum, subject_type, source, destination, measurement_agent,
     tool_name, input_source, input_destination) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
     ON CONFLICT (checksum) DO NOTHING RETURNING id`,
  insertParameters: `INSERT INTO parameters (metadata_id, key, value) SELECT $1, k, v FROM unnest($2::text[], $3::text[]) AS t(k, v)
     ON CONFLICT (metadata_id, key) DO UPDATE SET value = excluded.value`,
  // Event-type rows carry their metadata's key (the search index event_types_by_key orders by it).
  insertEventTypes: `INSERT INTO event_types (metadata_id, metadata_key, event_type, summary_type, summary_window, time_updated)
     SELECT $1, (SELECT metadata_key FROM metadata WHERE id = $1), e, s, w, t
     FROM unnest($2::text[], $3::text[], $4::bigint[], $5::bigint[]) AS x(e, s, w, t)
     ON CONFLICT DO NOTHING`,
  /** Many records at once (columns in metadata-row.ts order); a taken checksum returns no id. */
  insertMetadataRows: `INSERT INTO metadata (metadata_key, checksum, subject_type, source, destination, measurement_agent,
     tool_name, input_source, input_destination)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[])
     ON CONFLICT (checksum) DO NOTHING RETURNING id, checksum`,
  insertParameterRows:
    'INSERT INTO parameters (metadata_id, key, value) SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[])',
  insertEventTypeRows: `INSERT INTO event_types (metadata_id, metadata_key, event_type, summary_type, summary_window, time_updated)
     SELECT x.id, (SELECT metadata_key FROM metadata WHERE id = x.id), x.e, x.s, x.w, x.t
     FROM unnest($1::bigint[], $2::text[], $3::text[], $4::bigint[], $5::bigint[]) AS x(id, e, s, w, t)
     ON CONFLICT DO NOTHING`,
  parametersOf: 'SELECT metadata_id, key, value FROM parameters WHERE metadata_id = ANY($1::bigint[])',
  eventTypesOf: `SELECT id, metadata_id, event_type, summary_type, summary_window, time_updated FROM event_types
     WHERE metadata_id = ANY($1::bigint[]) ORDER BY id`,
  eventTypeRows: `SELECT e.id, e.metadata_id, e.event_type, e.summary_type, e.summary_window, e.time_updated
     FROM event_types e JOIN metadata m ON m.id = e.metadata_id WHERE m.metadata_key = $1 AND e.event_type = $2 ORDER BY e.id`,
  /** Every row of one metadata, base rows with their series' last ts (one round trip per write request). */
  writeRows: `SELECT e.id, e.event_type, e.summary_type, e.summary_window, e.time_updated,
       CASE WHEN e.summary_type = 'base' AND e.summary_window = 0
         THEN (SELECT max(c.ts) FROM cells c WHERE c.series_id = e.id) END
     FROM event_types e JOIN metadata m ON m.id = e.metadata_id WHERE m.metadata_key = $1 ORDER BY e.id`,
  touchRows: 'UPDATE event_types SET time_updated = $1 WHERE id = ANY($2::bigint[])',
  lastTimestamp: 'SELECT max(ts) AS ts FROM cells WHERE series_id = $1',
  existing: 'SELECT ts FROM cells WHERE series_id = $1 AND ts = ANY($2::bigint[])',
  existingForUpdate: 'SELECT ts FROM cells WHERE series_id = $1 AND ts = ANY($2::bigint[]) ORDER BY ts FOR UPDATE',
  /** A time-range read: one range scan of the (series_id, ts) primary key. */
  readCells:
    'SELECT ts, num, den, doc, out FROM cells WHERE series_id = $1 AND ts >= $2 AND ts <= $3 ORDER BY ts LIMIT $4 OFFSET $5',
  /** The point texts of a time range by stored form (see `ArchiveStore.readPointTexts`). */
  pointTextsInteger: `SELECT CASE WHEN num IS NULL THEN '{"ts":' || ts || ',"val":0}'
       WHEN scale(num) = 0 THEN '{"ts":' || ts || ',"val":' || num || '}' END
       FROM cells WHERE series_id = $1 AND ts >= $2 AND ts <= $3 ORDER BY ts LIMIT $4 OFFSET $5`,
  pointTextsJson: `SELECT '{"ts":' || ts || ',"val":' || coalesce(out, '{}') || '}'
       FROM cells WHERE series_id = $1 AND ts >= $2 AND ts <= $3 ORDER BY ts LIMIT $4 OFFSET $5`,
  cellBeyond: 'SELECT 1 FROM cells WHERE series_id = $1 AND ts >= $2 AND ts <= $3 ORDER BY ts LIMIT 1 OFFSET $4',
  /** New cells of several series; a stored (series_id, ts) is a unique violation (nothing written). */
  insertCells: `INSERT INTO cells (series_id, ts, num, den, doc, out)
     SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::numeric[], $4::numeric[], $5::text[], $6::text[])`,
  upsertCells: `INSERT INTO cells (series_id, ts, num, den, doc, out)
     SELECT $1, * FROM unnest($2::bigint[], $3::numeric[], $4::numeric[], $5::text[], $6::text[])
     ON CONFLICT (series_id, ts) DO UPDATE SET num = excluded.num, den = excluded.den, doc = excluded.doc, out = excluded.out`,
  /** Empty bins created so they can be locked like existing ones (NULL cells read as empty). */
  placeBins: 'INSERT INTO cells (series_id, ts) SELECT $1, unnest($2::bigint[]) ON CONFLICT (series_id, ts) DO NOTHING',
  lockBins:
    'SELECT ts, num, den, doc, out FROM cells WHERE series_id = $1 AND ts = ANY($2::bigint[]) ORDER BY ts FOR UPDATE',
  clearSeries: 'DELETE FROM cells WHERE series_id = $1',
  addUser: `INSERT INTO users (name, key_hash, active) VALUES ($1, $2, true)
     ON CONFLICT (name) DO UPDATE SET key_hash = excluded.key_hash, active = true`,
  setUserActive: 'UPDATE users SET active = $1 WHERE name = $2',
  listUsers: 'SELECT name, active FROM users ORDER BY name',
  usersByKeyHash: 'SELECT name, key_hash, active FROM users WHERE key_hash = $1',
} as const;

/** Up to this many distinct free-form parameters get one semi-join each; more share one grouped join. */
const MAX_SEPARATE_PARAMETER_TERMS = 8;

/** A search's WHERE clause and its bound values. */
export interface PgFilter {
  where: string;
  values: unknown[];
}

/** Bound values and the function that adds one, answering its `$n` placeholder. */
function binder(): { values: unknown[]; bind: (v: unknown) => string } {
  const values: unknown[] = [];
  return {
    values,
    bind(v) {
      values.push(v);
      return `$${values.length}`;
    },
  };
}

/** The WHERE clause of a metadata search (every value bound, never spliced). */
export function pgMetadataFilter(query: MetadataQuery): PgFilter {
  const { values, bind } = binder();
  const terms: string[] = [];
  if (query.key !== undefined) terms.push(`m.metadata_key = ${bind(query.key)}`);
  for (const a of query.addresses) terms.push(`m.${IP_COLUMNS[a.field]} = ANY(${bind(a.anyOf)}::text[])`);
  for (const s of query.strings) terms.push(`m.${STRING_COLUMNS[s.field]} = ${bind(s.value)}`);
  terms.push(...parameterTerms(query.parameters, 'm.id', bind));
  if (query.row) {
    terms.push(
      `EXISTS (SELECT 1 FROM event_types e WHERE ${['e.metadata_id = m.id', ...rowTerms(query.row, bind)].join(' AND ')})`,
    );
  }
  if (query.subjectType !== undefined) terms.push(`m.subject_type = ${bind(query.subjectType)}`);
  return { where: terms.length > 0 ? `WHERE ${terms.join(' AND ')}` : '', values };
}

/** The conditions one event-type row `e` must meet (the same-row rule of a search). */
function rowTerms(r: NonNullable<MetadataQuery['row']>, bind: (v: unknown) => string): string[] {
  const cond: string[] = [];
  if (r.eventType !== undefined) cond.push(`e.event_type = ${bind(r.eventType)}`);
  if (r.summaryType !== undefined) cond.push(`e.summary_type = ${bind(r.summaryType)}`);
  if (r.window !== undefined) cond.push(`e.summary_window = ${bind(r.window)}`);
  if (r.updatedFrom !== undefined) cond.push(`e.time_updated >= ${bind(r.updatedFrom)}`);
  if (r.updatedTo !== undefined) cond.push(`e.time_updated <= ${bind(r.updatedTo)}`);
  if (r.updatedFrom !== undefined || r.updatedTo !== undefined) cond.push('e.time_updated IS NOT NULL');
  return cond;
}

/** True when a search names a whole event-type row: its type, summary type and window. */
function namesWholeRow(query: MetadataQuery): query is MetadataQuery & { row: NonNullable<MetadataQuery['row']> } {
  const r = query.row;
  return r?.eventType !== undefined && r.summaryType !== undefined && r.window !== undefined;
}

/** True when a search has no condition but its event-type row. */
function rowOnly(query: MetadataQuery): boolean {
  return (
    query.key === undefined &&
    query.subjectType === undefined &&
    query.addresses.length === 0 &&
    query.strings.length === 0 &&
    query.parameters.length === 0
  );
}

/**
 * One page of a search's metadata rows in key order. A search on a whole event-type row alone
 * reads the rows of that triple, which lie in `event_types_by_key` in key order (a metadata has
 * at most one of them: UNIQUE), so its page is one index range read up to its offset.
 */
export function pgSearchPage(query: MetadataQuery, limit: number, offset: number): QueryConfig {
  if (namesWholeRow(query) && rowOnly(query)) {
    const { values, bind } = binder();
    const where = rowTerms(query.row, bind).join(' AND ');
    return {
      text:
        `SELECT m.* FROM event_types e JOIN metadata m ON m.id = e.metadata_id WHERE ${where}` +
        ` ORDER BY e.metadata_key LIMIT ${bind(limit)} OFFSET ${bind(offset)}`,
      values,
    };
  }
  const { where, values } = pgMetadataFilter(query);
  const n = values.length;
  return {
    text: `SELECT m.* FROM metadata m ${where} ORDER BY m.metadata_key LIMIT $${n + 1} OFFSET $${n + 2}`,
    values: [...values, limit, offset],
  };
}

/**
 * Terms requiring every (key, value) pair of `pairs` for the metadata id in `idColumn`. Up to
 * {@link MAX_SEPARATE_PARAMETER_TERMS} pairs are one semi-join each, an index range of
 * parameters_match: the planner sees every value (searches are unnamed statements, planned with
 * their values) and drives from the rarest pair, instead of running a subquery per metadata row.
 */
function parameterTerms(
  pairs: ReadonlyArray<readonly [string, string]>,
  idColumn: string,
  bind: (v: unknown) => string,
): string[] {
  if (pairs.length === 0) return [];
  const unique = [...new Map(pairs.map((pair) => [JSON.stringify(pair), pair])).values()];
  if (unique.length <= MAX_SEPARATE_PARAMETER_TERMS) {
    return unique.map(
      ([k, v]) =>
        `${idColumn} IN (SELECT p.metadata_id FROM parameters p WHERE p.key = ${bind(k)} AND p.value = ${bind(v)})`,
    );
  }
  // (metadata, key) is unique, so a metadata has every pair iff it matches that many distinct pairs.
  const keys = bind(unique.map(([k]) => k));
  const vals = bind(unique.map(([, v]) => v));
  return [
    `${idColumn} IN (SELECT p.metadata_id FROM unnest(${keys}::text[], ${vals}::text[]) AS j(k, v) JOIN parameters p ` +
      `ON p.key = j.k AND p.value = j.v GROUP BY p.metadata_id HAVING count(*) = ${bind(unique.length)})`,
  ];
}

/**
 * The count of a search's matches. A search on parameters alone is counted in the parameters
 * table (every row there belongs to a stored metadata) without joining the matches to metadata:
 * a common pair (a quarter of the archive) then costs one index range, not a join over the archive.
 */
export function pgMetadataCount(query: MetadataQuery): QueryConfig {
  if (namesWholeRow(query) && rowOnly(query)) {
    // A metadata has at most one row of a whole triple (UNIQUE): its rows are counted.
    const { values, bind } = binder();
    return { text: `SELECT count(*) AS n FROM event_types e WHERE ${rowTerms(query.row, bind).join(' AND ')}`, values };
  }
  const [first, ...rest] = query.parameters;
  const onlyParameters =
    query.key === undefined &&
    query.subjectType === undefined &&
    query.row === undefined &&
    query.addresses.length === 0 &&
    query.strings.length === 0;
  if (!onlyParameters || first === undefined) {
    const { where, values } = pgMetadataFilter(query);
    return { text: `SELECT count(*) AS n FROM metadata m ${where}`, values };
  }
  const { values, bind } = binder();
  const terms = [
    `d.key = ${bind(first[0])}`,
    `d.value = ${bind(first[1])}`,
    ...parameterTerms(rest, 'd.metadata_id', bind),
  ];
  return { text: `SELECT count(*) AS n FROM parameters d WHERE ${terms.join(' AND ')}`, values };
}
