/**
 * Test-only: the esmond archiver's answer to a failed store (`_handle_storage_error`): retry after the wait
 * of the first policy entry whose running sum of attempts exceeds the attempts already made, or
 * give up for good with a message that counts this attempt too.
 * @module
 */

/** One entry of an archive spec's `retry-policy`. */
export interface RetryPolicyEntry {
  attempts: number;
  /** ISO 8601 duration, passed through unchanged. */
  wait: string;
}

/** What an archiver plugin reports to pScheduler after a failed attempt. */
export interface StorageErrorResult {
  succeeded: false;
  error: string;
  retry?: string;
}

/**
 * The archiver's result for a failed store.
 * @param error what went wrong
 * @param attempts attempts made before this one
 * @param policy the archive spec's `retry-policy`
 */
export function storageErrorResult(
  error: string,
  attempts: number,
  policy: readonly RetryPolicyEntry[] = [],
): StorageErrorResult {
  let sum = 0;
  for (const entry of policy) {
    sum += entry.attempts;
    if (sum > attempts) return { succeeded: false, error, retry: entry.wait };
  }
  return {
    succeeded: false,
    error: `Archiver permanently abandoned registering test after ${attempts + 1} attempt(s): ${error}`,
  };
}
