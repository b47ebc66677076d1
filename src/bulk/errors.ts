/**
 * How the exporter reads request errors. It relies only on fields every HTTP error of the query
 * library carries (`status`, `retryAfterMs`, `body`), so it works on any error shape.
 * @module
 */

interface ErrorFields {
  status?: unknown;
  statusCode?: unknown;
  retryAfterMs?: unknown;
  body?: unknown;
  name?: unknown;
}

/** HTTP status of a failed request, or `undefined` for network errors, timeouts and the like. */
export function statusOf(err: unknown): number | undefined {
  const e = (err ?? {}) as ErrorFields;
  const s = typeof e.status === 'number' ? e.status : e.statusCode;
  return typeof s === 'number' && s > 0 ? s : undefined;
}

/** The server's `Retry-After`, ms, when the error carries one. */
export function retryAfterMsOf(err: unknown): number | undefined {
  const v = ((err ?? {}) as ErrorFields).retryAfterMs;
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : undefined;
}

/** True for errors that repeating the same request cannot fix (4xx other than 408/429, bad input). */
export function isPermanent(err: unknown): boolean {
  if (((err ?? {}) as ErrorFields).name === 'ValidationError') return true;
  const s = statusOf(err);
  return s !== undefined && s >= 400 && s < 500 && s !== 408 && s !== 429;
}

/** True when an abort (not a failure) ended the request. */
export function isAbort(err: unknown): boolean {
  return ((err ?? {}) as ErrorFields).name === 'AbortError';
}

/**
 * True when a 400 is the server refusing the page size (perfSONAR 5 allows at most 10 000 rows
 * per request and answers 400 above that).
 */
export function isPageSizeRefusal(err: unknown): boolean {
  if (statusOf(err) !== 400) return false;
  const e = err as ErrorFields & { message?: unknown };
  const text = `${typeof e.body === 'string' ? e.body : ''} ${typeof e.message === 'string' ? e.message : ''}`;
  return /limit|size|10000|10 000/i.test(text);
}

/** One-line description of an error for logs and the report. */
export function describeError(err: unknown): string {
  if (err instanceof Error) return err.message.split('\n')[0] ?? err.name;
  return String(err);
}

/** Error codes of the local file system: retrying the archive cannot fix them. */
const LOCAL_FS_CODES = new Set(['EACCES', 'EPERM', 'ENOSPC', 'EROFS', 'EDQUOT', 'ENOTDIR', 'EISDIR', 'EMFILE', 'ENFILE', 'ENAMETOOLONG']);

/** True for a failure to write our own files (not a request failure). */
export function isLocalWriteError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && LOCAL_FS_CODES.has(code) && !(err as { url?: unknown }).url;
}
