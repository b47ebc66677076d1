/**
 * Runs a planned bulk export: a bounded pool (util/pool.ts) takes series one at a time, each
 * series in flight with its own client (connection pool); a throttled checkpoint records committed progress; the result is the
 * completeness report.
 * @module
 */
import type { ClientOptions, EsmondClient } from '../query/types.js';
import type { CheckpointWriter } from './checkpoint.js';
import { describeError, isLocalWriteError, retryAfterMsOf } from './errors.js';
import { ExportAborted, exportSeries } from './export-series.js';
import type { PlannedJob } from './plan.js';
import type { ProgressSink } from './progress.js';
import { buildReport } from './report.js';
import { stateAt } from './states.js';
import { pool } from '../util/pool.js';
import type { BulkReport, SeriesSink, SeriesState } from './types.js';

/** Defaults of the knobs that make the export gentle with the archive. */
export const BULK_DEFAULTS = {
  concurrency: 2,
  /** perfSONAR 5's cap; esmond has none. A refusal lowers it to 1000 for the run. */
  pageSize: 10000,
  windowSeconds: 86400,
  windowAttempts: 6,
  backoffBaseMs: 500,
  backoffMaxMs: 30000,
  checkpointIntervalMs: 250,
} as const;

/** Everything a run needs besides the plan. */
export interface BulkRunOptions {
  timeStart: number;
  timeEnd: number;
  concurrency?: number;
  pageSize?: number;
  /** Share of a page each time window aims at (see rtt.ts). */
  windowFill?: number;
  windowAttempts?: number;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  checkpointIntervalMs?: number;
  /** One client per worker; `onRetry` must be passed through to {@link ClientOptions.onRetry}. */
  createClient: (onRetry: NonNullable<ClientOptions['onRetry']>) => EsmondClient;
  /** Where a series' points go (a file, another archive); one sink per series and run. */
  sinkFor: (job: PlannedJob) => SeriesSink;
  /** How a series is named to the progress display (its file, for the exporter). */
  labelOf: (job: PlannedJob) => string;
  progress: ProgressSink;
  checkpoint?: CheckpointWriter;
  /** Start each new series at its first point (see `SeriesContext.seekFirstPoint` in export-series.ts). */
  seekFirstPoint?: boolean;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  now?: () => number;
  signal?: AbortSignal;
}

const defaultSleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Exports every series of `jobs` from its state in `states` (both in plan order; states are
 * updated in place). Never throws for a series failure: that is in the report.
 */
export async function runBulk(
  jobs: readonly PlannedJob[],
  states: SeriesState[],
  opts: BulkRunOptions,
): Promise<BulkReport> {
  const now = opts.now ?? Date.now;
  const t0 = now();
  const sleep = opts.sleep ?? defaultSleep;
  const random = opts.random ?? Math.random;
  const base = opts.backoffBaseMs ?? BULK_DEFAULTS.backoffBaseMs;
  const cap = opts.backoffMaxMs ?? BULK_DEFAULTS.backoffMaxMs;
  const span = opts.timeEnd - opts.timeStart + 1;
  const pageSize = { value: opts.pageSize ?? BULK_DEFAULTS.pageSize };
  const finishedStatuses = new Set(['done', 'nodata', 'skipped']);

  // Checkpoint at most every interval: a stale checkpoint is always safe (it points at
  // committed bytes), a fresher one only saves re-reading a few pages. The interval grows with
  // the cost of a save (a plan of many thousand series is megabytes of JSON) so that saving
  // never takes more than about 5 % of the time.
  let timer: NodeJS.Timeout | undefined;
  let interval = opts.checkpointIntervalMs ?? BULK_DEFAULTS.checkpointIntervalMs;
  const save = async (): Promise<void> => {
    if (!opts.checkpoint) return;
    const t = now();
    await opts.checkpoint.save();
    interval = Math.max(opts.checkpointIntervalMs ?? BULK_DEFAULTS.checkpointIntervalMs, 20 * (now() - t));
  };
  const requestSave = (): void => {
    if (!opts.checkpoint || timer) return;
    timer = setTimeout(() => {
      timer = undefined;
      save().catch((err: unknown) => {
        opts.progress.notice(`checkpoint not saved: ${describeError(err)}`);
      });
    }, interval);
  };
  await save();

  const unitsDone = (st: SeriesState): number =>
    finishedStatuses.has(st.status) ? span : Math.max(0, Math.min(span, st.nextStart - opts.timeStart));
  opts.progress.start({
    series: jobs.length,
    // Skipped series are announced one by one just below.
    seriesDone: states.filter((s) => s.status === 'done' || s.status === 'nodata').length,
    units: span * jobs.length,
    unitsDone: states.reduce((a, s) => a + unitsDone(s), 0),
    pointsDone: states.reduce((a, s) => a + s.points, 0),
  });
  for (const [i, job] of jobs.entries()) {
    const st = stateAt(states, i);
    if (st.status === 'skipped') opts.progress.finished(job, st, opts.labelOf(job));
  }

  // A local write failure (disk full, no permission) would fail every other series the same
  // way: the run stops taking new series and says so once. An abort stops it too.
  let stopped: string | undefined;
  let aborted = false;
  // One client per series in flight, reused by the next series: at most `concurrency` clients,
  // each counting the retries of the series it serves now.
  const clients: { client: EsmondClient; current: SeriesState | undefined }[] = [];
  const idle: (typeof clients)[number][] = [];
  const takeClient = (): (typeof clients)[number] => {
    const reused = idle.pop();
    if (reused) return reused;
    const slot: (typeof clients)[number] = {
      client: opts.createClient(() => {
        if (slot.current) slot.current.retries++;
      }),
      current: undefined,
    };
    clients.push(slot);
    return slot;
  };
  const exportOne = async (job: PlannedJob, i: number): Promise<void> => {
    const st = stateAt(states, i);
    if (finishedStatuses.has(st.status)) return;
    const slot = takeClient();
    slot.current = st;
    let counted = unitsDone(st);
    try {
      await exportSeries(job, st, {
        client: slot.client,
        sink: opts.sinkFor(job),
        ...(opts.seekFirstPoint === true ? { seekFirstPoint: true } : {}),
        timeEnd: opts.timeEnd,
        pageSize,
        ...(opts.windowFill !== undefined ? { windowFill: opts.windowFill } : {}),
        windowAttempts: opts.windowAttempts ?? BULK_DEFAULTS.windowAttempts,
        backoffMs: (n) => Math.min(cap, base * 2 ** (n - 1)) * (0.5 + random() / 2),
        sleep,
        onCommit: (_s, points, units) => {
          counted += units;
          opts.progress.advance(points, units);
          requestSave();
        },
        onWindowRetry: (s, message, delay) => {
          opts.progress.notice(
            `retrying ${job.fileName} window at ${s.nextStart} in ${Math.round(delay)} ms: ${message}`,
          );
        },
        ...(opts.signal ? { signal: opts.signal } : {}),
      });
      // Windows never read (a summary the metadata lacks) count as done too.
      if (counted < span) opts.progress.advance(0, span - counted);
    } catch (err) {
      if (err instanceof ExportAborted) {
        aborted = true;
        return;
      }
      // A series whose last bytes are written but not renamed stays `renaming`: its .part file
      // is complete, and --resume only has to rename it.
      if (st.status !== 'renaming') st.status = 'failed';
      st.error = describeError(err);
      const ra = retryAfterMsOf(err);
      if (ra !== undefined) st.error += ` (Retry-After ${Math.round(ra / 1000)} s)`;
      if (isLocalWriteError(err) && stopped === undefined) {
        stopped = st.error;
        opts.progress.notice(`stopping: cannot write output files (${stopped})`);
      }
    } finally {
      slot.current = undefined;
      idle.push(slot);
    }
    requestSave();
    opts.progress.finished(job, st, opts.labelOf(job));
  };
  try {
    await pool(jobs, opts.concurrency ?? BULK_DEFAULTS.concurrency, exportOne, {
      stop: () => aborted || stopped !== undefined || opts.signal?.aborted === true,
    });
  } finally {
    await Promise.all(clients.map((c) => c.client.close()));
  }

  if (timer) clearTimeout(timer);
  timer = undefined;
  opts.progress.stop();
  if (stopped !== undefined) {
    for (const st of states) if (st.status === 'pending') st.error ??= `not started: ${stopped}`;
  }
  const report = buildReport(jobs, states, {
    timeStart: opts.timeStart,
    timeEnd: opts.timeEnd,
    elapsedSeconds: (now() - t0) / 1000,
  });
  if (opts.checkpoint) {
    if (report.failures === 0 && !opts.signal?.aborted) await opts.checkpoint.remove();
    else await opts.checkpoint.save();
  }
  return report;
}
