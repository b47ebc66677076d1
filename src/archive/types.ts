/**
 * The contract between the archive's HTTP layer (`app.ts`, routing, auth headers, body parsing)
 * and its core (`service.ts`: validation, search, summaries, storage). The HTTP layer never
 * touches storage; the core never sees a socket. Seeding and the pScheduler ingest route call the
 * same core methods the HTTP writes use, so every write takes one code path.
 * @module
 */
import type { WireEventType, WireMetadata, WirePoint, WireSummary } from '../model/wire.js';
import type { ForwardResolver } from '../util/dns.js';

/** An error the API answers with `{"detail": message}` and the given status. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(detail);
    this.name = 'ApiError';
  }
}

/** Per-request facts the core needs to build URLs and apply defaults. */
export interface RequestContext {
  /** Absolute URL of the request as received (scheme + Host header + path + query). */
  requestUrl: URL;
  /** Mount prefix of the request: `'/esmond'` or `''` (paths the server emits carry it). */
  prefix: string;
  /** Current UNIX time in whole seconds (injectable for tests). */
  now: number;
}

/** Answer of a paginated GET: the JSON body and the `Link` header value, if any. */
export interface Page<T> {
  body: T[];
  link?: string;
}

/**
 * A data read: points are produced lazily, a chunk at a time, so a large page is streamed, not
 * buffered. `points` gives them as objects (programmatic callers); `json`, when present, gives
 * the same points as their JSON text, one string per point, exactly what `JSON.stringify` of the
 * point writes, built without point objects: the HTTP layer sends `json` when there is one.
 */
export interface DataPage {
  points: AsyncIterable<readonly WirePoint[]>;
  json?: AsyncIterable<readonly string[]>;
  link?: string;
}

/**
 * A metadata search page, read and rendered a slice at a time so a large page is streamed, not
 * buffered. `items` gives the metadata as objects; `json`, when present, gives the same metadata
 * as their JSON text, exactly what `JSON.stringify` of each writes: the HTTP layer sends `json`
 * when there is one. A caller takes one of them.
 */
export interface MetadataPage {
  items: AsyncIterable<readonly WireMetadata[]>;
  json?: AsyncIterable<readonly string[]>;
  link?: string;
}

/** Resolves a host name to at most one address of a family; `undefined` when there is none. */
export type Resolver = ForwardResolver;

/** Outcome of checking an API key: `inactive` is a known key of a disabled user. */
export type KeyCheck = 'ok' | 'unknown' | 'inactive';

/** Options of {@link createArchiveService}. */
export interface ArchiveServiceOptions {
  /** DNS for `source`/`destination`/`measurement-agent` filters; `false` turns name lookups off. */
  resolver?: Resolver | false;
  /** How long a DNS answer is cached, ms. */
  dnsCacheMs?: number;
  /**
   * How long a verified API key is trusted without asking the store again, ms (default 5 000;
   * 0: never cached): the longest a user disabled by another process keeps working.
   */
  keyCacheMs?: number;
}

/** Options of {@link ArchiveService.createMetadata}. */
export interface CreateMetadataOptions {
  /**
   * The key a new metadata gets when no metadata with that key exists (`esmond-ps-archive
   * import` keeps the source archive's keys); otherwise a random one. A metadata with the same
   * checksum is found and returned as always, whatever its key.
   */
  key?: string;
}

/**
 * The archive core: every operation of archive-api.md: Metadata search, Reading data, Writing, over parsed inputs.
 * Methods throw {@link ApiError} for every client error (never a plain Error for bad input).
 */
export interface ArchiveService {
  /** metadata search (R1). `params` are the raw query parameters, repeated keys: last wins. */
  searchMetadata(params: URLSearchParams, ctx: RequestContext): Promise<Page<WireMetadata>>;
  /** {@link searchMetadata} as a stream of slices (what the HTTP layer sends, with backpressure). */
  searchMetadataStream(params: URLSearchParams, ctx: RequestContext): Promise<MetadataPage>;
  /** metadata detail (R3): 404 when unknown or filtered out. */
  getMetadata(key: string, params: URLSearchParams, ctx: RequestContext): Promise<WireMetadata>;
  /** event-type detail (R7): a list of 0 or 1 entries. */
  eventTypeDetail(key: string, eventType: string, ctx: RequestContext): Promise<WireEventType[]>;
  /** summary listing (R10): 404 when there is none. `segment` is the URL form (`averages`). */
  summaryListing(key: string, eventType: string, segment: string, ctx: RequestContext): Promise<WireSummary[]>;
  /** data read (R9, R11). `segment` is the URL form; `window` the raw path segment, if any. */
  readData(
    key: string,
    eventType: string,
    segment: string,
    window: string | undefined,
    params: URLSearchParams,
    ctx: RequestContext,
  ): Promise<DataPage>;
  /** create or look up metadata (R2); `body` is parsed JSON of any shape. */
  createMetadata(
    body: unknown,
    ctx: RequestContext,
    options?: CreateMetadataOptions,
  ): Promise<{ metadata: WireMetadata; location: string }>;
  /** {@link createMetadata} resolving to the metadata key alone (the batch write route). */
  createMetadataKey(body: unknown, ctx: RequestContext, options?: CreateMetadataOptions): Promise<string>;
  /**
   * write one point (R12, R13, R14). `segment` is the URL summary segment. Resolves with how
   * many points were stored: 0 for an unknown metadata key or an event type it does not declare.
   */
  writePoint(key: string, eventType: string, segment: string, body: unknown, ctx: RequestContext): Promise<number>;
  /** bulk write (R4): validated whole, then written in one transaction. Resolves with the points stored. */
  bulkWrite(key: string, body: unknown, ctx: RequestContext): Promise<number>;
  /**
   * {@link bulkWrite} of a raw request body (the data PUT): the same checks and answers as
   * `bulkWrite(key, parseDataJson(contentType, body), ctx)`, faster for the usual shape.
   */
  bulkWriteBody(key: string, contentType: string | undefined, body: Buffer, ctx: RequestContext): Promise<number>;
  /** True when `key` belongs to an active user (and to `user`, when given). Constant-time compare. */
  verifyKey(key: string, user?: string): Promise<boolean>;
  /** Like {@link verifyKey}, but tells an unknown key from one whose user was disabled. */
  checkKey(key: string, user?: string): Promise<KeyCheck>;
  /** Disables (`false`) or re-enables a write user; false when there is no such user. */
  setUserActive(name: string, active: boolean): Promise<boolean>;
  /** Every write user, by name (keys are never returned: only their hashes are stored). */
  listUsers(): Promise<{ name: string; active: boolean }[]>;
  /** Creates a write user; returns its key (generated when not given). Only a hash is stored. */
  addUser(name: string, key?: string): Promise<string>;
  /** Closes the underlying store. */
  close(): Promise<void>;
}
