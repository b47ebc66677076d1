/**
 * The PostgreSQL implementation of {@link ArchiveStore} (node-postgres): a connection pool,
 * named (prepared) statements, `COPY` for new points and multi-row
 * `INSERT … SELECT FROM unnest(…)` for other bulk writes. It is
 * built for several archive processes sharing one database: metadata de-duplication is a UNIQUE
 * constraint with `ON CONFLICT`, the 409 rule is `INSERT … ON CONFLICT DO NOTHING` inside the
 * write transaction, and summary bins are locked (`FOR UPDATE`, created first when missing)
 * before they are folded, so concurrent writers never lose or double an update. Deadlocks and
 * serialization failures re-run the transaction; an unreachable database is a
 * {@link StoreUnavailableError} (503), and the pool reconnects by itself.
 * @module
 */
import pg from 'pg';
import type { PoolClient, QueryConfig, QueryResultRow } from 'pg';
import {
  type ArchiveStore,
  type MetadataQuery,
  type NewMetadataRecord,
  type PointTextForm,
  type RawCell,
  type SeriesCell,
  type SeriesWriteBatch,
  type StoredEventTypeRow,
  type StoredMetadata,
  type StoredUser,
  type WriteOutcome,
  type WriteRow,
} from './store.js';
import { metadataInsertValues } from './metadata-row.js';
import { migrate } from './postgres/schema.js';
import {
  createPool,
  hasNul,
  inTransaction,
  MAX_ATTEMPTS,
  unavailable,
  type PostgresStoreOptions,
} from './postgres/pool.js';

export type { PostgresStoreOptions } from './postgres/pool.js';
import { copyCells } from './postgres/copy.js';
import {
  asDuplicate,
  DuplicateCells,
  plainAppendText,
  RecentTouches,
  touchRows,
  writeBatch,
} from './postgres/write.js';
import { named, pgMetadataCount, pgSearchPage, SQL } from './postgres/queries.js';
import { cellColumns, cellOf, type CellArrayRow, type MetadataRow } from './postgres/rows.js';
import {
  assembleMetadata,
  eventRowOf,
  writeRowOf,
  type EventTypeArrayRow,
  type WriteArrayRow,
} from './metadata-row.js';

const CHUNK = 1000;

type Db = pg.Pool | PoolClient;

/**
 * Connects to `url` (`postgres://user:password@host:port/db?sslmode=require`), creates or
 * migrates the schema, and returns the store. Rejects with {@link StoreUnavailableError} when the
 * database cannot be reached.
 */
export async function openPostgresStore(url: string, options: PostgresStoreOptions = {}): Promise<ArchiveStore> {
  const pool = createPool(url, options);
  try {
    const client = await pool.connect();
    try {
      await migrate(client);
    } finally {
      client.release();
    }
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw unavailable(err);
  }
  return new PostgresStore(pool);
}

class PostgresStore implements ArchiveStore {
  private closed = false;
  private readonly touches = new RecentTouches();

  constructor(private readonly pool: pg.Pool) {}

  /** One statement on the pool (or a transaction's client), connection errors as 503s. */
  private async q<R extends QueryResultRow>(db: Db, config: QueryConfig): Promise<R[]> {
    try {
      return (await db.query<R>(config)).rows;
    } catch (err) {
      throw unavailable(err);
    }
  }

  /** Like {@link q} with array rows (no per-row objects: cheaper for long reads). */
  private async arrays<R extends unknown[]>(db: Db, config: QueryConfig): Promise<R[]> {
    try {
      return (await db.query<R>({ ...config, rowMode: 'array' })).rows;
    } catch (err) {
      throw unavailable(err);
    }
  }

  /** {@link inTransaction} on this store's pool. */
  private tx<T>(fn: (c: PoolClient) => Promise<T>, begin?: (c: PoolClient) => Promise<unknown>, commit?: boolean) {
    return inTransaction(this.pool, fn, begin, commit);
  }

  async findMetadata(
    query: MetadataQuery,
    limit: number,
    offset: number,
    known?: number,
  ): Promise<{ total: number; items: StoredMetadata[] }> {
    // PostgreSQL text cannot hold NUL, so nothing stored can match a filter containing one.
    if (hasNul(query)) return { total: 0, items: [] };
    const count = async (): Promise<number> =>
      known ?? (await this.q<{ n: number }>(this.pool, pgMetadataCount(query)))[0]?.n ?? 0;
    if (limit <= 0) return { total: await count(), items: [] };
    const rows = await this.q<MetadataRow>(this.pool, pgSearchPage(query, limit, offset));
    // A page that is not full ends the matches: its end is the total, no count needed (most
    // searches match less than a page).
    const pageEnds = rows.length < limit && (rows.length > 0 || offset === 0);
    const [total, items] = await Promise.all([
      pageEnds ? offset + rows.length : count(),
      this.hydrate(this.pool, rows),
    ]);
    return { total, items };
  }

  async metadataByKey(key: string): Promise<StoredMetadata | undefined> {
    if (hasNul(key)) return undefined;
    const rows = await this.q<MetadataRow>(this.pool, named('metadata_by_key', SQL.metadataByKey, [key]));
    return (await this.hydrate(this.pool, rows))[0];
  }

  /** Adds parameters and event-type rows to metadata rows, in two queries for the whole page. */
  private async hydrate(db: Db, rows: MetadataRow[]): Promise<StoredMetadata[]> {
    if (rows.length === 0) return [];
    const ids = rows.map((r) => r.id);
    const [params, events] = await Promise.all([
      this.arrays<[number, string, string]>(db, named('parameters_of', SQL.parametersOf, [ids])),
      this.arrays<EventTypeArrayRow>(db, named('event_types_of', SQL.eventTypesOf, [ids])),
    ]);
    return assembleMetadata(rows, params, events);
  }

  async findOrInsertMetadata(record: NewMetadataRecord): Promise<StoredMetadata> {
    // ON CONFLICT (checksum): a concurrent insert of the same metadata (any process) waits for
    // the first to commit, then inserts nothing; both then read the one record.
    await this.tx((c) => this.insertOne(c, record));
    const rows = await this.q<MetadataRow>(
      this.pool,
      named('metadata_by_checksum', SQL.metadataByChecksum, [record.checksum]),
    );
    const [stored] = await this.hydrate(this.pool, rows);
    if (!stored) throw new Error('metadata vanished after insert');
    return stored;
  }

  async insertMetadata(records: readonly NewMetadataRecord[]): Promise<void> {
    // Three multi-row statements per chunk, not three per record: fixture loads and imports
    // bring many thousands of records.
    await this.tx(async (c) => {
      for (let i = 0; i < records.length; i += CHUNK) {
        const chunk = records.slice(i, i + CHUNK);
        const rows = chunk.map(metadataInsertValues);
        const columns = Array.from({ length: 9 }, (_, col) => rows.map((r) => r[col] ?? null));
        const inserted = await this.arrays<[number, string]>(
          c,
          named('insert_metadata_rows', SQL.insertMetadataRows, columns),
        );
        const idOf = new Map(inserted.map(([id, checksum]) => [checksum, id]));
        const params: [number[], string[], string[]] = [[], [], []];
        const events: [number[], string[], string[], number[], Array<number | null>] = [[], [], [], [], []];
        for (const r of chunk) {
          const id = idOf.get(r.checksum);
          if (id === undefined) throw new Error(`metadata ${r.key}: its checksum is already stored`);
          // One value per key (the last, as with one upsert per pair): a statement may not touch a row twice.
          for (const [k, v] of new Map(r.parameters.map(([k, v]) => [k, v]))) {
            params[0].push(id);
            params[1].push(k);
            params[2].push(v);
          }
          for (const e of r.eventTypes) {
            events[0].push(id);
            events[1].push(e.eventType);
            events[2].push(e.summaryType);
            events[3].push(e.window);
            events[4].push(e.timeUpdated);
          }
        }
        if (params[0].length > 0) await this.q(c, named('insert_parameter_rows', SQL.insertParameterRows, params));
        if (events[0].length > 0) await this.q(c, named('insert_event_type_rows', SQL.insertEventTypeRows, events));
      }
    });
  }

  /** Inserts one record unless its checksum exists; true when it inserted. */
  private async insertOne(c: PoolClient, record: NewMetadataRecord): Promise<boolean> {
    const inserted = await this.q<{ id: number }>(
      c,
      named('insert_metadata', SQL.insertMetadata, metadataInsertValues(record)),
    );
    const id = inserted[0]?.id;
    if (id === undefined) return false;
    if (record.parameters.length > 0) {
      const p = record.parameters;
      await this.q(c, named('insert_parameters', SQL.insertParameters, [id, p.map(([k]) => k), p.map(([, v]) => v)]));
    }
    const e = record.eventTypes;
    if (e.length > 0) {
      await this.q(
        c,
        named('insert_event_types', SQL.insertEventTypes, [
          id,
          e.map((r) => r.eventType),
          e.map((r) => r.summaryType),
          e.map((r) => r.window),
          e.map((r) => r.timeUpdated),
        ]),
      );
    }
    return true;
  }

  async eventTypeRows(key: string, eventType: string): Promise<StoredEventTypeRow[]> {
    if (hasNul(key) || hasNul(eventType)) return [];
    return (
      await this.arrays<EventTypeArrayRow>(this.pool, named('event_type_rows', SQL.eventTypeRows, [key, eventType]))
    ).map(eventRowOf);
  }

  async writeRows(key: string): Promise<WriteRow[]> {
    if (hasNul(key)) return [];
    return (await this.arrays<WriteArrayRow>(this.pool, named('write_rows', SQL.writeRows, [key]))).map(writeRowOf);
  }

  async lastTimestamp(seriesId: number): Promise<number | undefined> {
    const [row] = await this.q<{ ts: number | null }>(this.pool, named('last_ts', SQL.lastTimestamp, [seriesId]));
    return row?.ts ?? undefined;
  }

  async existingTimestamps(seriesId: number, timestamps: readonly number[]): Promise<number[]> {
    if (timestamps.length === 0) return [];
    return (await this.arrays<[number]>(this.pool, named('existing', SQL.existing, [seriesId, timestamps]))).map(
      (r) => r[0],
    );
  }

  async readCells(seriesId: number, from: number, to: number, skip: number, take: number): Promise<SeriesCell[]> {
    return this.readOn(this.pool, seriesId, from, to, skip, take);
  }

  private async readOn(
    db: Db,
    seriesId: number,
    from: number,
    to: number,
    skip: number,
    take: number,
  ): Promise<SeriesCell[]> {
    return (
      await this.arrays<CellArrayRow>(db, named('read_cells', SQL.readCells, [seriesId, from, to, take, skip]))
    ).map(cellOf);
  }

  async readPointTexts(
    seriesId: number,
    from: number,
    to: number,
    skip: number,
    take: number,
    form: PointTextForm,
  ): Promise<Array<string | null>> {
    const query =
      form === 'integer'
        ? named('point_texts_integer', SQL.pointTextsInteger, [seriesId, from, to, take, skip])
        : named('point_texts_json', SQL.pointTextsJson, [seriesId, from, to, take, skip]);
    return (await this.arrays<[string | null]>(this.pool, query)).map((r) => r[0]);
  }

  async hasCellBeyond(seriesId: number, from: number, to: number, position: number): Promise<boolean> {
    return (
      (await this.arrays(this.pool, named('cell_beyond', SQL.cellBeyond, [seriesId, from, to, position]))).length > 0
    );
  }

  async writeSeries(batch: SeriesWriteBatch): Promise<WriteOutcome> {
    const copy = plainAppendText(batch);
    for (let attempt = 1; ; attempt++) {
      try {
        if (copy === undefined) {
          await this.tx((c) => writeBatch(c, batch));
        } else {
          // Nothing to touch: the COPY alone, atomic by itself; else it opens the transaction.
          const touch = this.touches.pending(batch);
          if (touch.length === 0)
            await this.tx(
              () => Promise.resolve(),
              (c) => copyCells(c, copy, false),
              false,
            );
          else
            await this.tx(
              (c) => touchRows(c, touch, batch.now),
              (c) => copyCells(c, copy, true),
            );
        }
        this.touches.committed(batch);
        return { ok: true };
      } catch (caught) {
        const err = copy === undefined ? caught : asDuplicate(caught, batch);
        if (!(err instanceof DuplicateCells)) throw err;
        // Which point was there: the first stored one in lock order. None (the other writer's
        // points are gone again): write the batch once more.
        for (const w of err.writes) {
          const stored = new Set(await this.existingTimestamps(w.baseSeriesId, w.stamps));
          const ts = w.stamps.find((t) => stored.has(t));
          if (ts !== undefined) return { ok: false, conflict: { baseSeriesId: w.baseSeriesId, ts } };
        }
        if (attempt >= MAX_ATTEMPTS) throw err;
      }
    }
  }

  async putCells(cells: readonly RawCell[]): Promise<void> {
    const bySeries = new Map<number, Map<number, SeriesCell>>();
    for (const { seriesId, cell } of cells) {
      let byTs = bySeries.get(seriesId);
      if (!byTs) bySeries.set(seriesId, (byTs = new Map<number, SeriesCell>()));
      // Last one wins, as with one INSERT OR REPLACE per cell.
      byTs.set(cell.ts, cell);
    }
    await this.tx(async (c) => {
      for (const [seriesId, byTs] of [...bySeries].sort((a, b) => a[0] - b[0])) {
        await this.q(c, named('upsert_cells', SQL.upsertCells, [seriesId, ...cellColumns([...byTs.values()])]));
      }
    });
  }

  async replaceSeries(seriesId: number, cells: readonly SeriesCell[]): Promise<void> {
    await this.tx(async (c) => {
      await this.q(c, named('clear_series', SQL.clearSeries, [seriesId]));
      for (let i = 0; i < cells.length; i += CHUNK) {
        await this.q(c, named('upsert_cells', SQL.upsertCells, [seriesId, ...cellColumns(cells.slice(i, i + CHUNK))]));
      }
    });
  }

  async addUser(name: string, keyHash: Buffer): Promise<void> {
    await this.q(this.pool, named('add_user', SQL.addUser, [name, keyHash]));
  }

  async usersByKeyHash(keyHash: Buffer): Promise<StoredUser[]> {
    const rows = await this.q<{ name: string; key_hash: Buffer; active: boolean }>(
      this.pool,
      named('users_by_key', SQL.usersByKeyHash, [keyHash]),
    );
    return rows.map((r) => ({ name: r.name, keyHash: r.key_hash, active: r.active }));
  }

  async setUserActive(name: string, active: boolean): Promise<boolean> {
    try {
      return ((await this.pool.query(named('set_user_active', SQL.setUserActive, [active, name]))).rowCount ?? 0) > 0;
    } catch (err) {
      throw unavailable(err);
    }
  }

  async listUsers(): Promise<{ name: string; active: boolean }[]> {
    return this.q<{ name: string; active: boolean }>(this.pool, named('list_users', SQL.listUsers, []));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }
}
