/**
 * The one bounded worker pool: runs an async function over a list with a concurrency limit.
 * @module
 */

/** Options of {@link pool}. */
export interface PoolOptions {
  /** Checked before each item is taken: once true, no further item starts (those running finish). */
  stop?: () => boolean;
}

/**
 * Runs `fn` over `items`, at most `limit` at a time, in item order. After a failure no further
 * item is started, and the pool waits for the ones in flight before it rejects — so nothing is
 * still writing once the caller hears of the failure (and, say, closes the client or reports).
 * It rejects with the error of the lowest-indexed failed item: every item before a failed one
 * was started, so which error is reported does not depend on which request finished first.
 */
export async function pool<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<void>,
  options: PoolOptions = {},
): Promise<void> {
  let next = 0;
  const failures: { index: number; error: unknown }[] = [];
  const worker = async (): Promise<void> => {
    while (failures.length === 0 && next < items.length && options.stop?.() !== true) {
      const index = next++;
      try {
        await fn(items[index] as T, index);
      } catch (error) {
        failures.push({ index, error });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  if (failures.length > 0) throw failures.reduce((a, b) => (b.index < a.index ? b : a)).error;
}
