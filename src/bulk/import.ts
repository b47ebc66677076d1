/**
 * `importArchive()`: the engine of `esmond-ps-archive import`. The bulk exporter's planning,
 * windows, concurrency, retries and checkpoint, with another sink: every base series of the
 * matching metadata goes into an archive (an {@link ImportTarget}) instead of a file.
 * A killed run continues from its checkpoint (the same arguments find it); a point the target
 * already holds is left as it is, so a window read again, or a whole import run twice, stores
 * nothing twice.
 * @module
 */
import type { WirePoint } from '../model/wire.js';
import type { ClientOptions, EsmondClient } from '../query/types.js';
import type { Metadata, MetadataQuery } from '../model/metadata.js';
import { CheckpointWriter, readCheckpoint } from './checkpoint.js';
import { describeError } from './errors.js';
import { planSeries, type PlannedJob } from './plan.js';
import type { ProgressSink } from './progress.js';
import { BULK_DEFAULTS, runBulk } from './run.js';
import { freshState } from './states.js';
import type { BulkReport, SeriesSink, SeriesState } from './types.js';

/** Where imported data goes (the archive's import writer has this shape). */
export interface ImportTarget {
  /** Creates or finds the metadata `body` describes; resolves with its key in the target. */
  metadata(body: Record<string, unknown>, sourceKey: string): Promise<string>;
  /** Stores the base points not stored yet; says how many were stored and how many were there already. */
  write(
    key: string,
    eventType: string,
    points: readonly WirePoint[],
    hints: { timeUpdated?: number | null; sampleSize?: number },
  ): Promise<{ stored: number; present: number }>;
}

/** Options of {@link importArchive}. */
export interface ImportOptions {
  /** Builds a client of the source; one for the search and one per worker. */
  createClient: (extra: Pick<ClientOptions, 'onRetry'>) => EsmondClient;
  /** Metadata search of the source (no time filters: every metadata is copied, even one without data). */
  query: MetadataQuery;
  /** Only this event type of each metadata. */
  eventType?: string;
  /** Range of the points copied, inclusive UNIX seconds (a resumed run keeps its own). */
  timeStart: number;
  timeEnd: number;
  target: ImportTarget;
  checkpointPath: string;
  /** Identifies the arguments: a checkpoint of other arguments is refused. */
  fingerprint: string;
  concurrency?: number;
  pageSize?: number;
  backoffBaseMs?: number;
  progress: ProgressSink;
  signal?: AbortSignal;
}

/** A metadata the target refused (its series are not copied). */
export interface MetadataFailure {
  key: string;
  error: string;
}

/** The import's report: the bulk report (per series) plus the metadata. */
export interface ImportReport extends BulkReport {
  /** Metadata copied (created or found in the target). */
  metadata: number;
  metadataFailures: MetadataFailure[];
  /** Points stored by this run, and points the target held already. */
  stored: number;
  present: number;
}

/** Thrown when a checkpoint of other arguments is in the way. */
export class ImportCheckpointMismatchError extends Error {
  constructor(path: string) {
    super(
      `checkpoint ${path} belongs to an import with other arguments; finish that import, or delete the file to start afresh`,
    );
    this.name = 'ImportCheckpointMismatchError';
  }
}

/** The POST body that creates `md` in another archive: its subject, parameters and event types with their summaries. */
export function metadataBody(md: Metadata): Record<string, unknown> {
  const body: Record<string, unknown> = { 'subject-type': md.subjectType };
  const subject = {
    source: md.source,
    destination: md.destination,
    'measurement-agent': md.measurementAgent,
    'tool-name': md.toolName,
    'input-source': md.inputSource,
    'input-destination': md.inputDestination,
  };
  for (const [k, v] of Object.entries(subject)) if (v !== undefined) body[k] = v;
  Object.assign(body, md.parameters);
  body['event-types'] = md.eventTypes.map((et) => ({
    'event-type': et.eventType,
    summaries: et.summaries.map((s) => ({ 'summary-type': s.summaryType, 'summary-window': s.summaryWindow })),
  }));
  return body;
}

/** Copies every metadata into the target; source key → target key, and the ones refused. */
async function copyMetadata(
  all: readonly Metadata[],
  target: ImportTarget,
): Promise<{ keys: Map<string, string>; failures: MetadataFailure[] }> {
  const keys = new Map<string, string>();
  const failures: MetadataFailure[] = [];
  for (const md of all) {
    if (keys.has(md.key)) continue;
    try {
      keys.set(md.key, await target.metadata(metadataBody(md), md.key));
    } catch (err) {
      failures.push({ key: md.key, error: describeError(err) });
    }
  }
  return { keys, failures };
}

/** The sink of one series: its points go into the target's copy of the metadata. */
function archiveSink(
  job: PlannedJob,
  target: ImportTarget,
  keys: ReadonlyMap<string, string>,
  refused: ReadonlyMap<string, string>,
): SeriesSink {
  const et = job.metadata.eventTypes.find((e) => e.eventType === job.eventType);
  const sampleSize = Number(job.metadata.parameters['sample-size']);
  const hints = {
    timeUpdated: et?.timeUpdated ?? null,
    ...(Number.isInteger(sampleSize) && sampleSize > 0 ? { sampleSize } : {}),
  };
  let key = '';
  let stored = 0;
  return {
    open() {
      const found = keys.get(job.metadata.key);
      if (found === undefined)
        return Promise.reject(new Error(`metadata not copied: ${refused.get(job.metadata.key) ?? 'unknown error'}`));
      key = found;
      return Promise.resolve(false);
    },
    beginWindow() {
      stored = 0;
    },
    async write(points) {
      stored += (await target.write(key, job.eventType, points, hints)).stored;
    },
    commit() {
      const now = stored;
      return Promise.resolve((state: SeriesState) => {
        state.rows += now; // rows = points stored by an import
        state.status = 'partial';
      });
    },
    // What a failed window stored stays: reading it again stores nothing twice.
    rollback: () => Promise.resolve(),
    finish(state) {
      state.status = state.points > 0 ? 'done' : 'nodata';
      return Promise.resolve();
    },
    close: () => Promise.resolve(),
  };
}

/** Runs an import (see the module docs). Series and metadata failures are in the report, not thrown. */
export async function importArchive(opts: ImportOptions): Promise<ImportReport> {
  let jobs: PlannedJob[];
  let states: SeriesState[];
  let { timeStart, timeEnd } = opts;
  let everyMetadata: Metadata[] = [];
  const previous = await readCheckpoint(opts.checkpointPath);
  if (previous) {
    if (previous.fingerprint !== opts.fingerprint) throw new ImportCheckpointMismatchError(opts.checkpointPath);
    ({ jobs, states, timeStart, timeEnd } = previous);
    everyMetadata = jobs.map((j) => j.metadata);
    for (const st of states) delete st.error;
    opts.progress.notice(`resuming ${opts.checkpointPath}`);
  } else {
    const search = opts.createClient({});
    try {
      const seen: AsyncIterable<Metadata> = {
        async *[Symbol.asyncIterator]() {
          for await (const md of search.searchMetadata(opts.query)) {
            everyMetadata.push(md);
            yield md;
          }
        },
      };
      jobs = await planSeries(seen, {
        ...(opts.eventType !== undefined ? { eventType: opts.eventType } : {}),
        timeStart,
        timeEnd,
        extension: 'import',
        hostLabel: (h) => Promise.resolve(h),
        honoursSummary: () => false,
      });
    } finally {
      await search.close();
    }
    // A series is named by its metadata key and event type (the planner's file names are unused).
    jobs = jobs.map((j) => ({ ...j, fileName: `${j.metadata.key} ${j.eventType}` }));
    states = jobs.map((j) => freshState(j, timeStart, BULK_DEFAULTS.windowSeconds));
  }
  // Before the checkpoint exists, so a resumed run has copied every metadata (even those without
  // series); creating one again only finds it.
  const { keys, failures } = await copyMetadata(everyMetadata, opts.target);
  const refused = new Map(failures.map((f) => [f.key, f.error]));
  const checkpoint = new CheckpointWriter(
    opts.checkpointPath,
    { fingerprint: opts.fingerprint, timeStart, timeEnd },
    jobs,
    states,
  );
  const report = await runBulk(jobs, states, {
    timeStart,
    timeEnd,
    createClient: (onRetry) => opts.createClient({ onRetry }),
    sinkFor: (job) => archiveSink(job, opts.target, keys, refused),
    labelOf: (job) => job.fileName,
    seekFirstPoint: true,
    progress: opts.progress,
    checkpoint,
    ...(opts.concurrency !== undefined ? { concurrency: opts.concurrency } : {}),
    ...(opts.pageSize !== undefined ? { pageSize: opts.pageSize } : {}),
    ...(opts.backoffBaseMs !== undefined ? { backoffBaseMs: opts.backoffBaseMs } : {}),
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
  const stored = report.perSeries.reduce((a, s) => a + s.rows, 0);
  return {
    ...report,
    metadata: keys.size,
    metadataFailures: failures,
    stored,
    present: report.points - stored,
  };
}

/** The human report for stderr: one summary line, then every failure on a line of its own. */
export function renderImportReport(r: ImportReport, tool: string): string {
  const failed = r.failures + r.metadataFailures.length;
  const lines = [
    `${tool}: ${r.metadata} metadata copied${r.metadataFailures.length > 0 ? `, ${r.metadataFailures.length} refused` : ''}; ` +
      `${r.series} series: ${r.done} copied, ${r.nodata} without data, ${r.failures} failed; ` +
      `${r.points} points read, ${r.stored} stored, ${r.present} already there; ${r.retries} retries, ${r.elapsedSeconds} s`,
  ];
  for (const m of r.metadataFailures) lines.push(`  FAILED metadata ${m.key}: ${m.error}`);
  for (const s of r.perSeries) {
    if (s.status === 'done' || s.status === 'nodata' || s.status === 'skipped') continue;
    lines.push(`  FAILED ${s.metadataKey} ${s.eventType}: ${s.error ?? s.status}; ${s.points} points copied so far`);
  }
  if (failed > 0)
    lines.push('  incomplete: run the same command again to continue (what is copied stays, nothing is stored twice)');
  return lines.join('\n') + '\n';
}
