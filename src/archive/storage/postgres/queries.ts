/**
 * SQL of the PostgreSQL store. Fixed statements are named (prepared once per connection); the
 * metadata search is built per query from bound parameters only. The planner picks the driving
 * index itself; conditions on parameters and event-type rows are correlated EXISTS so the
 * same-row rule of esmond-api §2.1 holds.
 * @module
 */
import type { QueryConfig } from 'pg';
import type { MetadataQuery } from '../store.js';

/** A named (prepared) statement with its values. */
export function named(name: string, text: string, values: unknown[]): QueryConfig {
  return { name: `esmond_${name}`, text, values };
}

export const SQL = {
  metadataByKey: 'SELECT * FROM metadata WHERE metadata_key = $1',
  metadataByChecksum: 'SELECT * FROM metadata WHERE checksum = $1',
  metadataByIds: 'SELECT * FROM metadata WHERE id = ANY($1::bigint[]) ORDER BY metadata_key',
  insertMetadata: `INSERT INTO metadata (metadata_key, checksum, subject_type, source, destination, measurement_agent,
     tool_name, input_source, input_destination) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
     ON CONFLICT (checksum) DO NOTHING RETURNING id`,
  insertParameters: `INSERT INTO parameters (metadata_id, key, value) SELECT $1, k, v FROM unnest($2::text[], $3::text[]) AS t(k, v)
     ON CONFLICT (metadata_id, key) DO UPDATE SET value = excluded.value`,
  insertEventTypes: `INSERT INTO event_types (metadata_id, event_type, summary_type, summary_window, time_updated)
     SELECT $1, e, s, w, t FROM unnest($2::text[], $3::text[], $4::bigint[], $5::bigint[]) AS x(e, s, w, t)
     ON CONFLICT DO NOTHING`,
  /** Many records at once (columns in metadata-row.ts order); a taken checksum returns no id. */
  insertMetadataRows: `INSERT INTO metadata (metadata_key, checksum, subject_type, source, destination, measurement_agent,
     tool_name, input_source, input_destination)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[])
     ON CONFLICT (checksum) DO NOTHING RETURNING id, checksum`,
  insertParameterRows: 'INSERT INTO parameters (metadata_id, key, value) SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[])',
  insertEventTypeRows: `INSERT INTO event_types (metadata_id, event_type, summary_type, summary_window, time_updated)
     SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::bigint[], $5::bigint[]) ON CONFLICT DO NOTHING`,
  parametersOf: 'SELECT metadata_id, key, value FROM parameters WHERE metadata_id = ANY($1::bigint[])',
  eventTypesOf: `SELECT id, metadata_id, event_type, summary_type, summary_window, time_updated FROM event_types
     WHERE metadata_id = ANY($1::bigint[]) ORDER BY id`,
  eventTypeRows: `SELECT e.id, e.metadata_id, e.event_type, e.summary_type, e.summary_window, e.time_updated
     FROM event_types e JOIN metadata m ON m.id = e.metadata_id WHERE m.metadata_key = $1 AND e.event_type = $2 ORDER BY e.id`,
  touchRows: 'UPDATE event_types SET time_updated = $1 WHERE id = ANY($2::bigint[])',
  lastTimestamp: 'SELECT max(ts) AS ts FROM cells WHERE series_id = $1',
  existing: 'SELECT ts FROM cells WHERE series_id = $1 AND ts = ANY($2::bigint[])',
  existingForUpdate: 'SELECT ts FROM cells WHERE series_id = $1 AND ts = ANY($2::bigint[]) ORDER BY ts FOR UPDATE',
  /** A time-range read: one range scan of the (series_id, ts) primary key. */
  readCells: 'SELECT ts, num, den, doc, out FROM cells WHERE series_id = $1 AND ts >= $2 AND ts <= $3 ORDER BY ts LIMIT $4 OFFSET $5',
  cellBeyond: 'SELECT 1 FROM cells WHERE series_id = $1 AND ts >= $2 AND ts <= $3 ORDER BY ts LIMIT 1 OFFSET $4',
  insertNewCells: `INSERT INTO cells (series_id, ts, num, den, doc, out)
     SELECT $1, * FROM unnest($2::bigint[], $3::numeric[], $4::numeric[], $5::text[], $6::text[])
     ON CONFLICT (series_id, ts) DO NOTHING RETURNING ts`,
  upsertCells: `INSERT INTO cells (series_id, ts, num, den, doc, out)
     SELECT $1, * FROM unnest($2::bigint[], $3::numeric[], $4::numeric[], $5::text[], $6::text[])
     ON CONFLICT (series_id, ts) DO UPDATE SET num = excluded.num, den = excluded.den, doc = excluded.doc, out = excluded.out`,
  /** Empty bins created so they can be locked like existing ones (NULL cells read as empty). */
  placeBins: 'INSERT INTO cells (series_id, ts) SELECT $1, unnest($2::bigint[]) ON CONFLICT (series_id, ts) DO NOTHING',
  lockBins: 'SELECT ts, num, den, doc, out FROM cells WHERE series_id = $1 AND ts = ANY($2::bigint[]) ORDER BY ts FOR UPDATE',
  clearSeries: 'DELETE FROM cells WHERE series_id = $1',
  addUser: `INSERT INTO users (name, key_hash, active) VALUES ($1, $2, true)
     ON CONFLICT (name) DO UPDATE SET key_hash = excluded.key_hash, active = true`,
  setUserActive: 'UPDATE users SET active = $1 WHERE name = $2',
  listUsers: 'SELECT name, active FROM users ORDER BY name',
  usersByKeyHash: 'SELECT name, key_hash, active FROM users WHERE key_hash = $1',
} as const;

const IP_COLUMNS = { source: 'source', destination: 'destination', 'measurement-agent': 'measurement_agent' } as const;
const STRING_COLUMNS = { 'tool-name': 'tool_name', 'input-source': 'input_source', 'input-destination': 'input_destination' } as const;

/** A search's WHERE clause and its bound values. */
export interface PgFilter {
  where: string;
  values: unknown[];
}

/** The WHERE clause of a metadata search (every value bound, never spliced). */
export function pgMetadataFilter(query: MetadataQuery): PgFilter {
  const values: unknown[] = [];
  const bind = (v: unknown): string => {
    values.push(v);
    return `$${values.length}`;
  };
  const terms: string[] = [];
  if (query.key !== undefined) terms.push(`m.metadata_key = ${bind(query.key)}`);
  for (const a of query.addresses) terms.push(`m.${IP_COLUMNS[a.field]} = ANY(${bind(a.anyOf)}::text[])`);
  for (const s of query.strings) terms.push(`m.${STRING_COLUMNS[s.field]} = ${bind(s.value)}`);
  if (query.parameters.length > 0) {
    // (metadata, key) is unique, so a metadata has every pair iff it matches that many distinct pairs.
    const unique = [...new Map(query.parameters.map((pair) => [JSON.stringify(pair), pair])).values()];
    const keys = bind(unique.map(([k]) => k));
    const vals = bind(unique.map(([, v]) => v));
    terms.push(
      `(SELECT count(*) FROM unnest(${keys}::text[], ${vals}::text[]) AS j(k, v) JOIN parameters p ` +
        `ON p.metadata_id = m.id AND p.key = j.k AND p.value = j.v) = ${bind(unique.length)}`,
    );
  }
  if (query.row) {
    const r = query.row;
    const cond = ['e.metadata_id = m.id'];
    if (r.eventType !== undefined) cond.push(`e.event_type = ${bind(r.eventType)}`);
    if (r.summaryType !== undefined) cond.push(`e.summary_type = ${bind(r.summaryType)}`);
    if (r.window !== undefined) cond.push(`e.summary_window = ${bind(r.window)}`);
    if (r.updatedFrom !== undefined) cond.push(`e.time_updated >= ${bind(r.updatedFrom)}`);
    if (r.updatedTo !== undefined) cond.push(`e.time_updated <= ${bind(r.updatedTo)}`);
    if (r.updatedFrom !== undefined || r.updatedTo !== undefined) cond.push('e.time_updated IS NOT NULL');
    terms.push(`EXISTS (SELECT 1 FROM event_types e WHERE ${cond.join(' AND ')})`);
  }
  if (query.subjectType !== undefined) terms.push(`m.subject_type = ${bind(query.subjectType)}`);
  return { where: terms.length > 0 ? `WHERE ${terms.join(' AND ')}` : '', values };
}
