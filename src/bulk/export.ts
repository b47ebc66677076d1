/**
 * `exportBulk()`: the whole bulk export behind esmond-ps-get-bulk — plan (or take the plan of a
 * checkpoint with `resume`), reconcile with the files on disk, export, report.
 * @module
 */
import { join } from 'node:path';
import { familyHasSummaries, familyOf } from '../format/index.js';
import type { SummaryType } from '../model/event-types.js';
import type { ClientOptions, EsmondClient } from '../query/types.js';
import type { MetadataQuery } from '../model/metadata.js';
import { CHECKPOINT_NAME, CheckpointWriter, readCheckpoint } from './checkpoint.js';
import { createSeriesEncoder } from './encoder.js';
import { fileSink, pathsOf } from './file-sink.js';
import { systemReverseResolver, type ReverseResolver } from '../util/dns.js';
import { createHostnameCache } from '../util/hostnames.js';
import { planSeries, type PlannedJob } from './plan.js';
import type { ProgressSink } from './progress.js';
import { BULK_DEFAULTS, runBulk } from './run.js';
import { measureRtt, sizingForRtt, type RunSizing } from './rtt.js';
import { freshState, reconcileStates } from './states.js';
import type { BulkFormat, BulkReport, SeriesState } from './types.js';

/** Options of {@link exportBulk}. */
export interface ExportBulkOptions {
  /** Builds a client; the exporter makes one for the search and one per worker. */
  createClient: (extra: Pick<ClientOptions, 'onRetry' | 'compression'>) => EsmondClient;
  /** Metadata search (its time filters are replaced: the search is narrowed by timeStart only). */
  query: MetadataQuery;
  /** `-e`: only this event type. */
  eventType?: string;
  summaryType?: SummaryType;
  /** `-W` when given (see {@link PlanOptions.summaryWindow}). */
  summaryWindow?: number;
  /** Query range, inclusive UNIX seconds (ignored when resuming: the checkpoint's range wins). */
  timeStart: number;
  timeEnd: number;
  format: BulkFormat;
  outDir: string;
  /** `--ip`: no reverse lookups. */
  ip: boolean;
  /** `--safe-names`: no `:` in file names (IPv6 addresses). */
  safeNames?: boolean;
  /** Reverse DNS for names in rows and file names. @defaultValue the system resolver */
  reverseResolver?: ReverseResolver;
  /** Rewrite final files that already exist. */
  force?: boolean;
  /** Continue from the checkpoint if there is one. */
  resume?: boolean;
  /** Checkpoint file. @defaultValue `<outDir>/.esmond-ps-get-bulk.checkpoint.json` */
  checkpointPath?: string;
  /** Identifies the arguments; a resume with a different fingerprint is refused. */
  fingerprint: string;
  /** Series at once; without it the run is sized from the measured round-trip time (rtt.ts). */
  concurrency?: number;
  /** `false`: no round-trip probe, today's sizing (benches compare against it). @defaultValue true */
  rttSizing?: boolean;
  pageSize?: number;
  windowSeconds?: number;
  windowAttempts?: number;
  backoffBaseMs?: number;
  checkpointIntervalMs?: number;
  progress: ProgressSink;
  signal?: AbortSignal;
  sleep?: (ms: number) => Promise<void>;
}

/** Thrown when `--resume` meets a checkpoint of another command line. */
export class CheckpointMismatchError extends Error {
  constructor(path: string) {
    super(
      `checkpoint ${path} belongs to a run with different arguments; run without --resume to start afresh, or delete it`,
    );
    this.name = 'CheckpointMismatchError';
  }
}

/** Runs a bulk export (see the module docs). Series failures are in the report, not thrown. */
export async function exportBulk(opts: ExportBulkOptions): Promise<BulkReport> {
  const checkpointPath = opts.checkpointPath ?? join(opts.outDir, CHECKPOINT_NAME);
  const windowSeconds = opts.windowSeconds ?? BULK_DEFAULTS.windowSeconds;
  const hostnames = opts.ip ? undefined : createHostnameCache(opts.reverseResolver ?? systemReverseResolver);

  let jobs: PlannedJob[];
  let states: SeriesState[];
  let sizing: RunSizing | undefined;
  const autoSized = opts.concurrency === undefined && opts.rttSizing !== false;
  /** Sizes the run on a client whose connection is warm (or not: the probe takes the quicker of two). */
  const size = async (client: EsmondClient): Promise<void> => {
    const first = jobs[0];
    if (autoSized && first !== undefined) sizing = sizingForRtt(await measureRtt(client, first.metadata, opts.signal));
  };
  let timeStart = opts.timeStart;
  let timeEnd = opts.timeEnd;
  const previous = opts.resume ? await readCheckpoint(checkpointPath) : undefined;
  if (previous) {
    if (previous.fingerprint !== opts.fingerprint) throw new CheckpointMismatchError(checkpointPath);
    ({ jobs, states, timeStart, timeEnd } = previous);
    // File names and source/destination labels come from the checkpoint, so a resumed file
    // shows the same names even if DNS changed meanwhile.
    opts.progress.notice(`resuming ${checkpointPath}`);
  } else {
    if (opts.resume) opts.progress.notice(`no checkpoint at ${checkpointPath}: starting afresh`);
    const search = opts.createClient({});
    try {
      // `time-updated` is the series' last write: a series written after the window's end may
      // still have data inside it, so only the start narrows the search.
      const { timeEnd: _end, ...rest } = opts.query;
      const query: MetadataQuery = { ...rest, timeStart };
      jobs = await planSeries(search.searchMetadata(query), {
        ...(opts.eventType !== undefined ? { eventType: opts.eventType } : {}),
        ...(opts.summaryType !== undefined ? { summaryType: opts.summaryType } : {}),
        ...(opts.summaryWindow !== undefined ? { summaryWindow: opts.summaryWindow } : {}),
        timeStart,
        timeEnd,
        extension: opts.format,
        safeNames: opts.safeNames === true,
        hostLabel: (h) => (hostnames ? hostnames.resolve(h) : Promise.resolve(h)),
        honoursSummary: (et) => familyHasSummaries(familyOf(et, opts.summaryType)),
      });
      await size(search);
    } finally {
      await search.close();
    }
    states = jobs.map((j) => freshState(j, timeStart, windowSeconds));
  }
  if (autoSized && sizing === undefined) {
    const probe = opts.createClient({});
    try {
      await size(probe);
    } finally {
      await probe.close();
    }
  }
  await reconcileStates(jobs, states, { outDir: opts.outDir, force: opts.force ?? false, timeStart, windowSeconds });

  const checkpoint = new CheckpointWriter(
    checkpointPath,
    { fingerprint: opts.fingerprint, timeStart, timeEnd },
    jobs,
    states,
  );
  const concurrency = opts.concurrency ?? sizing?.concurrency;
  return runBulk(jobs, states, {
    timeStart,
    timeEnd,
    createClient: (onRetry) =>
      opts.createClient(sizing === undefined ? { onRetry } : { onRetry, compression: sizing.compression }),
    sinkFor: (job) =>
      fileSink(job, {
        outDir: opts.outDir,
        encoder: createSeriesEncoder(job, { format: opts.format, ...(hostnames ? { hostnames } : {}) }),
      }),
    labelOf: (job) => pathsOf(opts.outDir, job).finalPath,
    progress: opts.progress,
    checkpoint,
    ...(concurrency !== undefined ? { concurrency } : {}),
    ...(sizing !== undefined ? { windowFill: sizing.windowFill } : {}),
    ...(opts.pageSize !== undefined ? { pageSize: opts.pageSize } : {}),
    ...(opts.windowAttempts !== undefined ? { windowAttempts: opts.windowAttempts } : {}),
    ...(opts.backoffBaseMs !== undefined ? { backoffBaseMs: opts.backoffBaseMs } : {}),
    ...(opts.checkpointIntervalMs !== undefined ? { checkpointIntervalMs: opts.checkpointIntervalMs } : {}),
    ...(opts.signal ? { signal: opts.signal } : {}),
    ...(opts.sleep ? { sleep: opts.sleep } : {}),
  });
}
