/**
 * How the exporter reads request errors: through the typed guards of `http/errors.ts`, so only
 * errors of the query library count as HTTP failures (a look-alike object with a `status` field
 * does not).
 * @module
 */
import { isEsmondError, isHttpError, isValidationError } from '../http/errors.js';

/** HTTP status of a failed request, or `undefined` for network errors, timeouts and the like. */
export function statusOf(err: unknown): number | undefined {
  return isHttpError(err) && err.status > 0 ? err.status : undefined;
}

/** The server's `Retry-After`, ms, when the error carries one. */
export function retryAfterMsOf(err: unknown): number | undefined {
  if (!isHttpError(err)) return undefined;
  const v = err.retryAfterMs;
  return v !== undefined && Number.isFinite(v) && v >= 0 ? v : undefined;
}

/** True for errors that repeating the same request cannot fix (4xx other than 408/429, bad input). */
export function isPermanent(err: unknown): boolean {
  if (isValidationError(err)) return true;
  const s = statusOf(err);
  return s !== undefined && s >= 400 && s < 500 && s !== 408 && s !== 429;
}

/** True when an abort (not a failure) ended the request: the `signal`'s reason, or undici's AbortError. */
export function isAbort(err: unknown): boolean {
  return err instanceof Error && err.name === 'AbortError';
}

/**
 * True when a 400 is the server refusing the page size (perfSONAR 5 allows at most 10 000 rows
 * per request and answers 400 above that).
 */
export function isPageSizeRefusal(err: unknown): boolean {
  if (!isHttpError(err) || err.status !== 400) return false;
  return /limit|size|10000|10 000/i.test(`${err.body ?? ''} ${err.message}`);
}

/** One-line description of an error for logs and the report. */
export function describeError(err: unknown): string {
  if (err instanceof Error) return err.message.split('\n')[0] ?? err.name;
  return String(err);
}

/** Error codes of the local file system: retrying the archive cannot fix them. */
const LOCAL_FS_CODES = new Set([
  'EACCES',
  'EPERM',
  'ENOSPC',
  'EROFS',
  'EDQUOT',
  'ENOTDIR',
  'EISDIR',
  'EMFILE',
  'ENFILE',
  'ENAMETOOLONG',
]);

/** True for a failure to write our own files (a Node system error), not a request failure. */
export function isLocalWriteError(err: unknown): boolean {
  if (!(err instanceof Error) || isEsmondError(err)) return false;
  const code = (err as NodeJS.ErrnoException).code;
  return typeof code === 'string' && LOCAL_FS_CODES.has(code);
}
