/**
 * HTTP transport over undici `request()` on one keep-alive `Agent` per client: timeouts, retries
 * with backoff, credentials, and the mapping of every failure to a typed error. Knows nothing of
 * esmond beyond "JSON over HTTP".
 * @module
 */
import { Agent, request } from 'undici';
import { authorizationHeader, type AuthCredentials } from './auth.js';
import { EsmondError, HttpError, NetworkError, ResponseError, TimeoutError } from './errors.js';
import { redactUrl } from './redact.js';
import { backoffDelay, parseRetryAfter, resolveRetry, RETRYABLE_NETWORK_CODES, type RetrySettings } from './retry.js';
import { DEFAULT_USER_AGENT } from './version.js';

/** What `onRetry` hears before each retry. The URL is redacted; headers are never passed. */
export interface RetryInfo {
  /** 1 for the first retry. */
  attempt: number;
  delayMs: number;
  error: Error;
  method: string;
  url: string;
}

/** Options of {@link createTransport}. */
export interface TransportOptions {
  /** Headers timeout and body (between chunks) timeout, ms. @defaultValue 30000 */
  timeoutMs?: number | undefined;
  retry?: Partial<RetrySettings> | undefined;
  /** @defaultValue true */
  tlsVerify?: boolean | undefined;
  credentials?: AuthCredentials | undefined;
  userAgent?: string | undefined;
  /** Max sockets per origin. @defaultValue 8 */
  connections?: number | undefined;
  onRetry?: ((info: RetryInfo) => void) | undefined;
  /** Called before every attempt with the redacted URL. */
  onRequest?: ((info: { method: string; url: string }) => void) | undefined;
  sleep?: ((ms: number) => Promise<void>) | undefined;
  random?: (() => number) | undefined;
  /** Clock for HTTP-date `Retry-After`, ms. */
  now?: (() => number) | undefined;
}

/** HTTP methods the client uses. */
export type Method = 'GET' | 'POST' | 'PUT';

/** One request. */
export interface SendOptions {
  method?: Method;
  /** Absolute URL without a query string. */
  url: string;
  /** Query parameters in the order they are sent. */
  query?: Iterable<readonly [string, string]> | undefined;
  /** Sent as JSON when defined. */
  body?: unknown;
  signal?: AbortSignal | undefined;
  /** Statuses that count as success. @defaultValue [200] for GET, any 2xx otherwise */
  okStatus?: readonly number[] | undefined;
}

/** A successful response with its body read as text. */
export interface TextResponse {
  status: number;
  headers: Readonly<Record<string, string | string[] | undefined>>;
  text: string;
  /** Request URL, query included (not redacted: never put it in messages). */
  url: string;
}

/** A successful response whose body parsed as JSON. */
export interface JsonResponse extends TextResponse {
  json: unknown;
}

/** The transport of one client. */
export interface Transport {
  /** Sends a request (with retries) and returns the response with an accepted status. */
  send(options: SendOptions): Promise<TextResponse>;
  /** {@link Transport.send}, then requires `application/json` and parses the body. */
  sendJson(options: SendOptions): Promise<JsonResponse>;
  /** Closes the connection pool; later requests fail. */
  close(): Promise<void>;
}

const DEFAULT_TIMEOUT_MS = 30_000;

/** Default sleep: a plain timer. */
const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Builds `url?query`. `URLSearchParams` encodes like Python requests (space → `+`). */
export function withQuery(url: string, query: Iterable<readonly [string, string]> | undefined): string {
  if (query === undefined) return url;
  const qs = new URLSearchParams([...query] as [string, string][]).toString();
  return qs === '' ? url : `${url}${url.includes('?') ? '&' : '?'}${qs}`;
}

/** Creates the transport: one undici `Agent` (keep-alive pool) shared by every request. */
export function createTransport(options: TransportOptions = {}): Transport {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (!(timeoutMs > 0)) throw new RangeError(`timeoutMs must be positive: ${timeoutMs}`);
  const retry = resolveRetry(options.retry);
  const sleep = options.sleep ?? realSleep;
  const random = options.random ?? Math.random;
  const now = options.now ?? Date.now;
  const auth = options.credentials === undefined ? undefined : authorizationHeader(options.credentials);
  const userAgent = options.userAgent ?? DEFAULT_USER_AGENT;
  const agent = new Agent({
    connections: options.connections ?? 8,
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
    connect: { rejectUnauthorized: options.tlsVerify ?? true, timeout: timeoutMs },
  });

  async function attempt(method: Method, url: string, body: string | undefined, signal: AbortSignal | undefined) {
    const headers: Record<string, string> = { 'user-agent': userAgent, accept: 'application/json' };
    if (auth !== undefined) headers['authorization'] = auth;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await request(url, {
      dispatcher: agent,
      method,
      headers,
      body: body ?? null,
      signal: signal ?? null,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
    // Always read the body, also for statuses we retry: an unread body pins the socket.
    const text = await res.body.text();
    return { status: res.statusCode, headers: res.headers, text };
  }

  async function send(o: SendOptions): Promise<TextResponse> {
    const method = o.method ?? 'GET';
    const url = withQuery(o.url, o.query);
    const body = o.body === undefined ? undefined : JSON.stringify(o.body);
    const isOk = (s: number): boolean =>
      o.okStatus !== undefined ? o.okStatus.includes(s) : method === 'GET' ? s === 200 : s >= 200 && s < 300;
    const mayRetry = method === 'GET' || retry.retryWrites;
    for (let n = 0; ; n++) {
      let error: EsmondError;
      let serverDelay: number | undefined;
      options.onRequest?.({ method, url: redactUrl(url) });
      try {
        const r = await attempt(method, url, body, o.signal);
        if (isOk(r.status)) return { ...r, url };
        serverDelay = parseRetryAfter(r.headers['retry-after'], now());
        error = new HttpError({ method, url, status: r.status, body: r.text, retryAfterMs: serverDelay });
        if (!retry.statusCodes.includes(r.status)) throw error;
      } catch (e) {
        if (o.signal?.aborted) throw o.signal.reason ?? e;
        if (e instanceof HttpError) throw e;
        error = toTransportError(e, method, url, timeoutMs);
        if (!isRetryableError(error)) throw error;
      }
      if (!mayRetry || n >= retry.limit) throw error;
      const delayMs = serverDelay !== undefined ? Math.min(serverDelay, retry.maxMs) : backoffDelay(n, retry, random);
      options.onRetry?.({ attempt: n + 1, delayMs, error, method, url: redactUrl(url) });
      await abortable(sleep(delayMs), o.signal);
    }
  }

  async function sendJson(o: SendOptions): Promise<JsonResponse> {
    const r = await send(o);
    const method = o.method ?? 'GET';
    const ct = r.headers['content-type'];
    const media = (Array.isArray(ct) ? ct[0] : ct)?.split(';')[0]?.trim().toLowerCase();
    if (media !== 'application/json') {
      throw new ResponseError(`expected application/json, got ${media ?? 'no content type'}`, {
        method,
        url: r.url,
        status: r.status,
        body: r.text,
      });
    }
    let json: unknown;
    try {
      json = JSON.parse(r.text);
    } catch (e) {
      throw new ResponseError(`body is not valid JSON: ${(e as Error).message}`, {
        method,
        url: r.url,
        status: r.status,
        body: r.text,
        cause: e,
      });
    }
    return { ...r, json };
  }

  return {
    send,
    sendJson,
    close: () => agent.close(),
  };
}

/** Waits for `p`, but rejects as soon as `signal` aborts (so Ctrl-C does not wait out a backoff). */
function abortable(p: Promise<void>, signal: AbortSignal | undefined): Promise<void> {
  if (signal === undefined) return p;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const onAbort = (): void => { reject(signal.reason); };
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      () => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}

/** The system/undici code of an error or of its cause. */
function errorCode(e: unknown): string | undefined {
  for (let cur: unknown = e, depth = 0; cur instanceof Error && depth < 4; cur = cur.cause, depth++) {
    const code = (cur as { code?: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}

/** TLS verification failures get a hint, since the usual cause is a self-signed archive. */
const TLS_CODES = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|ERR_TLS/;

/** Maps an undici/system failure to {@link TimeoutError} or {@link NetworkError}. */
export function toTransportError(e: unknown, method: string, url: string, timeoutMs: number): EsmondError {
  if (e instanceof EsmondError) return e;
  const code = errorCode(e);
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || code === 'UND_ERR_CONNECT_TIMEOUT') {
    const phase = code === 'UND_ERR_HEADERS_TIMEOUT' ? 'headers' : code === 'UND_ERR_BODY_TIMEOUT' ? 'body' : 'connect';
    return new TimeoutError({ method, url, timeoutMs, phase, cause: e });
  }
  let reason = e instanceof Error ? e.message : String(e);
  if (code !== undefined && TLS_CODES.test(code)) reason += ' (TLS certificate not trusted; verification can be turned off with tlsVerify: false)';
  return new NetworkError({ method, url, code, reason, cause: e });
}

function isRetryableError(e: EsmondError): boolean {
  if (e instanceof TimeoutError) return true;
  return e instanceof NetworkError && e.code !== undefined && RETRYABLE_NETWORK_CODES.has(e.code);
}
