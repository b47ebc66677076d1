/**
 * Public types of the query and post libraries. `createClient()` (src/client.ts) makes an
 * implementation (the esmond backend in `query/client.ts`, the OpenSearch one in
 * `query/opensearch/`); the CLI tools, get-bulk and the loaders program against these types.
 * @module
 */
import type { RetryInfo } from '../http/transport.js';
import type { EventType, EventValue, SeriesType } from '../model/event-types.js';
import type { WireNewMetadata, WirePoint } from '../model/wire.js';
import type { DataQuery, Metadata, MetadataQuery, SeriesSelector, SummaryInfo } from '../model/metadata.js';
import type { BatchWriteItem, BatchWriteOutcome } from '../post/write-batch.js';
import type { WriteBatchState } from '../post/write.js';
// The shared data model lives in model/metadata.ts; named here too, so the library's types stay in one place.
export type {
  DataQuery,
  EventTypeInfo,
  Metadata,
  MetadataQuery,
  SeriesSelector,
  SummaryInfo,
  TimeValue,
} from '../model/metadata.js';

/** Credentials for archives that require (or throttle without) an API key. */
export interface Credentials {
  /** The API key. Never logged. */
  apiKey: string;
  /** User name; with `scheme: 'ApiKey'` it is sent as `ApiKey user:key`. */
  username?: string;
  /** Header scheme; `Token` (esmond 2.x+) by default; `Basic` (user + password) for OpenSearch. */
  scheme?: 'Token' | 'ApiKey' | 'Basic';
}

/** Retry policy for one request (never a whole multi-page iteration). */
export interface RetryPolicy {
  /** Retries after the first attempt. @defaultValue 3 */
  limit: number;
  /** Statuses worth retrying. @defaultValue [408, 429, 500, 502, 503, 504] */
  statusCodes: readonly number[];
  /** First backoff delay, ms. @defaultValue 250 */
  baseMs: number;
  /** Backoff cap, ms (also caps Retry-After). @defaultValue 30000 */
  maxMs: number;
  /** Retry POST/PUT too. Writes are not idempotent, so off by default. @defaultValue false */
  retryWrites: boolean;
}

/** Connection options: how to talk to the archive, apart from what to ask it. */
export interface ClientOptions {
  /** `http://host`, `http://host:port`, `http://host/esmond`, or the full archive URL. */
  url: string;
  /**
   * Which backend serves `url`: an esmond/elmond REST archive (the default) or a perfSONAR 5
   * OpenSearch (`https://host/opensearch` or a bare OpenSearch URL), read directly.
   * @defaultValue 'esmond'
   */
  archive?: 'esmond' | 'opensearch' | 'auto';
  /** With `archive: 'auto'`: told once which backend was found. */
  onArchiveDetected?: (found: ArchiveDetection) => void;
  /** PEM text of a private CA to trust (OpenSearch's own root CA, say). */
  ca?: string;
  /**
   * Mount alias added when `url` has no path (`http://host` → `http://host/esmond/perfsonar/archive/`);
   * `''` or `'/'` for none. @defaultValue 'esmond'
   */
  scriptAlias?: string;
  /**
   * Timeout of each HTTP attempt, ms: for the response headers, then for each chunk of the body
   * (a slow but moving download is not cut off). Fires on time (our own timer). A timeout is
   * retried like a network error. @defaultValue 30000
   */
  timeoutMs?: number;
  /**
   * Time limit of one request with all its retries and backoff waits, ms. When it passes, the
   * request fails with a {@link TimeoutError} whose `phase` is `deadline` (or, when a backoff wait
   * would end past it, with the last attempt's error). Applies per request: a multi-page read
   * gets it for each page. @defaultValue none (only `timeoutMs` and `retry.limit` bound a request)
   */
  deadlineMs?: number;
  /** Retries after the first attempt; a shortcut for `retry.limit` (and wins over it). @defaultValue 3 */
  retries?: number;
  /** Retry policy; fields not given keep {@link DEFAULT_RETRY}'s values. */
  retry?: Partial<RetryPolicy>;
  /** Verify TLS certificates. @defaultValue true */
  tlsVerify?: boolean;
  credentials?: Credentials;
  userAgent?: string;
  /** Max sockets in the keep-alive pool. @defaultValue 8 */
  connections?: number;
  /**
   * The HTTP client underneath: `'undici'` sends more requests per second with several in flight
   * (exports, loaders); `'node'` (node:http) makes a new process's first request sooner (a tool
   * that sends a handful). @defaultValue 'undici'
   */
  httpEngine?: 'undici' | 'node';
  /**
   * Ask for compressed answers (`Accept-Encoding: gzip, br`) and decode them as they stream in:
   * about a fifth of the bytes over a slow link. `'auto'` asks every host but this machine's
   * (localhost, 127.0.0.0/8, ::1), where compressing and decoding cost more than they save.
   * @defaultValue 'auto'
   */
  compression?: boolean | 'auto';
  /** Largest response body accepted once decoded, bytes (a decompression bomb stops there). @defaultValue 256 MiB */
  maxBodyBytes?: number;
  /**
   * Called before every HTTP attempt (for `-v` style tracing); the URL includes the query string
   * and is credential-redacted. Never receives headers.
   */
  onRequest?: (info: { method: string; url: string }) => void;
  /**
   * Called before each retry, for progress lines such as
   * `retrying in 2.1 s (attempt 2 of 4): …` (`delayMs`, `nextAttempt`, `maxAttempts`, `error.message`).
   * The URL is redacted; never receives credentials or headers.
   */
  onRetry?: (info: RetryInfo) => void;
  /**
   * Writes request bodies as JSON text. @defaultValue `JSON.stringify`. The loaders pass
   * `pyJson` so numbers marked as Python floats go out as pScheduler's archiver sends them (`30.0`).
   */
  serializeBody?: (body: unknown) => string;
}

/** What `archive: 'auto'` found at a URL. */
export interface ArchiveDetection {
  archive: 'esmond' | 'opensearch';
  /** `elmond` when the esmond API's keys are perfSONAR 5 test checksums. */
  kind: 'esmond' | 'elmond' | 'opensearch';
  /** The archive URL or OpenSearch base used. */
  url: string;
}

/** Per-call options. */
export interface CallOptions {
  /** Aborts the call: it rejects with the signal's reason (not an EsmondError). */
  signal?: AbortSignal;
}

/** The results of {@link EsmondClient.searchMetadata}: iterate them, or take the first or all. */
export interface MetadataResults extends AsyncIterable<Metadata> {
  /** The first match, or `undefined`; fetches one page only. */
  first(): Promise<Metadata | undefined>;
  /** Every match, over all pages. */
  toArray(): Promise<Metadata[]>;
}

/** An event type name: one of the 49 ({@link EventType}), or a name only known at run time (a `string` variable). */
export type EventTypeName<E extends string> = string extends E ? E : E extends EventType ? E : EventType;

/** Options of {@link EsmondClient.createDataWriter}. */
export interface DataWriterOptions {
  /** Values queued before a bulk PUT is sent. @defaultValue 500 */
  batchSize?: number;
  /**
   * Timestamps kept for another try after a failed send; beyond it the oldest batches are given
   * up and reported as not stored. @defaultValue 10000
   */
  maxRetryBuffer?: number;
}

/**
 * Batching writer for the bulk PUT. A batch whose send fails for a reason the client's retry
 * policy retries (5xx, 408, 429, network, timeout) is kept and sent again after the backoff, up to
 * `retry.limit` times; the timestamps that could not be stored are reported by the next
 * {@link DataWriter.flush} or {@link DataWriter.close} as a `DataWriterError` (`notStored`).
 * A 201 with `X-Esmond-Stored: 0` is a failure too (`NotStoredError`, not retried).
 */
export interface DataWriter {
  /**
   * Queues one value (`ts` in UNIX seconds); sends a batch when `batchSize` values are queued and
   * resolves once it has been tried. Never rejects because of a send (`void writer.add(…)` is
   * safe); rejects with a `ValidationError` for a bad value or a closed writer.
   */
  add<E extends string>(ts: number, eventType: EventTypeName<E>, val: unknown): Promise<void>;
  /**
   * Sends everything queued and retries what failed until it is stored or given up.
   * @throws DataWriterError listing the timestamps not stored since the last flush.
   */
  flush(): Promise<void>;
  /** Flushes and stops the writer; later `add()`s reject. @throws DataWriterError like {@link DataWriter.flush}. */
  close(): Promise<void>;
}

/**
 * An esmond archive client. One keep-alive connection pool per client: `close()` it, or
 * `await using client = createClient(…)` (where `Symbol.asyncDispose` exists: Node ≥ 20.4 / TS ≥ 5.2).
 *
 * What every method throws: `ValidationError` for bad arguments (nothing is sent); `HttpError`,
 * `NetworkError`, `TimeoutError`, `ResponseError` for a failed request (after the retries the
 * policy allows); with an aborted `signal`, the signal's `reason` (e.g. a `DOMException` named
 * `AbortError` or `TimeoutError`, which the library's guards do not take for theirs).
 */
export interface EsmondClient {
  /** Absolute archive URL ending in `/perfsonar/archive/`. */
  readonly archiveUrl: string;
  /** The origin plus mount prefix that server-supplied paths are appended to, e.g. `http://h:8080`. */
  readonly origin: string;
  /**
   * Every matching metadata, over all pages (offset paging), in server order; the requests are
   * made while iterating. `first()` and `toArray()` for the common cases.
   */
  searchMetadata(query?: MetadataQuery, options?: CallOptions & { pageSize?: number }): MetadataResults;
  /** One metadata by key. Throws HttpError (404) when unknown. */
  getMetadata(key: string, options?: CallOptions): Promise<Metadata>;
  /**
   * Points of one series, over all pages (time-cursor paging that never drops or repeats points
   * sharing a timestamp). `metadata` may be a key or a decoded Metadata: then its URIs are used,
   * and an event type or summary it does not list is a `ValidationError` naming what it has.
   * The value type follows the event type: `number` for throughput, a `HistogramValue` for
   * histogram-owdelay (`HistogramStatistics` with `summaryType: 'statistics'`), …
   * @example
   * ```ts
   * for await (const p of client.data(md, 'throughput', {}, { timeStart: new Date('2024-05-01') })) p.val; // number
   * ```
   */
  data<E extends string = EventType, S extends SeriesType = 'base'>(
    metadata: string | Metadata,
    eventType: EventTypeName<E>,
    series?: SeriesSelector<S>,
    query?: DataQuery,
  ): AsyncIterable<WirePoint<EventValue<E, S>>>;
  /** {@link EsmondClient.data} with the value type given explicitly (`client.data<number>(…)`). */
  data<V, E extends string = string>(
    metadata: string | Metadata,
    eventType: EventTypeName<E>,
    series?: SeriesSelector,
    query?: DataQuery,
  ): AsyncIterable<WirePoint<V>>;
  /** Like {@link EsmondClient.data} but yields whole pages (arrays): the fast path for bulk export. */
  dataPages<E extends string = EventType, S extends SeriesType = 'base'>(
    metadata: string | Metadata,
    eventType: EventTypeName<E>,
    series?: SeriesSelector<S>,
    query?: DataQuery,
  ): AsyncIterable<Array<WirePoint<EventValue<E, S>>>>;
  /** {@link EsmondClient.dataPages} with the value type given explicitly. */
  dataPages<V, E extends string = string>(
    metadata: string | Metadata,
    eventType: EventTypeName<E>,
    series?: SeriesSelector,
    query?: DataQuery,
  ): AsyncIterable<Array<WirePoint<V>>>;
  /**
   * Summary windows available for a summary type (R10), by metadata key or a decoded Metadata.
   * @param summaryType - `aggregation`, `average` or `statistics` (or their URL forms).
   */
  summaries(
    metadata: string | Metadata,
    eventType: EventTypeName<string>,
    summaryType: string,
    options?: CallOptions,
  ): Promise<SummaryInfo[]>;
  /** Creates (or finds the identical) metadata; returns it decoded. Validates before sending. */
  postMetadata(body: WireNewMetadata, options?: CallOptions): Promise<Metadata>;
  /**
   * Writes one point of one event type (R12); `point.ts` in UNIX seconds.
   * @throws NotStoredError when the archive answers that it stored nothing.
   */
  postPoint<E extends string>(
    metadataKey: string,
    eventType: EventTypeName<E>,
    point: WirePoint,
    options?: CallOptions,
  ): Promise<void>;
  /**
   * Bulk write (R4), split into requests of at most `batchSize` timestamps (UNIX seconds).
   * @throws NotStoredError when the archive answers that it stored nothing.
   */
  putBulk(
    metadataKey: string,
    data: Iterable<{ ts: number; val: { 'event-type': string; val: unknown }[] }>,
    options?: CallOptions & { batchSize?: number },
  ): Promise<void>;
  /** A batching writer over {@link EsmondClient.putBulk} with a retry buffer (see {@link DataWriter}). */
  createDataWriter(metadataKey: string, options?: DataWriterOptions): DataWriter;
  /**
   * Several (metadata, bulk data) items in one request, through our archive's batch write
   * extension (README "esmond-ps-archive"): each outcome says what the item's metadata POST and
   * bulk PUT would have achieved (its key, or the error they would have thrown). Resolves to
   * `undefined`, sending nothing, while the archive is not known to offer it: until a write was
   * answered (see {@link writeBatchState}), and for good on an archive without it (an esmond).
   */
  writeBatch?(items: readonly BatchWriteItem[], options?: CallOptions): Promise<BatchWriteOutcome[] | undefined>;
  /** What the client knows of the batch write extension (learnt from its first answered write). */
  writeBatchState?(): WriteBatchState;
  /** Closes the connection pool; later requests fail. */
  close(): Promise<void>;
  /** `close()`, for `await using`. */
  [Symbol.asyncDispose](): Promise<void>;
}
