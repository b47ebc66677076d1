/**
 * A time limit on a promise that must not stall its caller (a DNS answer that never comes, a
 * summary that takes too long): the first of the work and the limit wins; and a wait that an
 * abort signal ends early.
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

/** Waits for `p`, but rejects as soon as `signal` aborts (so Ctrl-C does not wait out a backoff). */
export function abortable(p: Promise<void>, signal: AbortSignal | undefined): Promise<void> {
  if (signal === undefined) return p;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      reject(signal.reason);
    };
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
