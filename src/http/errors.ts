/**
 * Error classes of the client. Every failure the library reports is an {@link EsmondError}; each
 * carries the HTTP method and the (credential-redacted) URL, so a one-line message tells the user
 * what failed and where. A failed request is never reported as "no data".
 * @module
 */
import { nodeHttp } from '../util/builtin.js';
import { redactUrl } from './redact.js';

/** Fields shared by every error of the client. */
export interface EsmondErrorInit {
  method?: string | undefined;
  /** Request URL; redacted on construction. */
  url?: string | undefined;
  status?: number | undefined;
  body?: string | undefined;
  cause?: unknown;
}

/** Longest piece of a response body quoted in a message (bodies can be whole HTML pages). */
const MAX_QUOTED = 200;

/** Squeezes a server-supplied text onto one short line. */
export function oneLine(text: string, max = MAX_QUOTED): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/**
 * Marks the errors of this library, across copies of it (two versions in one bundle, another
 * realm): `Symbol.for` gives every copy the same symbol. The value is the class name. Guards test
 * the mark, never `name`, so a look-alike such as the `DOMException` named `TimeoutError` that
 * `AbortSignal.timeout()` throws is not taken for one of ours (undici brands its errors the same way).
 */
const BRAND: unique symbol = Symbol.for('esmond-client.error') as never;

/** The class names the brand may carry. */
export type EsmondErrorKind =
  | 'EsmondError'
  | 'HttpError'
  | 'NetworkError'
  | 'TimeoutError'
  | 'ResponseError'
  | 'ValidationError'
  | 'NotStoredError'
  | 'DataWriterError';

/** Base class of every error the client throws. */
export class EsmondError extends Error {
  /** Which class of this library made the error (see the guards). */
  readonly [BRAND]: EsmondErrorKind = 'EsmondError';
  /** HTTP method of the failed request, when there was one. */
  readonly method: string | undefined;
  /** URL of the failed request with credentials redacted. */
  readonly url: string | undefined;
  /** HTTP status, when a response arrived. */
  readonly status: number | undefined;
  /** Response body text, when a response arrived. */
  readonly body: string | undefined;
  /** HTTP attempts made before giving up (1 when the first failure was final). */
  attempts = 1;
  /** Time from the first attempt to giving up, ms (set when the request was retried). */
  elapsedMs: number | undefined;

  constructor(message: string, init: EsmondErrorInit = {}) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'EsmondError';
    this.method = init.method;
    this.url = init.url === undefined ? undefined : redactUrl(init.url);
    this.status = init.status;
    this.body = init.body;
  }
}

/** `: GET http://…` suffix of messages, or nothing when there was no request. */
function where(init: EsmondErrorInit): string {
  if (init.url === undefined) return '';
  return `: ${init.method ?? 'GET'} ${redactUrl(init.url)}`;
}

/** The server answered with a status the request does not accept (4xx, 5xx, unexpected 3xx). */
export class HttpError extends EsmondError {
  override readonly [BRAND]: EsmondErrorKind = 'HttpError';
  declare readonly status: number;
  /** Reason phrase for the status (`Service Unavailable`). */
  readonly statusText: string;
  /** The body parsed as JSON, when it was JSON. */
  readonly json: unknown;
  /** The API's `{"detail": …}` message, when the body carried one. */
  readonly detail: string | undefined;
  /** Delay the server asked for with `Retry-After`, ms. */
  readonly retryAfterMs: number | undefined;

  constructor(init: EsmondErrorInit & { status: number; retryAfterMs?: number | undefined }) {
    // node:http's table, loaded with the first HTTP error, not with every tool (`--help` included).
    const statusText = nodeHttp().STATUS_CODES[init.status] ?? 'Unknown Status';
    const { json, detail } = parseDetail(init.body);
    const tail = detail !== undefined ? ` (${oneLine(detail)})` : '';
    super(`Request failed with status ${init.status} ${statusText}${where(init)}${tail}`, init);
    this.name = 'HttpError';
    this.statusText = statusText;
    this.json = json;
    this.detail = detail;
    this.retryAfterMs = init.retryAfterMs;
  }
}

/** Extracts esmond's `{"detail": "…"}` (DRF) from an error body, if it is one. */
function parseDetail(body: string | undefined): { json: unknown; detail: string | undefined } {
  if (body === undefined || body === '') return { json: undefined, detail: undefined };
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return { json: undefined, detail: htmlMessage(body) };
  }
  const o = typeof json === 'object' && json !== null ? (json as Record<string, unknown>) : {};
  const d = o['detail'];
  // OpenSearch: {"error": {"type", "reason"}, "status"}.
  const e =
    typeof o['error'] === 'object' && o['error'] !== null
      ? (o['error'] as Record<string, unknown>)['reason']
      : undefined;
  return { json, detail: typeof d === 'string' ? d : typeof e === 'string' ? e : undefined };
}

/** The message of an HTML error page (elmond's Werkzeug pages put it in the first `<p>`). */
function htmlMessage(body: string): string | undefined {
  const p = /<p>([\s\S]*?)<\/p>/i.exec(body);
  if (p?.[1] === undefined) return undefined;
  const text = p[1]
    .replace(/<[^>]*>/g, '')
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&#x27;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .trim();
  return text === '' ? undefined : text.slice(0, 300);
}

/** The connection failed: refused, reset, DNS, TLS. `code` is the system or undici code. */
export class NetworkError extends EsmondError {
  override readonly [BRAND]: EsmondErrorKind = 'NetworkError';
  readonly code: string | undefined;
  constructor(init: EsmondErrorInit & { code?: string | undefined; reason: string }) {
    const code = init.code !== undefined ? ` (${init.code})` : '';
    super(`Network error${code}${where(init)}: ${oneLine(init.reason)}`, init);
    this.name = 'NetworkError';
    this.code = init.code;
  }
}

/** No response headers, or no body bytes, within the timeout. */
export class TimeoutError extends EsmondError {
  override readonly [BRAND]: EsmondErrorKind = 'TimeoutError';
  /** The limit that ran out, ms: `timeoutMs`, or `deadlineMs` when `phase` is `deadline`. */
  readonly timeoutMs: number;
  /** What was awaited: connection, response headers, the next body bytes, or (`deadline`) the whole request with its retries. */
  readonly phase: TimeoutPhase;
  constructor(init: EsmondErrorInit & { timeoutMs: number; phase: TimeoutPhase }) {
    super(
      init.phase === 'deadline'
        ? `Request deadline of ${init.timeoutMs} ms passed${where(init)}`
        : `Request timed out after ${init.timeoutMs} ms waiting for ${init.phase}${where(init)}`,
      init,
    );
    this.name = 'TimeoutError';
    this.timeoutMs = init.timeoutMs;
    this.phase = init.phase;
  }
}

/** What a {@link TimeoutError} was waiting for. */
export type TimeoutPhase = 'connect' | 'headers' | 'body' | 'deadline';

/**
 * The archive accepted a write (201) but said it stored nothing (`X-Esmond-Stored: 0`): an
 * unknown metadata key, or an event type the metadata does not declare. esmond answers such
 * writes with a bare 201, which is why the header exists.
 */
export class NotStoredError extends EsmondError {
  override readonly [BRAND]: EsmondErrorKind = 'NotStoredError';
  constructor(init: EsmondErrorInit) {
    super(
      `The archive stored nothing (X-Esmond-Stored: 0; unknown metadata key or undeclared event type?)${where(init)}`,
      init,
    );
    this.name = 'NotStoredError';
  }
}

/** A successful status with a body the client cannot use: bad JSON, wrong content type, wrong shape. */
export class ResponseError extends EsmondError {
  override readonly [BRAND]: EsmondErrorKind = 'ResponseError';
  constructor(problem: string, init: EsmondErrorInit) {
    super(`Invalid response (${oneLine(problem)})${where(init)}`, init);
    this.name = 'ResponseError';
  }
}

/** Bad input caught before anything was sent. `field` names the offending input, if one does. */
export class ValidationError extends EsmondError {
  override readonly [BRAND]: EsmondErrorKind = 'ValidationError';
  readonly field: string | undefined;
  constructor(message: string, field?: string) {
    super(message);
    this.name = 'ValidationError';
    this.field = field;
  }
}

/**
 * A data writer could not store some points: their batches failed for good (a status or error the
 * retry policy does not retry, or every allowed retry failed), or they were pushed out of the
 * bounded retry buffer. Thrown by `flush()` / `close()`, once per failure.
 */
export class DataWriterError extends EsmondError {
  override readonly [BRAND]: EsmondErrorKind = 'DataWriterError';
  /** UNIX-second timestamps whose values were not stored, ascending. */
  readonly notStored: readonly number[];
  /** The last send failure (the `cause` too). */
  readonly lastError: Error | undefined;
  constructor(notStored: readonly number[], lastError: Error | undefined) {
    const ts = [...new Set(notStored)].sort((a, b) => a - b);
    const span = ts.length === 1 ? `${ts[0]}` : `${ts[0]} … ${ts[ts.length - 1]}`;
    const why = lastError === undefined ? '' : `: ${lastError.message}`;
    super(`${ts.length} timestamp${ts.length === 1 ? '' : 's'} not stored (${span})${why}`, { cause: lastError });
    this.name = 'DataWriterError';
    this.notStored = ts;
    this.lastError = lastError;
  }
}

/**
 * Appends how many attempts a request took, and over how long, to a final error's message
 * (`… (4 attempts over 12.3 s)`). Nothing is added for a request tried once.
 */
export function noteAttempts(err: EsmondError, attempts: number, elapsedMs: number): EsmondError {
  err.attempts = attempts;
  err.elapsedMs = elapsedMs;
  if (attempts > 1) err.message += ` (${attempts} attempts over ${(elapsedMs / 1000).toFixed(1)} s)`;
  return err;
}

/** The brand of a value, or `undefined` when it is not an error of (any copy of) this library. */
function brandOf(e: unknown): unknown {
  return e instanceof Error ? (e as Error & { [BRAND]?: unknown })[BRAND] : undefined;
}

/**
 * Guards that work across copies of the library (where `instanceof` fails) by testing the brand;
 * an error that only borrows a name (`DOMException` "TimeoutError") is rejected.
 */
function guard<T extends Error>(cls: abstract new (...a: never[]) => T, kind: EsmondErrorKind): (e: unknown) => e is T {
  return (e: unknown): e is T => e instanceof cls || brandOf(e) === kind;
}

const KINDS: ReadonlySet<unknown> = new Set<EsmondErrorKind>([
  'EsmondError',
  'HttpError',
  'NetworkError',
  'TimeoutError',
  'ResponseError',
  'ValidationError',
  'NotStoredError',
  'DataWriterError',
]);

/** True for any error of this library (any copy of it). */
export const isEsmondError = (e: unknown): e is EsmondError => e instanceof EsmondError || KINDS.has(brandOf(e));
/** True for an {@link HttpError} (the server answered with a status the request does not accept). */
export const isHttpError = guard(HttpError, 'HttpError');
/** True for a {@link NetworkError} (refused, reset, DNS, TLS). */
export const isNetworkError = guard(NetworkError, 'NetworkError');
/** True for a {@link TimeoutError}. */
export const isTimeoutError = guard(TimeoutError, 'TimeoutError');
/** True for a {@link ResponseError} (bad JSON, wrong content type, wrong shape). */
export const isResponseError = guard(ResponseError, 'ResponseError');
/** True for a {@link ValidationError} (bad input, nothing was sent). */
export const isValidationError = guard(ValidationError, 'ValidationError');
/** True for a {@link NotStoredError} (the archive accepted a write and stored nothing). */
export const isNotStoredError = guard(NotStoredError, 'NotStoredError');
/** True for a {@link DataWriterError} (a data writer's flush or close: some timestamps were not stored). */
export const isDataWriterError = guard(DataWriterError, 'DataWriterError');
