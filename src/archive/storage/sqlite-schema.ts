/**
 * Opening a SQLite archive file: created 0600, the connection's pragmas (WAL, busy timeout) and
 * the schema, built by ordered migrations tracked in `user_version`.
 * @module
 */
import { chmodSync, closeSync, openSync } from 'node:fs';
import Database from 'better-sqlite3';

/** How long a write waits for another process's write lock before giving up (503). */
export const BUSY_TIMEOUT_MS = 5000;

/** Ordered schema migrations; index + 1 is the `user_version` after applying it. */
const MIGRATIONS: readonly string[] = [
  `CREATE TABLE metadata (
     id INTEGER PRIMARY KEY,
     metadata_key TEXT NOT NULL UNIQUE,
     checksum TEXT NOT NULL,
     subject_type TEXT NOT NULL,
     source TEXT NOT NULL,
     destination TEXT,
     measurement_agent TEXT NOT NULL,
     tool_name TEXT NOT NULL,
     input_source TEXT NOT NULL,
     input_destination TEXT
   );
   CREATE INDEX metadata_checksum ON metadata(checksum);
   CREATE INDEX metadata_source ON metadata(source);
   CREATE INDEX metadata_destination ON metadata(destination);
   CREATE INDEX metadata_agent ON metadata(measurement_agent);
   CREATE TABLE parameters (
     metadata_id INTEGER NOT NULL REFERENCES metadata(id),
     key TEXT NOT NULL,
     value TEXT NOT NULL,
     PRIMARY KEY (metadata_id, key)
   ) WITHOUT ROWID;
   CREATE INDEX parameters_match ON parameters(key, value);
   CREATE TABLE event_types (
     id INTEGER PRIMARY KEY,
     metadata_id INTEGER NOT NULL REFERENCES metadata(id),
     event_type TEXT NOT NULL,
     summary_type TEXT NOT NULL,
     summary_window INTEGER NOT NULL,
     time_updated INTEGER,
     UNIQUE (metadata_id, event_type, summary_type, summary_window)
   );
   CREATE INDEX event_types_match ON event_types(event_type, summary_type, summary_window);
   CREATE TABLE cells (
     series_id INTEGER NOT NULL,
     ts INTEGER NOT NULL,
     num,
     den,
     doc TEXT,
     out TEXT,
     PRIMARY KEY (series_id, ts)
   ) WITHOUT ROWID;
   CREATE TABLE users (
     name TEXT PRIMARY KEY,
     key_hash BLOB NOT NULL,
     active INTEGER NOT NULL DEFAULT 1
   );
   CREATE INDEX users_key ON users(key_hash);`,
  // Search filters drive from the most selective index instead of walking every metadata row.
  `CREATE INDEX metadata_tool ON metadata(tool_name);
   CREATE INDEX metadata_input_source ON metadata(input_source);
   CREATE INDEX metadata_input_destination ON metadata(input_destination);
   CREATE INDEX event_types_updated ON event_types(time_updated, metadata_id);
   DROP INDEX event_types_match;
   CREATE INDEX event_types_match ON event_types(event_type, summary_type, summary_window, time_updated, metadata_id);
   CREATE INDEX event_types_by_metadata ON event_types(metadata_id, event_type, summary_type, summary_window, time_updated);`,
  // Each row carries its metadata's key (keys never change), so a search on one event type,
  // summary type and window reads its page as one index range in key order instead of probing
  // every metadata key in turn. The UPDATE fills the rows of an archive made before. The new
  // index starts with the columns of event_types_match and replaces it (a time window on a whole
  // triple is then checked on the triple's rows instead of being a range of them). An added
  // column cannot become NOT NULL in SQLite: the trigger stands in, so an insert that forgets
  // the key fails instead of putting its rows out of key order.
  `ALTER TABLE event_types ADD COLUMN metadata_key TEXT;
   UPDATE event_types SET metadata_key = (SELECT m.metadata_key FROM metadata m WHERE m.id = event_types.metadata_id);
   DROP INDEX event_types_match;
   CREATE INDEX event_types_by_key ON event_types(event_type, summary_type, summary_window, metadata_key, time_updated, metadata_id);
   CREATE TRIGGER event_types_key_required BEFORE INSERT ON event_types WHEN NEW.metadata_key IS NULL
   BEGIN SELECT RAISE(ABORT, 'event_types.metadata_key may not be NULL'); END;`,
];

/** True for SQLite's "another connection holds the lock" errors. */
export function isBusy(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'));
}

/** The part of the file reads map (see {@link openArchiveDatabase}). */
const MMAP_BYTES = 256 * 1024 * 1024;

/**
 * Opens (creating if needed) an archive database with its pragmas set and its schema current;
 * `':memory:'` works for throwaway stores. A new file is created 0600 before SQLite opens it: it
 * holds key hashes, and SQLite gives the `-wal` and `-shm` files it creates the database file's
 * permissions.
 */
export function openArchiveDatabase(path: string): Database.Database {
  if (path !== ':memory:' && path !== '') createPrivately(path);
  const db = new Database(path);
  // First, so opening alongside another process waits instead of failing.
  db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  // Group commits run each request inside a savepoint; its sub-journal (the pages' old content,
  // for a rollback of that request alone) in a temporary file cost a metadata insert five times
  // the insert itself. In memory it holds only the pages one transaction changed.
  db.pragma('temp_store = MEMORY');
  // Reads of the first 256 MiB map the file instead of copying each page through a 2 MiB page
  // cache: searches at 100 000 metadata touch far more than 2 MiB (they took 1.3-1.8x as long),
  // and a cache as large (64 MiB) is thrown away whenever another connection (the cell writer)
  // commits, while mapped pages stay. Address space only: the pages are the OS's file cache.
  db.pragma(`mmap_size = ${MMAP_BYTES}`);
  migrate(db);
  refreshStatistics(db);
  return db;
}

/**
 * Rows ANALYZE reads per index when it refreshes statistics: approximate figures are all the
 * planner needs, and it bounds the refresh (about a quarter of a second at 100 000 metadata
 * and a million points) however large the archive grows.
 */
export const ANALYSIS_LIMIT = 1000;

/**
 * Refreshes the planner's statistics of the tables that changed much since they were gathered
 * (SQLite's advice when a long-lived connection opens). Statistics from when the archive was
 * small (`PRAGMA optimize` also runs when a store closes) would make its searches scan every
 * metadata row once it is large.
 */
function refreshStatistics(db: Database.Database): void {
  try {
    db.pragma(`analysis_limit = ${ANALYSIS_LIMIT}`);
    db.pragma('optimize = 0x10002');
  } catch (err) {
    // Another process holds the write lock past the busy timeout: its own open refreshes them.
    if (!isBusy(err)) throw err;
  }
}

/** Creates `path` empty with mode 0600 unless it exists (`wx` never touches an existing file). */
function createPrivately(path: string): void {
  try {
    closeSync(openSync(path, 'wx', 0o600));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    return;
  }
  // The umask may have removed bits, never added any; chmod makes the mode exact anyway.
  chmodSync(path, 0o600);
}

function migrate(db: Database.Database): void {
  if ((db.pragma('user_version', { simple: true }) as number) >= MIGRATIONS.length) return;
  // Under the write lock, re-reading the version: two processes opening a new file at once
  // must not both apply a migration.
  db.transaction(() => {
    const version = db.pragma('user_version', { simple: true }) as number;
    for (let v = version; v < MIGRATIONS.length; v++) {
      db.exec(MIGRATIONS[v] ?? '');
      db.pragma(`user_version = ${v + 1}`);
    }
  }).immediate();
}
