/**
 * The SQLite implementation of {@link ArchiveStore} (better-sqlite3, WAL). Series cells live in
 * a WITHOUT ROWID table keyed (series_id, ts), so reading a time range of one series is a single
 * index range scan. The schema is in `sqlite-schema.ts`, the search SQL in `sqlite-search.ts`,
 * row mapping in `sqlite-rows.ts`. All SQL uses bound parameters; lists are bound as JSON arrays
 * through `json_each`. better-sqlite3 is synchronous: each contract method does its whole work
 * (a request's writes in one transaction) synchronously and returns a settled promise, so no
 * other request can run between its statements.
 * @module
 */
import type Database from 'better-sqlite3';
import type {
  ArchiveStore,
  MetadataQuery,
  NewMetadataRecord,
  PointTextForm,
  RawCell,
  SeriesCell,
  SeriesWriteBatch,
  StoredEventTypeRow,
  StoredMetadata,
  StoredUser,
  WriteOutcome,
  WriteRow,
} from './store.js';
import { binEnd, binUpdates, lockOrder, WriteConflict } from './bins.js';
import { StoreBusyError } from './store.js';
import {
  eventRowOf,
  writeRowOf,
  type EventTypeArrayRow,
  type MetadataRow,
  type WriteArrayRow,
} from './metadata-row.js';
import { BUSY_TIMEOUT_MS, isBusy, openArchiveDatabase } from './sqlite-schema.js';
import { GroupCommit } from './sqlite-group-commit.js';
import { insertMetadataRows } from './sqlite-metadata-insert.js';
import { insertNewCells } from './sqlite-cell-insert.js';
import { backgroundCheckpointer, type BackgroundCheckpointer } from './sqlite-checkpointer.js';
import { cellJobOf, SqliteCellWriter, type CellJob } from './sqlite-cell-writer.js';
import { addUserRow, setUserActiveRow, userRows, userRowsByKeyHash } from './sqlite-users.js';
import { searchPage } from './sqlite-search.js';
import {
  EVENT_TYPE_ROWS_SQL,
  GET_CELL_SQL,
  METADATA_BY_IDS_SQL,
  READ_CELLS_SQL,
  WRITE_ROWS_SQL,
  READ_POINT_TEXTS_SQL,
  cellOf,
  hydrateMetadata,
  settled,
  type CellRow,
} from './sqlite-rows.js';

/** Opens (creating if needed, mode 0600) an archive database file; `':memory:'` works for throwaway stores. */
export function openSqliteStore(path: string): ArchiveStore {
  return new SqliteStore(openArchiveDatabase(path));
}

class SqliteStore implements ArchiveStore {
  private readonly statements = new Map<string, Database.Statement>();

  private readonly group: GroupCommit;

  private readonly checkpointer: BackgroundCheckpointer | undefined;

  /** Inserts plain new cells on another thread (only beside a running checkpointer: it keeps the WAL short). */
  private readonly cellWriter: SqliteCellWriter | undefined;

  private closing: Promise<void> | undefined;

  constructor(private readonly db: Database.Database) {
    this.checkpointer = backgroundCheckpointer(db);
    const writer = this.checkpointer && new SqliteCellWriter(db.name);
    this.cellWriter = writer;
    this.group = new GroupCommit(
      db,
      (fn) => {
        this.transaction(fn);
      },
      () => this.checkpointer?.wrote(),
      writer && ((jobs) => writer.run(jobs as CellJob[])),
    );
  }

  private hydrate(rows: readonly MetadataRow[]): StoredMetadata[] {
    return hydrateMetadata((text) => this.sql(text), rows);
  }

  private readonly statement = (text: string): Database.Statement => this.sql(text);

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

  /** Matching metadata ordered by key, one page of them (the SQL is in `sqlite-search.ts`). */
  findMetadata(
    query: MetadataQuery,
    limit: number,
    offset: number,
    known?: number,
  ): Promise<{ total: number; items: StoredMetadata[] }> {
    return settled(() => {
      const { total, ids } = searchPage((text) => this.sql(text), query, limit, offset, known);
      if (ids.length === 0) return { total, items: [] };
      const rows = this.sql(METADATA_BY_IDS_SQL).all(JSON.stringify(ids)) as MetadataRow[];
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
    return this.group.run(() => this.metadataByChecksum(record.checksum) ?? this.insertOne(record));
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
      MetadataRow | undefined;
    return row && this.hydrate([row])[0];
  }

  private insertOne(record: NewMetadataRecord): StoredMetadata {
    return this.transaction(() => insertMetadataRows(this.statement, record));
  }

  eventTypeRows(key: string, eventType: string): Promise<StoredEventTypeRow[]> {
    return settled(() => {
      return (this.sql(EVENT_TYPE_ROWS_SQL).raw().all(key, eventType) as EventTypeArrayRow[]).map(eventRowOf);
    });
  }

  writeRows(key: string): Promise<WriteRow[]> {
    return settled(() => {
      return (this.sql(WRITE_ROWS_SQL).raw().all(key) as WriteArrayRow[]).map(writeRowOf);
    });
  }

  private touchRows(seriesIds: readonly number[], now: number): void {
    // One rowid probe per row: an `IN (json_each)` form is planned as a scan of every row once
    // the statistics say the table is small.
    const touch = this.sql('UPDATE event_types SET time_updated = ? WHERE id = ?');
    for (const id of new Set(seriesIds)) touch.run(now, id);
  }

  private getCell(seriesId: number, ts: number): SeriesCell | undefined {
    const row = this.sql(GET_CELL_SQL).raw().get(seriesId, ts) as CellRow | undefined;
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
    const job = this.cellWriter?.usable === true && this.checkpointer?.running === true ? cellJobOf(batch) : undefined;
    if (job) return this.group.runRemote(job);
    return this.group.run(() => {
      try {
        // A savepoint of its own: a conflict undoes this request's cells, not the group's.
        this.db.transaction(() => {
          for (const write of lockOrder(batch)) {
            const base = write.baseSeriesId;
            const replaced = new Set(
              write.replace
                ? this.existingNow(
                    base,
                    write.cells.map((c) => c.ts),
                  )
                : [],
            );
            if (write.replace) for (const cell of write.cells) this.putCell(base, cell);
            else {
              const taken = insertNewCells((text) => this.sql(text), base, write.cells);
              if (taken !== undefined) throw new WriteConflict(base, taken);
            }
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
        })();
        return { ok: true };
      } catch (err) {
        if (err instanceof WriteConflict)
          return { ok: false, conflict: { baseSeriesId: err.baseSeriesId, ts: err.ts } };
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
    const rows = this.sql(READ_CELLS_SQL).raw().all(seriesId, from, to, take, skip) as CellRow[];
    return rows.map(cellOf);
  }

  readPointTexts(
    seriesId: number,
    from: number,
    to: number,
    skip: number,
    take: number,
    form: PointTextForm,
  ): Promise<Array<string | null>> {
    return settled(
      () => this.sql(READ_POINT_TEXTS_SQL[form]).pluck().all(seriesId, from, to, take, skip) as Array<string | null>,
    );
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
      addUserRow(this.statement, name, keyHash);
    });
  }

  setUserActive(name: string, active: boolean): Promise<boolean> {
    return settled(() => setUserActiveRow(this.statement, name, active));
  }

  listUsers(): Promise<{ name: string; active: boolean }[]> {
    return settled(() => userRows(this.statement));
  }

  usersByKeyHash(keyHash: Buffer): Promise<StoredUser[]> {
    return settled(() => userRowsByKeyHash(this.statement, keyHash));
  }

  /** Once, however often it is called. */
  close(): Promise<void> {
    return (this.closing ??= this.closeNow());
  }

  private async closeNow(): Promise<void> {
    if (!this.db.open) return;
    await this.group.drain();
    // The workers' connections first: the last one to close checkpoints and removes the WAL.
    await this.cellWriter?.close();
    await this.checkpointer?.close();
    try {
      // Refreshes planner statistics where they went stale (cheap; recommended before close).
      this.db.pragma('optimize');
    } catch {
      // A read-only or busy database simply keeps its old statistics.
    }
    this.db.close();
  }
}
