/**
 * The PostgreSQL schema, as ordered migrations recorded in `esmond_schema_migrations`. They run
 * in one transaction under a transaction-level advisory lock, so servers starting together
 * apply each migration exactly once (the second waits, then finds nothing left to do).
 *
 * Layout: every table carries the id it can be distributed on (Citus): `metadata.id`,
 * `parameters.metadata_id`, `event_types.metadata_id`, `cells.series_id`. Cells are keyed
 * (series_id, ts), so a series' time range is one index range scan and the table can be
 * partitioned by range of ts (the key contains it).
 * @module
 */
import type { PoolClient } from 'pg';

/** Advisory lock key of the migrations ("esmondmg" in ASCII). */
const MIGRATION_LOCK = 0x65736d6f6e646d67n;

/** Ordered migrations; index + 1 is the version recorded after applying it. */
export const PG_MIGRATIONS: readonly string[] = [
  `CREATE TABLE metadata (
     id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
     metadata_key text COLLATE "C" NOT NULL UNIQUE,
     checksum text NOT NULL UNIQUE,
     subject_type text NOT NULL,
     source text NOT NULL,
     destination text,
     measurement_agent text NOT NULL,
     tool_name text NOT NULL,
     input_source text NOT NULL,
     input_destination text
   );
   CREATE INDEX metadata_source ON metadata (source);
   CREATE INDEX metadata_destination ON metadata (destination);
   CREATE INDEX metadata_agent ON metadata (measurement_agent);
   CREATE INDEX metadata_tool ON metadata (tool_name);
   CREATE INDEX metadata_input_source ON metadata (input_source);
   CREATE INDEX metadata_input_destination ON metadata (input_destination);
   CREATE TABLE parameters (
     metadata_id bigint NOT NULL REFERENCES metadata (id),
     key text NOT NULL,
     value text NOT NULL,
     PRIMARY KEY (metadata_id, key)
   );
   CREATE INDEX parameters_match ON parameters (key, value, metadata_id);
   CREATE TABLE event_types (
     id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
     metadata_id bigint NOT NULL REFERENCES metadata (id),
     event_type text NOT NULL,
     summary_type text NOT NULL,
     summary_window bigint NOT NULL,
     time_updated bigint,
     UNIQUE (metadata_id, event_type, summary_type, summary_window)
   );
   CREATE INDEX event_types_match ON event_types (event_type, summary_type, summary_window, time_updated, metadata_id);
   CREATE TABLE cells (
     series_id bigint NOT NULL,
     ts bigint NOT NULL,
     num numeric,
     den numeric,
     doc text,
     out text,
     PRIMARY KEY (series_id, ts)
   );
   CREATE TABLE users (
     name text PRIMARY KEY,
     key_hash bytea NOT NULL,
     active boolean NOT NULL DEFAULT true
   );
   CREATE INDEX users_key ON users (key_hash);`,
  // Parameter values are skewed (ip-transport-protocol=tcp: a quarter of all metadata; an
  // ip-packet-size: a handful): statistics on the (key, value) pair let the planner tell a
  // common pair from a rare one and pick the join order of a search by them.
  `CREATE STATISTICS parameters_key_value (mcv) ON key, value FROM parameters;`,
  // Each row carries its metadata's key (keys never change, same collation), so a search on one
  // event type, summary type and window reads its page as one index range in key order. The
  // UPDATE fills the rows of a database made before. The new index starts with the columns of
  // event_types_match and replaces it.
  `ALTER TABLE event_types ADD COLUMN metadata_key text COLLATE "C";
   UPDATE event_types e SET metadata_key = m.metadata_key FROM metadata m WHERE m.id = e.metadata_id;
   ALTER TABLE event_types ALTER COLUMN metadata_key SET NOT NULL;
   DROP INDEX event_types_match;
   CREATE INDEX event_types_by_key ON event_types (event_type, summary_type, summary_window, metadata_key, time_updated, metadata_id);`,
];

/** Brings the schema up to date; safe when several processes call it at once. */
export async function migrate(client: PoolClient): Promise<void> {
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK.toString()]);
    await client.query(
      'CREATE TABLE IF NOT EXISTS esmond_schema_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())',
    );
    const { rows } = await client.query<{ v: number | null }>('SELECT max(version) AS v FROM esmond_schema_migrations');
    for (let v = rows[0]?.v ?? 0; v < PG_MIGRATIONS.length; v++) {
      await client.query(PG_MIGRATIONS[v] ?? '');
      await client.query('INSERT INTO esmond_schema_migrations (version) VALUES ($1)', [v + 1]);
    }
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}
