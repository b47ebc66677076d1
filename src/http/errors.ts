/**
 * Error classes of the client. Every failure the library reports is an {@link EsmondError}; each
 * carries the HTTP method and the (credential-redacted) URL, so a one-line message tells the user
 * what failed and where. A failed request is never reported as "no data".
 * @module
 */
import { STATUS_CODES } from 'node:http';
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

/** Base class of every error the client throws. */
export class EsmondError extends Error {
  /** HTTP method of the failed request, when there was one. */
  readonly method: string | undefined;
  /** URL of the failed request with credentials redacted. */
  readonly url: string | undefined;
  /** HTTP status, when a response arrived. */
  readonly status: number | undefined;
  /** Response body text, when a response arrived. */
  readonly body: string | undefined;

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
    const statusText = STATUS_CODES[init.status] ?? 'Unknown Status';
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
    return { json: undefined, detail: undefined };
  }
  const d = typeof json === 'object' && json !== null ? (json as Record<string, unknown>)['detail'] : undefined;
  return { json, detail: typeof d === 'string' ? d : undefined };
}

/** The connection failed: refused, reset, DNS, TLS. `code` is the system or undici code. */
export class NetworkError extends EsmondError {
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
  readonly timeoutMs: number;
  constructor(init: EsmondErrorInit & { timeoutMs: number; phase: 'connect' | 'headers' | 'body' }) {
    super(`Request timed out after ${init.timeoutMs} ms waiting for ${init.phase}${where(init)}`, init);
    this.name = 'TimeoutError';
    this.timeoutMs = init.timeoutMs;
  }
}

/** A successful status with a body the client cannot use: bad JSON, wrong content type, wrong shape. */
export class ResponseError extends EsmondError {
  constructor(problem: string, init: EsmondErrorInit) {
    super(`Invalid response (${oneLine(problem)})${where(init)}`, init);
    this.name = 'ResponseError';
  }
}

/** Bad input caught before anything was sent. `field` names the offending input, if one does. */
export class ValidationError extends EsmondError {
  readonly field: string | undefined;
  constructor(message: string, field?: string) {
    super(message);
    this.name = 'ValidationError';
    this.field = field;
  }
}

/**
 * Duck-typed guards: `instanceof` fails when two copies of the library meet (bundles, realms),
 * so the guards check the `name` the classes set as well.
 */
function guard<T extends Error>(cls: abstract new (...a: never[]) => T, name: string): (e: unknown) => e is T {
  return (e: unknown): e is T => e instanceof cls || (e instanceof Error && e.name === name);
}

/** True for any error of this library. */
export const isEsmondError = (e: unknown): e is EsmondError =>
  e instanceof EsmondError ||
  (e instanceof Error &&
    ['EsmondError', 'HttpError', 'NetworkError', 'TimeoutError', 'ResponseError', 'ValidationError'].includes(e.name));
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
