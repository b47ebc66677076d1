/**
 * Copies one series from the archive to its sink (a file for esmond-ps-get-bulk, another archive
 * for esmond-ps-archive import): window by window, page by page; each window is either committed
 * whole (and recorded in the series state) or rolled back and read again, so nothing is lost or
 * written twice however often requests fail.
 * @module
 */
import type { WirePoint } from '../model/wire.js';
import type { EsmondClient } from '../query/types.js';
import { describeError, isAbort, isLocalWriteError, isPageSizeRefusal, isPermanent, retryAfterMsOf } from './errors.js';
import type { PlannedJob } from './plan.js';
import type { SeriesSink, SeriesState } from './types.js';
import { nextWindowSeconds, windowAt } from './windows.js';

/** Page size the exporter falls back to when the archive refuses a bigger one. */
export const FALLBACK_PAGE_SIZE = 1000;

/** What exporting a series needs from the run. */
export interface SeriesContext {
  client: EsmondClient;
  /** Where the points go. */
  sink: SeriesSink;
  /** End of the query range (inclusive). */
  timeEnd: number;
  /** Points per request; shared by all series of a run so a refusal lowers it for everyone. */
  pageSize: { value: number };
  /** Share of a page each time window aims at (windows.ts). @defaultValue TARGET_FILL */
  windowFill?: number;
  /** Attempts per window (a window is retried when a request fails for good). */
  windowAttempts: number;
  /** Delay before window attempt `n` (1-based) when the server gave no Retry-After. */
  backoffMs: (attempt: number) => number;
  sleep: (ms: number) => Promise<void>;
  /** A window was committed: the state changed (save a checkpoint soon). */
  onCommit: (state: SeriesState, points: number, seconds: number) => void;
  /** A window failed and will be read again. */
  onWindowRetry: (state: SeriesState, error: string, delayMs: number) => void;
  /**
   * Before the first window of a series that has nothing yet, ask for its first point (one
   * request of one point) and start there: an import of "everything" (from 1970) would otherwise
   * read decades of empty windows.
   */
  seekFirstPoint?: boolean;
  signal?: AbortSignal;
}

/** The ts of the first point at or after `from` (up to `to`), or undefined when there is none. */
async function firstTimestamp(job: PlannedJob, ctx: SeriesContext, from: number): Promise<number | undefined> {
  const query = { timeStart: from, timeEnd: ctx.timeEnd, pageSize: 1, ...(ctx.signal ? { signal: ctx.signal } : {}) };
  for await (const page of ctx.client.dataPages(job.metadata, job.eventType, job.selector, query)) {
    const first = page[0];
    if (first !== undefined) return first.ts;
  }
  return undefined;
}

/** Thrown when the run was aborted; the series stays resumable. */
export class ExportAborted extends Error {
  constructor() {
    super('aborted');
    this.name = 'ExportAborted';
  }
}

/**
 * Runs one series from its state to `done` or `nodata` (the sink's {@link SeriesSink.finish}).
 * Throws (leaving the state `partial`/`pending`, resumable) when a window keeps failing.
 */
export async function exportSeries(job: PlannedJob, state: SeriesState, ctx: SeriesContext): Promise<void> {
  if (state.status === 'done' || state.status === 'nodata' || state.status === 'skipped') return;
  if (!job.available) {
    state.status = 'nodata';
    state.nextStart = ctx.timeEnd + 1;
    return;
  }
  const sink = ctx.sink;
  try {
    if (await sink.open(state)) return;
    let seeking = ctx.seekFirstPoint === true && state.points === 0;
    while (state.nextStart <= ctx.timeEnd) {
      if (ctx.signal?.aborted) throw new ExportAborted();
      const [from, to] = windowAt(state.nextStart, state.windowSeconds, ctx.timeEnd);
      for (let attempt = 1; ; attempt++) {
        let points = 0;
        let pages = 0;
        sink.beginWindow(state);
        const pageSize = ctx.pageSize.value;
        try {
          if (seeking) {
            // No window is read: the next one starts at the first point (or the series is empty).
            const first = await firstTimestamp(job, ctx, from);
            seeking = false;
            const skipTo = Math.max(from, first ?? ctx.timeEnd + 1);
            state.nextStart = skipTo;
            ctx.onCommit(state, 0, skipTo - from);
            break;
          }
          const emit = (ready: readonly WirePoint[]): Promise<void> => {
            points += ready.length;
            return sink.write(ready);
          };
          // Points sharing the last timestamp of a page may go on in the next page: they are held
          // back until the next page (or the window's end) shows they are complete.
          let carry: WirePoint[] = [];
          let cutAt: number | undefined;
          const query = { timeStart: from, timeEnd: to, pageSize, ...(ctx.signal ? { signal: ctx.signal } : {}) };
          for await (const page of ctx.client.dataPages(job.metadata, job.eventType, job.selector, query)) {
            pages++;
            const lastPoint = page.at(-1);
            if (lastPoint === undefined) continue;
            const lastTs = lastPoint.ts;
            const all = carry.length > 0 ? carry.concat(page) : page;
            let k = all.length;
            while (k > 0 && all[k - 1]?.ts === lastTs) k--;
            carry = all.slice(k);
            if (k > 0) await emit(all.slice(0, k));
            // A full page means the window was too wide: commit what is complete and let the next
            // (narrower) window start at the held-back timestamp, so progress is saved every page.
            if (page.length >= pageSize && lastTs > from) {
              cutAt = lastTs;
              break;
            }
          }
          if (cutAt === undefined && carry.length > 0) await emit(carry);
          const covered = (cutAt ?? to + 1) - from;
          const record = await sink.commit();
          // All fields change together, synchronously: a checkpoint never sees half a window.
          record(state);
          state.points += points;
          state.pages += pages;
          state.nextStart = from + covered;
          state.windowSeconds = nextWindowSeconds(covered, points, ctx.pageSize.value, undefined, ctx.windowFill);
          ctx.onCommit(state, points, covered);
          break;
        } catch (err) {
          await sink.rollback();
          if (ctx.signal?.aborted || isAbort(err)) throw new ExportAborted();
          if (isPageSizeRefusal(err) && pageSize > FALLBACK_PAGE_SIZE) {
            ctx.pageSize.value = Math.min(ctx.pageSize.value, FALLBACK_PAGE_SIZE);
            attempt--; // not a failure of the archive: it told us its limit
            continue;
          }
          state.failures++;
          const message = describeError(err);
          if (isPermanent(err) || isLocalWriteError(err) || attempt >= ctx.windowAttempts) throw err;
          state.retries++;
          const delay = Math.max(retryAfterMsOf(err) ?? 0, ctx.backoffMs(attempt));
          ctx.onWindowRetry(state, message, delay);
          await ctx.sleep(delay);
        }
      }
    }
    await sink.finish(state);
  } finally {
    await sink.close();
  }
}
