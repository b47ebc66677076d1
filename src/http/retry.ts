/**
 * Retry policy: which failures are worth another attempt and how long to wait before it.
 * Applied to one request at a time, never to a whole multi-page iteration.
 * @module
 */

/** Retry settings (same shape as `RetryPolicy` in query/types.ts, which re-uses it). */
export interface RetrySettings {
  limit: number;
  statusCodes: readonly number[];
  baseMs: number;
  maxMs: number;
  retryWrites: boolean;
}

/** Defaults: 3 retries on 408/429/5xx, 250 ms doubling up to 30 s, writes not retried. */
export const DEFAULT_RETRY: Readonly<RetrySettings> = Object.freeze({
  limit: 3,
  statusCodes: Object.freeze([408, 429, 500, 502, 503, 504]),
  baseMs: 250,
  maxMs: 30_000,
  retryWrites: false,
});

/** Merges caller settings over {@link DEFAULT_RETRY}, rejecting nonsense early. */
export function resolveRetry(partial: Partial<RetrySettings> | undefined): RetrySettings {
  const r: RetrySettings = { ...DEFAULT_RETRY, ...stripUndefined(partial ?? {}) };
  if (!Number.isInteger(r.limit) || r.limit < 0)
    throw new RangeError(`retry.limit must be a non-negative integer: ${r.limit}`);
  if (!(r.baseMs >= 0) || !(r.maxMs >= 0)) throw new RangeError('retry.baseMs and retry.maxMs must be non-negative');
  return r;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/**
 * Exponential backoff with full jitter: a uniform delay in `[0, min(maxMs, baseMs·2^attempt))`.
 * Full jitter spreads clients that failed together (one archive restart) over the whole window.
 * @param attempt - 0 for the first retry.
 */
export function backoffDelay(
  attempt: number,
  policy: Pick<RetrySettings, 'baseMs' | 'maxMs'>,
  random: () => number,
): number {
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** attempt);
  return Math.floor(random() * ceiling);
}

/**
 * Parses a `Retry-After` header: delta seconds (`"120"`) or an HTTP date. Returns ms from `nowMs`
 * (never negative), or `undefined` when absent or unparsable.
 */
export function parseRetryAfter(value: string | string[] | undefined, nowMs: number): number | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (v === undefined) return undefined;
  const s = v.trim();
  if (/^\d+(\.\d+)?$/.test(s)) return Math.round(Number(s) * 1000);
  const at = Date.parse(s);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}

/** System and undici error codes of failures that may well succeed on a second try. */
export const RETRYABLE_NETWORK_CODES: ReadonlySet<string> = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);
