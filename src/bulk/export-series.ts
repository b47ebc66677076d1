/**
 * Exports one series to its file: window by window, page by page, straight to the `.part` file;
 * each window is either committed whole (and recorded in the series state) or rolled back and
 * read again, so nothing is lost or written twice however often requests fail.
 * @module
 */
import { join } from 'node:path';
import type { WirePoint } from '../model/wire.js';
import type { EsmondClient } from '../query/types.js';
import { describeError, isAbort, isLocalWriteError, isPageSizeRefusal, isPermanent, retryAfterMsOf } from './errors.js';
import { PART_SUFFIX, PartFile } from './part-file.js';
import type { PlannedJob } from './plan.js';
import type { SeriesEncoder, SeriesState } from './types.js';
import { nextWindowSeconds, windowAt } from './windows.js';

/** Points encoded at a time. */
const ENCODE_SLICE = 500;

/** Page size the exporter falls back to when the archive refuses a bigger one. */
export const FALLBACK_PAGE_SIZE = 1000;

/** What exporting a series needs from the run. */
export interface SeriesContext {
  client: EsmondClient;
  encoder: SeriesEncoder;
  outDir: string;
  /** End of the query range (inclusive). */
  timeEnd: number;
  /** Points per request; shared by all series of a run so a refusal lowers it for everyone. */
  pageSize: { value: number };
  /** Attempts per window (a window is retried when a request fails for good). */
  windowAttempts: number;
  /** Delay before window attempt `n` (1-based) when the server gave no Retry-After. */
  backoffMs: (attempt: number) => number;
  sleep: (ms: number) => Promise<void>;
  /** A window was committed: the state changed (save a checkpoint soon). */
  onCommit: (state: SeriesState, points: number, seconds: number) => void;
  /** A window failed and will be read again. */
  onWindowRetry: (state: SeriesState, error: string, delayMs: number) => void;
  signal?: AbortSignal;
}

/** Thrown when the run was aborted; the series stays resumable. */
export class ExportAborted extends Error {
  constructor() {
    super('aborted');
    this.name = 'ExportAborted';
  }
}

/** Final and temporary paths of a job. */
export function pathsOf(outDir: string, job: PlannedJob): { finalPath: string; partPath: string } {
  const finalPath = join(outDir, job.fileName);
  return { finalPath, partPath: finalPath + PART_SUFFIX };
}

/**
 * Runs one series from its state to `done` (file renamed to its final name) or `nodata`.
 * Throws (leaving the state `partial`/`pending`, resumable) when a window keeps failing.
 */
export async function exportSeries(job: PlannedJob, state: SeriesState, ctx: SeriesContext): Promise<void> {
  if (state.status === 'done' || state.status === 'nodata' || state.status === 'skipped') return;
  const { finalPath, partPath } = pathsOf(ctx.outDir, job);
  if (!job.available) {
    state.status = 'nodata';
    state.nextStart = ctx.timeEnd + 1;
    return;
  }
  let part = state.bytes > 0 ? await PartFile.open(partPath, state.bytes) : undefined;
  try {
    if (state.status === 'renaming' && part) {
      // Killed between the last write and the rename: the `.part` file is complete.
      await part.finish(finalPath);
      part = undefined;
      state.status = 'done';
      return;
    }
    while (state.nextStart <= ctx.timeEnd) {
      if (ctx.signal?.aborted) throw new ExportAborted();
      const [from, to] = windowAt(state.nextStart, state.windowSeconds, ctx.timeEnd);
      for (let attempt = 1; ; attempt++) {
        let points = 0;
        let pages = 0;
        const memory = { rows: state.rows, listColumns: state.listColumns };
        const pageSize = ctx.pageSize.value;
        try {
          const emit = async (ready: readonly WirePoint[]): Promise<void> => {
            points += ready.length;
            if (ctx.encoder.prepare) await ctx.encoder.prepare(ready);
            // Slices keep each rendered string small and short-lived (much less GC work than
            // one multi-megabyte string per page).
            for (let i = 0; i < ready.length; i += ENCODE_SLICE) {
              const rowsBefore = memory.rows;
              let text: string | undefined = ctx.encoder.encode(i === 0 && ready.length <= ENCODE_SLICE ? ready : ready.slice(i, i + ENCODE_SLICE), memory).text;
              if (memory.rows === rowsBefore) continue;
              part ??= await PartFile.open(partPath, 0);
              if (rowsBefore === 0) await part.write(ctx.encoder.begin());
              const written = part.write(text);
              // Not kept while the disk is waited for: it would be promoted to the old generation.
              // eslint-disable-next-line no-useless-assignment -- see the comment above
              text = undefined;
              await written;
            }
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
          const bytes = part ? await part.commit() : 0;
          // All fields change together, synchronously: a checkpoint never sees half a window.
          state.bytes = bytes;
          state.rows = memory.rows;
          if (memory.listColumns !== undefined) state.listColumns = memory.listColumns;
          state.points += points;
          state.pages += pages;
          state.nextStart = from + covered;
          state.windowSeconds = nextWindowSeconds(covered, points, ctx.pageSize.value);
          state.status = state.bytes > 0 ? 'partial' : 'pending';
          ctx.onCommit(state, points, covered);
          break;
        } catch (err) {
          if (part) await part.rollback();
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
    if (state.rows > 0 && part) {
      await part.write(ctx.encoder.end(state.rows));
      state.bytes = await part.commit();
      state.status = 'renaming';
      await part.finish(finalPath);
      part = undefined;
      state.status = 'done';
    } else {
      if (part) await part.close(true);
      part = undefined;
      state.status = 'nodata';
    }
  } finally {
    if (part) await part.close();
  }
}
