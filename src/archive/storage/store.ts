/**
 * The storage boundary of the embedded archive. The core (`service.ts`) speaks only this
 * interface, so the SQLite and PostgreSQL stores share validation, search semantics and summary
 * math. Every method returns a promise (a store may be a database across the network), and the
 * operations are coarse: a whole request's writes are one {@link ArchiveStore.writeSeries} call,
 * a read is one call per chunk, so a local store pays one promise per request, not per point.
 * Atomicity and de-duplication are the store's job and must hold across processes sharing one
 * database (constraints and transactions, not in-process locks).
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

/**
 * An event-type row as a write sees it: a base row (summary type `base`, window 0) also carries
 * the last ts of its series, so a write that only appends needs no probe for stored points.
 */
export interface WriteRow extends StoredEventTypeRow {
  /** The latest ts of a base row's series; undefined for an empty series or a summary row. */
  lastTs: number | undefined;
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
 * must all hold for one and the same event-type row (the same-row rule of archive-api.md: Metadata search).
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

/** A summary series fed by a base series, with its bin width (0: one bin per base ts). */
export interface SummarySeries {
  seriesId: number;
  window: number;
}

/** Base cells for one series and the summary series they feed. */
export interface SeriesWrite {
  baseSeriesId: number;
  /** Cells in ascending ts order, at most one per ts. */
  cells: SeriesCell[];
  /**
   * true: a ts already stored is replaced (and every bin holding it is recomputed from the base
   * series); false: a ts already stored is a conflict and nothing of the batch is written.
   */
  replace: boolean;
  summaries: readonly SummarySeries[];
  /**
   * The new state of one summary bin: `previous` (undefined or all-null: an empty bin) with
   * `cells` (base cells in the bin, ascending) folded in. Pure: the store calls it inside its
   * transaction, possibly more than once when the transaction is retried.
   */
  fold(summary: SummarySeries, bin: number, previous: SeriesCell | undefined, cells: readonly SeriesCell[]): SeriesCell;
}

/** One request's writes, stored atomically. */
export interface SeriesWriteBatch {
  writes: readonly SeriesWrite[];
  /** Event-type rows whose time-updated becomes `now`. */
  touch: readonly number[];
  now: number;
}

/** What {@link ArchiveStore.writeSeries} did: all written, or refused at the first conflict. */
export type WriteOutcome = { ok: true } | { ok: false; conflict: { baseSeriesId: number; ts: number } };

/** A raw cell for {@link ArchiveStore.putCells}. */
export interface RawCell {
  seriesId: number;
  cell: SeriesCell;
}

/**
 * The database cannot be reached (connection refused or lost, pool exhausted, timeout). The HTTP
 * layer answers it with 503; the store recovers by itself once the database is back.
 */
export class StoreUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreUnavailableError';
  }
}

/**
 * The database stayed locked by another writer (another process on the same file) for longer
 * than the store waits. Nothing was written; the client may retry (the HTTP layer answers 503).
 */
export class StoreBusyError extends StoreUnavailableError {
  constructor(message = 'the database is busy') {
    super(message);
    this.name = 'StoreBusyError';
  }
}

/**
 * A stored form whose point text the database writes itself: `integer`, `val` is `num` as an
 * exact integer (0 when null; `null` text for a cell whose `num` is not a whole number, or a
 * floating-point one past 2^53); `json`,
 * `val` is `out`, the value's JSON text as stored (`{}` when null).
 */
export type PointTextForm = 'integer' | 'json';

/** The storage operations the archive core needs. */
export interface ArchiveStore {
  /**
   * Matching metadata ordered by key bytewise, with the total match count. `total`, when the
   * caller already counted the same query (the next slice of one page), is used as the count
   * instead of counting again.
   */
  findMetadata(
    query: MetadataQuery,
    limit: number,
    offset: number,
    total?: number,
  ): Promise<{ total: number; items: StoredMetadata[] }>;
  metadataByKey(key: string): Promise<StoredMetadata | undefined>;
  /**
   * The metadata with `record.checksum`, inserted from `record` when there is none: atomic, so
   * concurrent posts of the same metadata (from any process) all get the one record.
   */
  findOrInsertMetadata(record: NewMetadataRecord): Promise<StoredMetadata>;
  /** Inserts records with their own keys (fixture loading), all or nothing. */
  insertMetadata(records: readonly NewMetadataRecord[]): Promise<void>;
  /** All rows of one event type of one metadata (empty when either is unknown). */
  eventTypeRows(key: string, eventType: string): Promise<StoredEventTypeRow[]>;

  /**
   * Every event-type row of one metadata, ascending by id (empty when the key is unknown), base
   * rows with their series' last ts: what a write request needs to know of its metadata, in ONE
   * query (a round trip per request on a networked store, not one per event type and series).
   */
  writeRows(key: string): Promise<WriteRow[]>;

  /** The latest ts of a series, or undefined when it is empty. */
  lastTimestamp(seriesId: number): Promise<number | undefined>;
  /** Which of `timestamps` already hold a cell in the series (one query for a whole request). */
  existingTimestamps(seriesId: number, timestamps: readonly number[]): Promise<number[]>;
  /** Cells with `from ≤ ts ≤ to` ascending, skipping `skip`, at most `take`. */
  readCells(seriesId: number, from: number, to: number, skip: number, take: number): Promise<SeriesCell[]>;
  /**
   * The cells {@link readCells} reads, each as the JSON text of its point, `{"ts":…,"val":…}`,
   * written by the database for a stored form whose text it writes exactly (see
   * {@link PointTextForm}); `null` for a cell not in that form (the caller reads that chunk as
   * cells instead). Lets a data page skip building a cell object per row.
   */
  readPointTexts(
    seriesId: number,
    from: number,
    to: number,
    skip: number,
    take: number,
    form: PointTextForm,
  ): Promise<Array<string | null>>;
  /** True when more than `position` cells lie in `from ≤ ts ≤ to`. */
  hasCellBeyond(seriesId: number, from: number, to: number, position: number): Promise<boolean>;

  /** Stores base cells, updates their summary bins exactly and touches rows, atomically. */
  writeSeries(batch: SeriesWriteBatch): Promise<WriteOutcome>;
  /** Inserts or replaces raw cells (fixture imports), atomically; no summary is computed. */
  putCells(cells: readonly RawCell[]): Promise<void>;
  /** Replaces every cell of a series with `cells` (rebuilding summaries), atomically. */
  replaceSeries(seriesId: number, cells: readonly SeriesCell[]): Promise<void>;

  addUser(name: string, keyHash: Buffer): Promise<void>;
  usersByKeyHash(keyHash: Buffer): Promise<StoredUser[]>;
  /** Sets a user's active flag; false when no user has that name. */
  setUserActive(name: string, active: boolean): Promise<boolean>;
  /** Every user (without key hashes), ordered by name. */
  listUsers(): Promise<{ name: string; active: boolean }[]>;

  close(): Promise<void>;
}
