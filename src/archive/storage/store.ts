/**
 * The storage boundary of the embedded archive. The core (`service.ts`) speaks only this
 * interface, so a PostgreSQL store can replace the SQLite one without touching validation,
 * search semantics or summary math. Every method is synchronous: a store is a local database.
 * @module
 */

/** Subject fields as stored (IPs canonical). Network-element subjects lack the destination keys. */
export interface StoredSubject {
  source: string;
  destination?: string;
  'measurement-agent': string;
  'tool-name': string;
  'input-source': string;
  'input-destination'?: string;
}

/** One (event-type, summary-type, window) row; its id names the series holding its data. */
export interface StoredEventTypeRow {
  seriesId: number;
  eventType: string;
  summaryType: string;
  window: number;
  /** Whole UNIX seconds of the last write, or null when never written. */
  timeUpdated: number | null;
}

/** A metadata record with everything its JSON needs. */
export interface StoredMetadata {
  id: number;
  key: string;
  subjectType: string;
  subject: StoredSubject;
  parameters: Array<[string, string]>;
  eventTypes: StoredEventTypeRow[];
}

/** A metadata record to insert. `key` and `checksum` are chosen by the caller. */
export interface NewMetadataRecord {
  key: string;
  checksum: string;
  subjectType: string;
  subject: StoredSubject;
  parameters: ReadonlyArray<readonly [string, string]>;
  eventTypes: ReadonlyArray<{ eventType: string; summaryType: string; window: number; timeUpdated: number | null }>;
}

/**
 * A metadata search, already resolved: every present condition must hold (AND). Row conditions
 * must all hold for one and the same event-type row (the same-row rule of esmond-api §2.1).
 */
export interface MetadataQuery {
  subjectType?: string;
  key?: string;
  /** IP fields: the stored address must equal one of `anyOf` (canonical forms). */
  addresses: Array<{ field: 'source' | 'destination' | 'measurement-agent'; anyOf: string[] }>;
  /** Exact string subject fields. */
  strings: Array<{ field: 'tool-name' | 'input-source' | 'input-destination'; value: string }>;
  row?: {
    eventType?: string;
    summaryType?: string;
    window?: number;
    /** Inclusive bounds on a non-null time-updated; `updatedTo` undefined means open. */
    updatedFrom?: number;
    updatedTo?: number;
  };
  /** Free-form parameters: an exact (key, value) pair must exist for each. */
  parameters: Array<[string, string]>;
}

/**
 * One stored cell of a series, at `ts` (a base timestamp or a summary bin start). The meaning
 * of the columns depends on the data type and series (documented in `service`'s codec):
 * `num`/`den` numbers, `doc` JSON text (value or running state), `out` precomputed JSON output.
 * An integer `num` past 2^53 is a BigInt (exact to 64 bits); every other number is a number.
 */
export interface SeriesCell {
  ts: number;
  num: number | bigint | null;
  den: number | null;
  doc: string | null;
  out: string | null;
}

/** A write user. Only a hash of the key is ever stored. */
export interface StoredUser {
  name: string;
  keyHash: Buffer;
  active: boolean;
}

/**
 * The database stayed locked by another writer (another process on the same file) for longer
 * than the store waits. Nothing was written; the client may retry (the HTTP layer answers 503).
 */
export class StoreBusyError extends Error {
  constructor(message = 'the database is busy') {
    super(message);
    this.name = 'StoreBusyError';
  }
}

/** The storage operations the archive core needs. */
export interface ArchiveStore {
  /**
   * Runs `fn` atomically as a write transaction, holding the write lock from its start (so what
   * `fn` reads stays true until it commits); nested calls join the outer transaction.
   * @throws StoreBusyError when the write lock cannot be had in time.
   */
  transaction<T>(fn: () => T): T;

  /** Matching metadata ordered by key bytewise, with the total match count. */
  findMetadata(query: MetadataQuery, limit: number, offset: number): { total: number; items: StoredMetadata[] };
  metadataByKey(key: string): StoredMetadata | undefined;
  metadataByChecksum(checksum: string): StoredMetadata | undefined;
  insertMetadata(record: NewMetadataRecord): StoredMetadata;
  /** All rows of one event type of one metadata (empty when either is unknown). */
  eventTypeRows(key: string, eventType: string): StoredEventTypeRow[];
  /** Sets time-updated on the given rows. */
  touchRows(seriesIds: readonly number[], now: number): void;

  getCell(seriesId: number, ts: number): SeriesCell | undefined;
  /** The latest ts of a series, or undefined when it is empty. */
  lastTimestamp(seriesId: number): number | undefined;
  /** Which of `timestamps` already hold a cell in the series (one query for a whole request). */
  existingTimestamps(seriesId: number, timestamps: readonly number[]): number[];
  /** Inserts or replaces one cell. */
  putCell(seriesId: number, cell: SeriesCell): void;
  /** Cells with `from ≤ ts ≤ to` ascending, skipping `skip`, at most `take`. */
  readCells(seriesId: number, from: number, to: number, skip: number, take: number): SeriesCell[];
  /** True when more than `position` cells lie in `from ≤ ts ≤ to`. */
  hasCellBeyond(seriesId: number, from: number, to: number, position: number): boolean;
  /** Deletes every cell of a series (used to rebuild summaries). */
  clearSeries(seriesId: number): void;

  addUser(name: string, keyHash: Buffer): void;
  usersByKeyHash(keyHash: Buffer): StoredUser[];
  /** Sets a user's active flag; false when no user has that name. */
  setUserActive(name: string, active: boolean): boolean;
  /** Every user (without key hashes), ordered by name. */
  listUsers(): { name: string; active: boolean }[];

  close(): void;
}
