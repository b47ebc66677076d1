/**
 * The SQLite implementation of {@link ArchiveStore} (better-sqlite3, WAL). Series cells live in
 * a WITHOUT ROWID table keyed (series_id, ts), so reading a time range of one series is a single
 * index range scan. The schema is created by ordered migrations tracked in `user_version`.
 * All SQL uses bound parameters; lists are bound as JSON arrays through `json_each`.
 * better-sqlite3 is synchronous: each contract method does its whole work (a request's writes in
 * one transaction) synchronously and returns a settled promise, so no other request can run
 * between its statements.
 * @module
 */
import { chmodSync, closeSync, openSync } from 'node:fs';
import Database from 'better-sqlite3';
import type {
  ArchiveStore,
  MetadataQuery,
  NewMetadataRecord,
  RawCell,
  SeriesCell,
  SeriesWriteBatch,
  StoredEventTypeRow,
  StoredMetadata,
  StoredUser,
  WriteOutcome,
} from './store.js';
import { binEnd, binUpdates, lockOrder, WriteConflict } from './bins.js';
import { StoreBusyError } from './store.js';
import { metadataInsertValues, subjectOf, type MetadataRow } from './metadata-row.js';

/** Ordered schema migrations; index + 1 is the `user_version` after applying it. */
/**
 * A time-range read of one series. Exported so a test can check that SQLite answers it with a
 * range scan of the cells primary key (series_id, ts), never a table scan or a sort.
 */
export const READ_CELLS_SQL = `SELECT ts, num, den, doc, out FROM cells WHERE series_id = ? AND ts >= ? AND ts <= ?
       ORDER BY ts LIMIT ? OFFSET ?`;

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
];


interface EventTypeDbRow {
  id: number;
  metadata_id: number;
  event_type: string;
  summary_type: string;
  summary_window: number;
  time_updated: number | null;
}

const IP_COLUMNS = { source: 'source', destination: 'destination', 'measurement-agent': 'measurement_agent' } as const;
const STRING_COLUMNS = {
  'tool-name': 'tool_name',
  'input-source': 'input_source',
  'input-destination': 'input_destination',
} as const;

/** Up to this many free-form parameters get one SQL term each; more share a single term. */
const MAX_SEPARATE_PARAMETER_TERMS = 16;

/** Above this many matches a search pages by walking the key index instead of sorting. */
const KEY_WALK_THRESHOLD = 200;

/** How long a write waits for another process's write lock before giving up (503). */
const BUSY_TIMEOUT_MS = 5000;

function isBusy(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'));
}

/**
 * Opens (creating if needed) an archive database file; `':memory:'` works for throwaway stores.
 * A new file is created 0600 before SQLite opens it: it holds key hashes, and SQLite gives the
 * `-wal` and `-shm` files it creates the database file's permissions.
 */
export function openSqliteStore(path: string): ArchiveStore {
  if (path !== ':memory:' && path !== '') createPrivately(path);
  return new SqliteStore(new Database(path));
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

class SqliteStore implements ArchiveStore {
  private readonly statements = new Map<string, Database.Statement>();

  constructor(private readonly db: Database.Database) {
    // First, so opening alongside another process waits instead of failing.
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    this.migrate();
  }

  private migrate(): void {
    if ((this.db.pragma('user_version', { simple: true }) as number) >= MIGRATIONS.length) return;
    // Under the write lock, re-reading the version: two processes opening a new file at once
    // must not both apply a migration.
    this.db
      .transaction(() => {
        const version = this.db.pragma('user_version', { simple: true }) as number;
        for (let v = version; v < MIGRATIONS.length; v++) {
          this.db.exec(MIGRATIONS[v] ?? '');
          this.db.pragma(`user_version = ${v + 1}`);
        }
      })
      .immediate();
  }

  /** Prepared statements are cached by SQL text (the set of texts is small and fixed). */
  private sql(text: string): Database.Statement {
    let s = this.statements.get(text);
    if (!s) {
      // Search SQL varies with the number of filters; keep the cache bounded.
      if (this.statements.size >= 500) this.statements.clear();
      s = this.db.prepare(text);
      this.statements.set(text, s);
    }
    return s;
  }

  private transaction<T>(fn: () => T): T {
    if (this.db.inTransaction) return fn();
    try {
      // IMMEDIATE takes the write lock at BEGIN, where busy_timeout waits for it. A deferred
      // transaction that read first cannot wait when it upgrades: SQLITE_BUSY at once.
      return this.db.transaction(fn).immediate();
    } catch (err) {
      if (isBusy(err)) throw new StoreBusyError(`the database is locked by another writer (${BUSY_TIMEOUT_MS} ms)`);
      throw err;
    }
  }

  /**
   * Matching metadata ordered by key, one page of them. The WHERE clause comes from
   * {@link metadataFilter}; without a driving index the key index is walked in order, which
   * also serves ORDER BY.
   */
  findMetadata(query: MetadataQuery, limit: number, offset: number): Promise<{ total: number; items: StoredMetadata[] }> {
    return settled(() => {
      const { clause, args, indexed } = metadataFilter(query);
      const total = (this.sql(`SELECT COUNT(*) AS n FROM metadata m ${clause}`).get(...args) as { n: number }).n;
      if (total === 0 || offset >= total || limit <= 0) return { total, items: [] };
      // Few matches: sort them. Many: walk the key index (it holds the id) and test membership,
      // which reads no table row at all for the driver's condition.
      const walk = !indexed || total > KEY_WALK_THRESHOLD;
      const from = walk ? 'metadata m INDEXED BY sqlite_autoindex_metadata_1' : 'metadata m';
      const order = walk ? 'm.metadata_key' : '+m.metadata_key';
      // Page over (key, id) only; whole rows are read for the page alone.
      const ids = this.sql(`SELECT m.id FROM ${from} ${clause} ORDER BY ${order} LIMIT ? OFFSET ?`)
        .pluck()
        .all(...args, limit, offset) as number[];
      const rows = this.sql(
        'SELECT * FROM metadata WHERE id IN (SELECT value FROM json_each(?)) ORDER BY metadata_key',
      ).all(JSON.stringify(ids)) as MetadataRow[];
      return { total, items: this.hydrate(rows) };
    });
  }

  metadataByKey(key: string): Promise<StoredMetadata | undefined> {
    return settled(() => {
      return this.metadataByKeyNow(key);
    });
  }

  private metadataByKeyNow(key: string): StoredMetadata | undefined {
    const row = this.sql('SELECT * FROM metadata WHERE metadata_key = ?').get(key) as MetadataRow | undefined;
    return row && this.hydrate([row])[0];
  }

  findOrInsertMetadata(record: NewMetadataRecord): Promise<StoredMetadata> {
    return settled(() => {
      return this.transaction(() => this.metadataByChecksum(record.checksum) ?? this.insertOne(record));
    });
  }

  insertMetadata(records: readonly NewMetadataRecord[]): Promise<void> {
    return settled(() => {
      this.transaction(() => {
        for (const r of records) this.insertOne(r);
      });
    });
  }

  private metadataByChecksum(checksum: string): StoredMetadata | undefined {
    const row = this.sql('SELECT * FROM metadata WHERE checksum = ? ORDER BY id LIMIT 1').get(checksum) as
      | MetadataRow
      | undefined;
    return row && this.hydrate([row])[0];
  }

  /** Adds parameters and event-type rows to metadata rows, in two queries for the whole page. */
  private hydrate(rows: MetadataRow[]): StoredMetadata[] {
    if (rows.length === 0) return [];
    const ids = JSON.stringify(rows.map((r) => r.id));
    // raw(): arrays instead of objects, which matters for pages of thousands of rows.
    const params = this.sql(
      'SELECT metadata_id, key, value FROM parameters WHERE metadata_id IN (SELECT value FROM json_each(?))',
    )
      .raw()
      .all(ids) as Array<[number, string, string]>;
    const events = this.sql(
      `SELECT id, metadata_id, event_type, summary_type, summary_window, time_updated FROM event_types
       WHERE metadata_id IN (SELECT value FROM json_each(?))`,
    )
      .raw()
      .all(ids) as Array<[number, number, string, string, number, number | null]>;
    const byId = new Map<number, StoredMetadata>();
    const out = rows.map((r) => {
      const m: StoredMetadata = {
        id: r.id,
        key: r.metadata_key,
        subjectType: r.subject_type,
        subject: subjectOf(r),
        parameters: [],
        eventTypes: [],
      };
      byId.set(r.id, m);
      return m;
    });
    for (const [id, key, value] of params) byId.get(id)?.parameters.push([key, value]);
    for (const [seriesId, id, eventType, summaryType, window, timeUpdated] of events) {
      byId.get(id)?.eventTypes.push({ seriesId, eventType, summaryType, window, timeUpdated });
    }
    return out;
  }

  private insertOne(record: NewMetadataRecord): StoredMetadata {
    return this.transaction(() => {
      const info = this.sql(
        `INSERT INTO metadata (metadata_key, checksum, subject_type, source, destination, measurement_agent,
           tool_name, input_source, input_destination) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(...metadataInsertValues(record));
      const id = Number(info.lastInsertRowid);
      const putParam = this.sql('INSERT OR REPLACE INTO parameters (metadata_id, key, value) VALUES (?, ?, ?)');
      for (const [k, v] of record.parameters) putParam.run(id, k, v);
      const putRow = this.sql(
        `INSERT OR IGNORE INTO event_types (metadata_id, event_type, summary_type, summary_window, time_updated)
         VALUES (?, ?, ?, ?, ?)`,
      );
      for (const e of record.eventTypes) putRow.run(id, e.eventType, e.summaryType, e.window, e.timeUpdated);
      const stored = this.metadataByKeyNow(record.key);
      if (!stored) throw new Error('metadata vanished after insert');
      return stored;
    });
  }

  eventTypeRows(key: string, eventType: string): Promise<StoredEventTypeRow[]> {
    return settled(() => {
      const rows = this.sql(
        `SELECT e.* FROM event_types e JOIN metadata m ON m.id = e.metadata_id
         WHERE m.metadata_key = ? AND e.event_type = ? ORDER BY e.id`,
      ).all(key, eventType) as EventTypeDbRow[];
      return rows.map(eventRowOf);
    });
  }

  private touchRows(seriesIds: readonly number[], now: number): void {
    this.sql('UPDATE event_types SET time_updated = ? WHERE id IN (SELECT value FROM json_each(?))').run(
      now,
      JSON.stringify(seriesIds),
    );
  }

  private getCell(seriesId: number, ts: number): SeriesCell | undefined {
    const row = this.sql('SELECT ts, num, den, doc, out FROM cells WHERE series_id = ? AND ts = ?')
      .safeIntegers(true)
      .raw()
      .get(seriesId, ts) as CellRow | undefined;
    return row && cellOf(row);
  }

  lastTimestamp(seriesId: number): Promise<number | undefined> {
    return settled(() => {
      const ts = this.sql('SELECT MAX(ts) FROM cells WHERE series_id = ?').pluck().get(seriesId) as number | null;
      return ts ?? undefined;
    });
  }

  existingTimestamps(seriesId: number, timestamps: readonly number[]): Promise<number[]> {
    return settled(() => {
      return this.existingNow(seriesId, timestamps);
    });
  }

  private existingNow(seriesId: number, timestamps: readonly number[]): number[] {
    if (timestamps.length === 0) return [];
    return this.sql('SELECT ts FROM cells WHERE series_id = ? AND ts IN (SELECT value FROM json_each(?))')
      .pluck()
      .all(seriesId, JSON.stringify(timestamps)) as number[];
  }

  writeSeries(batch: SeriesWriteBatch): Promise<WriteOutcome> {
    return settled(() => {
      try {
        this.transaction(() => {
          for (const write of lockOrder(batch)) {
            const base = write.baseSeriesId;
            const replaced = new Set(write.replace ? this.existingNow(base, write.cells.map((c) => c.ts)) : []);
            if (write.replace) for (const cell of write.cells) this.putCell(base, cell);
            else for (const cell of write.cells) if (!this.insertCell(base, cell)) throw new WriteConflict(base, cell.ts);
            for (const summary of write.summaries) {
              for (const u of binUpdates(write, summary, replaced)) {
                let next: SeriesCell | undefined;
                if (u.rebuild) {
                  // Recomputed from the base series (already holding the new cells), chunk by chunk.
                  for (const chunk of this.chunks(base, u.bin, binEnd(u.bin, summary.window))) {
                    next = write.fold(summary, u.bin, next, chunk);
                  }
                } else next = write.fold(summary, u.bin, this.getCell(summary.seriesId, u.bin), u.cells);
                if (next) this.putCell(summary.seriesId, next);
              }
            }
          }
          this.touchRows(batch.touch, batch.now);
        });
        return { ok: true };
      } catch (err) {
        if (err instanceof WriteConflict) return { ok: false, conflict: { baseSeriesId: err.baseSeriesId, ts: err.ts } };
        throw err;
      }
    });
  }

  /** A range of one series in chunks of 1000 cells. */
  private *chunks(seriesId: number, from: number, to: number): Generator<SeriesCell[]> {
    let lo = from;
    for (;;) {
      const chunk = this.readNow(seriesId, lo, to, 0, 1000);
      if (chunk.length > 0) yield chunk;
      const last = chunk[chunk.length - 1];
      if (chunk.length < 1000 || !last) return;
      lo = last.ts + 1;
    }
  }

  putCells(cells: readonly RawCell[]): Promise<void> {
    return settled(() => {
      this.transaction(() => {
        for (const c of cells) this.putCell(c.seriesId, c.cell);
      });
    });
  }

  replaceSeries(seriesId: number, cells: readonly SeriesCell[]): Promise<void> {
    return settled(() => {
      this.transaction(() => {
        this.sql('DELETE FROM cells WHERE series_id = ?').run(seriesId);
        for (const cell of cells) this.putCell(seriesId, cell);
      });
    });
  }

  /** Inserts a cell unless its ts is taken; false when it was. */
  private insertCell(seriesId: number, cell: SeriesCell): boolean {
    return (
      this.sql('INSERT INTO cells (series_id, ts, num, den, doc, out) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING').run(
        seriesId,
        cell.ts,
        cell.num,
        cell.den,
        cell.doc,
        cell.out,
      ).changes > 0
    );
  }

  private putCell(seriesId: number, cell: SeriesCell): void {
    this.sql('INSERT OR REPLACE INTO cells (series_id, ts, num, den, doc, out) VALUES (?, ?, ?, ?, ?, ?)').run(
      seriesId,
      cell.ts,
      cell.num,
      cell.den,
      cell.doc,
      cell.out,
    );
  }

  readCells(seriesId: number, from: number, to: number, skip: number, take: number): Promise<SeriesCell[]> {
    return settled(() => {
      return this.readNow(seriesId, from, to, skip, take);
    });
  }

  private readNow(seriesId: number, from: number, to: number, skip: number, take: number): SeriesCell[] {
    // raw() rows + literal objects: much cheaper than better-sqlite3 building named rows.
    const rows = this.sql(READ_CELLS_SQL)
      .safeIntegers(true)
      .raw()
      .all(seriesId, from, to, take, skip) as CellRow[];
    return rows.map(cellOf);
  }

  hasCellBeyond(seriesId: number, from: number, to: number, position: number): Promise<boolean> {
    return settled(() => {
      const row = this.sql(
        'SELECT 1 AS x FROM cells WHERE series_id = ? AND ts >= ? AND ts <= ? ORDER BY ts LIMIT 1 OFFSET ?',
      ).get(seriesId, from, to, position);
      return row !== undefined;
    });
  }

  addUser(name: string, keyHash: Buffer): Promise<void> {
    return settled(() => {
      this.sql(
        `INSERT INTO users (name, key_hash, active) VALUES (?, ?, 1)
         ON CONFLICT(name) DO UPDATE SET key_hash = excluded.key_hash, active = 1`,
      ).run(name, keyHash);
    });
  }

  setUserActive(name: string, active: boolean): Promise<boolean> {
    return settled(() => {
      return this.sql('UPDATE users SET active = ? WHERE name = ?').run(active ? 1 : 0, name).changes > 0;
    });
  }

  listUsers(): Promise<{ name: string; active: boolean }[]> {
    return settled(() => {
      const rows = this.sql('SELECT name, active FROM users ORDER BY name').all() as Array<{ name: string; active: number }>;
      return rows.map((r) => ({ name: r.name, active: r.active !== 0 }));
    });
  }

  usersByKeyHash(keyHash: Buffer): Promise<StoredUser[]> {
    return settled(() => {
      const rows = this.sql('SELECT name, key_hash, active FROM users WHERE key_hash = ?').all(keyHash) as Array<{
        name: string;
        key_hash: Buffer;
        active: number;
      }>;
      return rows.map((r) => ({ name: r.name, keyHash: r.key_hash, active: r.active !== 0 }));
    });
  }

  close(): Promise<void> {
    return settled(() => {
      this.closeNow();
    });
  }

  private closeNow(): void {
    if (!this.db.open) return;
    try {
      // Refreshes planner statistics where they went stale (cheap; recommended before close).
      this.db.pragma('optimize');
    } catch {
      // A read-only or busy database simply keeps its old statistics.
    }
    this.db.close();
  }
}

/** A search's WHERE clause with its bound arguments; `indexed` when some index drives it. */
export interface MetadataFilter {
  clause: string;
  args: unknown[];
  indexed: boolean;
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
    const r = query.row;
    const cond: string[] = [];
    const args: unknown[] = [];
    if (r.eventType !== undefined) { cond.push('e.event_type = ?'); args.push(r.eventType); }
    if (r.summaryType !== undefined) { cond.push('e.summary_type = ?'); args.push(r.summaryType); }
    if (r.window !== undefined) { cond.push('e.summary_window = ?'); args.push(r.window); }
    if (r.updatedFrom !== undefined) { cond.push('e.time_updated >= ?'); args.push(r.updatedFrom); }
    if (r.updatedTo !== undefined) { cond.push('e.time_updated <= ?'); args.push(r.updatedTo); }
    if (r.updatedFrom !== undefined || r.updatedTo !== undefined) cond.push('e.time_updated IS NOT NULL');
    const filter = cond.length > 0 ? cond.join(' AND ') : '1';
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
  const driver = terms.reduce<(typeof terms)[number] | undefined>((best, t) => (!best || t.rank < best.rank ? t : best), undefined);
  const indexed = driver !== undefined && driver.rank < 9;
  const where = terms.map((t) => (t === driver ? t.drive : t.check));
  const args = terms.flatMap((t) => t.args);
  const clause = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
  return { clause, args, indexed };
}

/** A cells row read with safeIntegers: every integer column a BigInt. */
type CellRow = [bigint, bigint | number | null, bigint | number | null, string | null, string | null];

/** An exact number: a BigInt only when a double cannot hold it. */
function exact(v: bigint | number): number | bigint {
  return typeof v === 'bigint' && Number.isSafeInteger(Number(v)) ? Number(v) : v;
}

/** A {@link SeriesCell} from a raw row: `num` exact to 64 bits (REAL sums stay numbers). */
function cellOf([ts, num, den, doc, out]: CellRow): SeriesCell {
  return { ts: Number(ts), num: num === null ? null : exact(num), den: den === null ? null : Number(den), doc, out };
}

/** The outcome of synchronous work as a settled promise (a throw becomes a rejection). */
function settled<T>(fn: () => T): Promise<T> {
  try {
    return Promise.resolve(fn());
  } catch (err) {
    return Promise.reject(err instanceof Error ? err : new Error(String(err)));
  }
}


function eventRowOf(e: EventTypeDbRow): StoredEventTypeRow {
  return {
    seriesId: e.id,
    eventType: e.event_type,
    summaryType: e.summary_type,
    window: e.summary_window,
    timeUpdated: e.time_updated,
  };
}
