/**
 * A time limit on a promise that must not stall its caller (a DNS answer that never comes, a
 * summary that takes too long): the first of the work and the limit wins.
 * @module
 */

/**
 * Resolves with what `work` resolves to, or with `onTimeout` when `ms` pass first. The timer is
 * unref'd (it never keeps the process alive) and cleared as soon as either side settles; a
 * rejection of `work` before the limit passes through.
 */
export async function withTimeout<T, F>(work: Promise<T>, ms: number, onTimeout: F): Promise<T | F> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<F>((resolve) => {
    timer = setTimeout(() => {
      resolve(onTimeout);
    }, ms);
    timer.unref();
  });
  try {
    return await Promise.race([work, limit]);
  } finally {
    clearTimeout(timer);
  }
}
