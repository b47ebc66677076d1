/**
 * HTTP transport over one keep-alive HTTP engine per client (undici or node:http, see
 * ./engine.ts): timeouts, retries with backoff, credentials, and the mapping of every failure to
 * a typed error. Knows nothing of esmond beyond "JSON over HTTP".
 * @module
 */
import { CONNECT_TIMEOUT_CODE, type EngineOptions, type HttpEngine, type HttpEngineName } from './engine.js';
import { authorizationHeader, type AuthCredentials } from './auth.js';
import {
  EsmondError,
  HttpError,
  NetworkError,
  noteAttempts,
  ResponseError,
  TimeoutError,
  type TimeoutPhase,
} from './errors.js';
import { ACCEPT_ENCODING, BodyDecodeError, DEFAULT_MAX_BODY_BYTES, readDecodedBody } from './decode.js';
import { redactUrl } from './redact.js';
import { backoffDelay, parseRetryAfter, resolveRetry, RETRYABLE_NETWORK_CODES, type RetrySettings } from './retry.js';
import { DEFAULT_USER_AGENT } from './version.js';
import { isLoopbackUrl } from '../util/loopback.js';
import { monotonicMs } from '../util/builtin.js';
import { abortable } from '../util/timeout.js';

/**
 * What `onRetry` hears before each retry, enough for a `retrying in 2.1 s (attempt 2 of 4): …`
 * line. The URL is redacted; headers are never passed.
 */
export interface RetryInfo {
  /** 1 for the first retry. */
  attempt: number;
  /** The attempt about to be made: 2 for the first retry. */
  nextAttempt: number;
  /** Attempts allowed in all: the retry limit + 1. */
  maxAttempts: number;
  /** Wait before the next attempt, ms. */
  delayMs: number;
  /** Time since the first attempt started, ms. */
  elapsedMs: number;
  /** Why the last attempt failed. */
  error: Error;
  method: string;
  url: string;
}

/** Options of {@link createTransport}. */
export interface TransportOptions {
  /** Headers timeout and body (between chunks) timeout of each attempt, ms. @defaultValue 30000 */
  timeoutMs?: number | undefined;
  /** Time limit of a whole request, retries and backoff included, ms. @defaultValue none */
  deadlineMs?: number | undefined;
  retry?: Partial<RetrySettings> | undefined;
  /** @defaultValue true */
  tlsVerify?: boolean | undefined;
  credentials?: AuthCredentials | undefined;
  userAgent?: string | undefined;
  /** Max sockets per origin. @defaultValue 8 */
  connections?: number | undefined;
  /**
   * The HTTP client underneath: undici (more requests per second with several in flight) or
   * node:http (a quicker first request: a short tool run). @defaultValue 'undici'
   */
  engine?: HttpEngineName | undefined;
  /**
   * Ask for `gzip`/`br` bodies (`Accept-Encoding`) and decode them as they arrive. Off, nothing
   * is asked and the archive answers as it did for the Python client; `'auto'` asks every host
   * but this machine's (on loopback compressing costs more CPU than it saves). @defaultValue 'auto'
   */
  compression?: boolean | 'auto' | undefined;
  /** Limit of one response body once decoded, bytes; more is a {@link ResponseError}. @defaultValue 256 MiB */
  maxBodyBytes?: number | undefined;
  /** PEM text of the CA(s) to trust instead of the system store (a private CA, `--ca FILE`). */
  ca?: string | undefined;
  onRetry?: ((info: RetryInfo) => void) | undefined;
  /** Called before every attempt with the redacted URL. */
  onRequest?: ((info: { method: string; url: string }) => void) | undefined;
  sleep?: ((ms: number) => Promise<void>) | undefined;
  random?: (() => number) | undefined;
  /** Clock for HTTP-date `Retry-After`, ms. */
  now?: (() => number) | undefined;
  /**
   * Writes request bodies as JSON text. @defaultValue `JSON.stringify` (the loaders pass a
   * serializer that writes Python float markers as Python does, `30.0`).
   */
  serializeBody?: ((body: unknown) => string) | undefined;
}

/** HTTP methods the client uses. */
export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** One request. */
export interface SendOptions {
  method?: Method;
  /** Absolute URL without a query string. */
  url: string;
  /** Query parameters in the order they are sent. */
  query?: Iterable<readonly [string, string]> | undefined;
  /** Sent as JSON when defined. */
  body?: unknown;
  /** A body already written, sent as is with its media type (instead of `body`). */
  text?: { body: string; contentType: string } | undefined;
  signal?: AbortSignal | undefined;
  /** A POST that only reads (an OpenSearch `_search`): retried like a GET. @defaultValue false */
  idempotent?: boolean | undefined;
  /** Statuses that count as success. @defaultValue [200] for GET, any 2xx otherwise */
  okStatus?: readonly number[] | undefined;
  /** The JSON parser of {@link Transport.sendJson}. @defaultValue JSON.parse */
  parse?: ((text: string) => unknown) | undefined;
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
  /** The retry policy in force (callers that retry on their own, like the data writer, follow it). */
  readonly retry: Readonly<RetrySettings>;
  /** The backoff before retry number `n + 1` (0 for the first), ms. */
  backoff(n: number): number;
  /** Waits `ms` (the transport's clock, replaced in tests). */
  sleep(ms: number): Promise<void>;
  /** True when a failure of `send` is worth another try under the policy (5xx/408/429, network, timeout). */
  isRetryable(e: unknown): boolean;
}

const DEFAULT_TIMEOUT_MS = 30_000;
/** How much later the engine's own (coarse) timeouts fire than ours: they only back ours up. */
const BACKSTOP_MS = 2_000;

/** Default sleep: a plain timer. */
const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Creates the engine `name`, importing its module now: a process loads only the engine it sends with. */
async function createEngine(name: HttpEngineName, options: EngineOptions): Promise<HttpEngine> {
  if (name === 'node') return (await import('./engine-node.js')).createNodeEngine(options);
  return (await import('./engine-undici.js')).createUndiciEngine(options);
}

/** Builds `url?query`. `URLSearchParams` encodes like Python requests (space → `+`). */
export function withQuery(url: string, query: Iterable<readonly [string, string]> | undefined): string {
  if (query === undefined) return url;
  const qs = new URLSearchParams([...query] as [string, string][]).toString();
  return qs === '' ? url : `${url}${url.includes('?') ? '&' : '?'}${qs}`;
}

/** Creates the transport: one engine (keep-alive pool) shared by every request, made on the first. */
export function createTransport(options: TransportOptions = {}): Transport {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (!(timeoutMs > 0) || !Number.isFinite(timeoutMs))
    throw new RangeError(`timeoutMs must be a positive number of ms: ${timeoutMs}`);
  const deadlineMs = options.deadlineMs;
  if (deadlineMs !== undefined && (!(deadlineMs > 0) || !Number.isFinite(deadlineMs))) {
    throw new RangeError(`deadlineMs must be a positive number of ms: ${deadlineMs}`);
  }
  const retry = resolveRetry(options.retry);
  const sleep = options.sleep ?? realSleep;
  const random = options.random ?? Math.random;
  const now = options.now ?? Date.now;
  const auth = options.credentials === undefined ? undefined : authorizationHeader(options.credentials);
  const userAgent = options.userAgent ?? DEFAULT_USER_AGENT;
  const serializeBody = options.serializeBody ?? JSON.stringify;
  const compression = options.compression ?? 'auto';
  const acceptEncodingFor = (url: string): string | undefined =>
    compression === true || (compression === 'auto' && !isLoopbackUrl(url)) ? ACCEPT_ENCODING : undefined;
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  if (!(maxBodyBytes > 0)) throw new RangeError(`maxBodyBytes must be a positive number of bytes: ${maxBodyBytes}`);
  let engine: Promise<HttpEngine> | undefined;
  let closed = false;
  const engineOf = (): Promise<HttpEngine> => {
    if (closed) return Promise.reject(new Error('the client is closed'));
    return (engine ??= createEngine(options.engine ?? 'undici', {
      connections: options.connections ?? 8,
      connectTimeoutMs: timeoutMs,
      backstopMs: timeoutMs + BACKSTOP_MS,
      tlsVerify: options.tlsVerify ?? true,
      ca: options.ca,
    }));
  };

  /**
   * One HTTP exchange. The timeouts are our own timers (undici's are coarse: a 300 ms
   * headersTimeout fired after about a second): one waits for the headers, then one per body
   * chunk; `limitMs` (what is left of the deadline) caps each. A timer that fires aborts the
   * request and the failure becomes a {@link TimeoutError}.
   */
  async function attempt(
    method: Method,
    url: string,
    body: string | undefined,
    contentType: string,
    signal: AbortSignal | undefined,
    limitMs: number,
  ) {
    const headers: Record<string, string> = { 'user-agent': userAgent, accept: 'application/json' };
    if (auth !== undefined) headers['authorization'] = auth;
    const acceptEncoding = acceptEncodingFor(url);
    if (acceptEncoding !== undefined) headers['accept-encoding'] = acceptEncoding;
    if (body !== undefined) headers['content-type'] = contentType;
    const controller = new AbortController();
    let expired: TimeoutPhase | undefined;
    let timer: NodeJS.Timeout | undefined;
    const arm = (phase: TimeoutPhase): void => {
      clearTimeout(timer);
      const left = limitMs - (monotonicMs() - startedAt);
      const byDeadline = left < timeoutMs;
      timer = setTimeout(
        () => {
          expired = byDeadline ? 'deadline' : phase;
          controller.abort();
        },
        Math.max(0, byDeadline ? left : timeoutMs),
      );
    };
    const startedAt = monotonicMs();
    const onAbort = (): void => {
      controller.abort(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    if (signal?.aborted) onAbort();
    try {
      const http = await engineOf();
      arm('headers');
      const res = await http.request(url, { method, headers, body: body ?? null, signal: controller.signal });
      // Always read the body, also for statuses we retry: an unread body pins the socket.
      const bytes = await readDecodedBody(
        res.body,
        res.headers['content-encoding'],
        maxBodyBytes,
        arm,
        controller,
      ).catch((e: unknown) => {
        // A corrupt or oversized body is the server's answer, not a network failure: typed, never retried.
        throw e instanceof BodyDecodeError && expired === undefined
          ? new ResponseError(e.message, { method, url, status: res.statusCode, cause: e })
          : e;
      });
      return { status: res.statusCode, headers: res.headers, text: bytes.toString('utf8') };
    } catch (e) {
      if (expired !== undefined && !signal?.aborted)
        throw new TimeoutError({
          method,
          url,
          timeoutMs: expired === 'deadline' ? (deadlineMs ?? timeoutMs) : timeoutMs,
          phase: expired,
          cause: e,
        });
      throw e;
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }
  }

  async function send(o: SendOptions): Promise<TextResponse> {
    const method = o.method ?? 'GET';
    const url = withQuery(o.url, o.query);
    const body = o.text?.body ?? (o.body === undefined ? undefined : serializeBody(o.body));
    const contentType = o.text?.contentType ?? 'application/json';
    const isOk = (s: number): boolean =>
      o.okStatus !== undefined ? o.okStatus.includes(s) : method === 'GET' ? s === 200 : s >= 200 && s < 300;
    const mayRetry = method === 'GET' || o.idempotent === true || retry.retryWrites;
    const started = monotonicMs();
    const elapsed = (): number => monotonicMs() - started;
    const left = (): number => (deadlineMs === undefined ? Infinity : deadlineMs - elapsed());
    for (let n = 0; ; n++) {
      let error: EsmondError;
      let serverDelay: number | undefined;
      options.onRequest?.({ method, url: redactUrl(url) });
      try {
        const r = await attempt(method, url, body, contentType, o.signal, left());
        if (isOk(r.status)) return { ...r, url };
        serverDelay = parseRetryAfter(r.headers['retry-after'], now());
        error = new HttpError({ method, url, status: r.status, body: r.text, retryAfterMs: serverDelay });
        if (!retry.statusCodes.includes(r.status)) throw noteAttempts(error, n + 1, elapsed());
      } catch (e) {
        if (o.signal?.aborted) throw o.signal.reason ?? e;
        if (e instanceof HttpError) throw e;
        error = toTransportError(e, method, url, timeoutMs);
        if (!isRetryableError(error)) throw noteAttempts(error, n + 1, elapsed());
      }
      if (!mayRetry || n >= retry.limit) throw noteAttempts(error, n + 1, elapsed());
      const delayMs = serverDelay !== undefined ? Math.min(serverDelay, retry.maxMs) : backoffDelay(n, retry, random);
      // A wait that would end past the deadline cannot lead to a useful attempt.
      if (delayMs >= left()) throw noteAttempts(error, n + 1, elapsed());
      options.onRetry?.({
        attempt: n + 1,
        nextAttempt: n + 2,
        maxAttempts: retry.limit + 1,
        delayMs,
        elapsedMs: elapsed(),
        error,
        method,
        url: redactUrl(url),
      });
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
      json = (o.parse ?? JSON.parse)(r.text);
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
    close: async () => {
      closed = true;
      if (engine !== undefined) await (await engine).close();
    },
    retry,
    backoff: (n) => backoffDelay(n, retry, random),
    sleep,
    isRetryable: (e) =>
      e instanceof HttpError ? retry.statusCodes.includes(e.status) : e instanceof EsmondError && isRetryableError(e),
  };
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
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || code === CONNECT_TIMEOUT_CODE) {
    const phase = code === 'UND_ERR_HEADERS_TIMEOUT' ? 'headers' : code === 'UND_ERR_BODY_TIMEOUT' ? 'body' : 'connect';
    return new TimeoutError({ method, url, timeoutMs, phase, cause: e });
  }
  let reason = e instanceof Error ? e.message : String(e);
  if (code !== undefined && TLS_CODES.test(code))
    reason += ' (TLS certificate not trusted; verification can be turned off with tlsVerify: false)';
  return new NetworkError({ method, url, code, reason, cause: e });
}

function isRetryableError(e: EsmondError): boolean {
  if (e instanceof TimeoutError) return e.phase !== 'deadline';
  return e instanceof NetworkError && e.code !== undefined && RETRYABLE_NETWORK_CODES.has(e.code);
}
