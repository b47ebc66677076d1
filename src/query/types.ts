/**
 * Public types of the query and post libraries. The implementation is `createClient()` in
 * `query/client.ts`; the CLI tools, get-bulk and the loaders program against these types.
 * @module
 */
import type { RetryInfo } from '../http/transport.js';
import type { EventType, SeriesType } from '../model/event-types.js';
import type { WireMetadata, WireNewMetadata, WirePoint } from '../model/wire.js';

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

/** Metadata search criteria (esmond-api §2). Unset fields are not sent. */
export interface MetadataQuery {
  source?: string;
  destination?: string;
  measurementAgent?: string;
  eventType?: string;
  toolName?: string;
  inputSource?: string;
  inputDestination?: string;
  subjectType?: string;
  metadataKey?: string;
  summaryType?: string;
  summaryWindow?: number;
  dnsMatchRule?: 'v4v6' | 'only-v4' | 'only-v6' | 'prefer-v4' | 'prefer-v6';
  /** Time filters on `time-updated` (UNIX seconds). */
  time?: number;
  timeStart?: number;
  timeEnd?: number;
  timeRange?: number;
  /** Free-form parameter filters, sent in order, e.g. `[['ip-transport-protocol', 'tcp']]`. */
  filters?: ReadonlyArray<readonly [string, string]>;
}

/** A summary of an event type on one metadata. */
export interface SummaryInfo {
  summaryType: string;
  /** Always a number here, whatever the server sent (string in esmond, number in elmond). */
  summaryWindow: number;
  uri: string;
  timeUpdated: number | null;
}

/** An event type on one metadata. */
export interface EventTypeInfo {
  eventType: string;
  baseUri: string;
  timeUpdated: number | null;
  summaries: SummaryInfo[];
}

/** A metadata object, decoded. `raw` keeps the wire object with every field, in server order. */
export interface Metadata {
  key: string;
  uri: string;
  url: string | undefined;
  subjectType: string;
  source: string | undefined;
  destination: string | undefined;
  measurementAgent: string | undefined;
  toolName: string | undefined;
  inputSource: string | undefined;
  inputDestination: string | undefined;
  /** Free-form parameters as strings (numbers from elmond are converted), in wire order. */
  parameters: Record<string, string>;
  eventTypes: EventTypeInfo[];
  raw: WireMetadata;
}

/** Time window and paging of a data read (esmond-api §5.2). */
export interface DataQuery {
  time?: number;
  timeStart?: number;
  timeEnd?: number;
  timeRange?: number;
  /** Points per request. @defaultValue 1000 */
  pageSize?: number;
  signal?: AbortSignal;
}

/** Which series of an event type to read. */
export interface SeriesSelector {
  summaryType?: SeriesType;
  /** @defaultValue 0 */
  summaryWindow?: number;
}

/** Per-call options. */
export interface CallOptions {
  signal?: AbortSignal;
}

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
  add(ts: number, eventType: EventType, val: unknown): Promise<void>;
  /**
   * Sends everything queued and retries what failed until it is stored or given up.
   * @throws DataWriterError listing the timestamps not stored since the last flush.
   */
  flush(): Promise<void>;
  /** Flushes and stops the writer; later `add()`s reject. @throws DataWriterError like {@link DataWriter.flush}. */
  close(): Promise<void>;
}

/** An esmond archive client. One keep-alive connection pool per client. */
export interface EsmondClient {
  /** Absolute archive URL ending in `/perfsonar/archive/`. */
  readonly archiveUrl: string;
  /** The origin plus mount prefix that server-supplied paths are appended to, e.g. `http://h:8080`. */
  readonly origin: string;
  /** Every matching metadata, over all pages (offset paging), in server order. */
  searchMetadata(query?: MetadataQuery, options?: CallOptions & { pageSize?: number }): AsyncIterable<Metadata>;
  /** One metadata by key. Throws HttpError (404) when unknown. */
  getMetadata(key: string, options?: CallOptions): Promise<Metadata>;
  /**
   * Points of one series, over all pages (time-cursor paging that never drops or repeats points
   * sharing a timestamp). `metadata` may be a key or a decoded Metadata (then its URIs are used).
   */
  data<V = unknown>(
    metadata: string | Metadata,
    eventType: string,
    series?: SeriesSelector,
    query?: DataQuery,
  ): AsyncIterable<WirePoint<V>>;
  /** Like {@link data} but yields whole pages (arrays) — the fast path for bulk export. */
  dataPages<V = unknown>(
    metadata: string | Metadata,
    eventType: string,
    series?: SeriesSelector,
    query?: DataQuery,
  ): AsyncIterable<WirePoint<V>[]>;
  /** Summary windows available for a summary type (R10). */
  summaries(metadataKey: string, eventType: string, summaryType: string, options?: CallOptions): Promise<SummaryInfo[]>;
  /** Creates (or finds the identical) metadata; returns it decoded. Validates before sending. */
  postMetadata(body: WireNewMetadata, options?: CallOptions): Promise<Metadata>;
  /** Writes one point of one event type (R12). */
  postPoint(metadataKey: string, eventType: string, point: WirePoint, options?: CallOptions): Promise<void>;
  /** Bulk write (R4), split into requests of at most `batchSize` timestamps. */
  putBulk(
    metadataKey: string,
    data: Iterable<{ ts: number; val: { 'event-type': string; val: unknown }[] }>,
    options?: CallOptions & { batchSize?: number },
  ): Promise<void>;
  /** A batching writer over {@link EsmondClient.putBulk} with a retry buffer (see {@link DataWriter}). */
  createDataWriter(metadataKey: string, options?: DataWriterOptions): DataWriter;
  /** Closes the connection pool. */
  close(): Promise<void>;
}
