/**
 * `esmond-ps-archive import --from URL`: copies every metadata and its base data from an esmond
 * 4.x archive, an elmond or a perfSONAR 5 OpenSearch into this archive (the bulk exporter's
 * engine, writing to the store through the archive core; summaries are computed here as for
 * posted data). Resumable after kill -9, idempotent when run again.
 * @module
 */
import { dirname, resolve } from 'node:path';
import { createImportWriter } from '../archive/import-writer.js';
import { createArchiveService } from '../archive/service.js';
import { isPostgresUrl, redactDbSpec } from '../archive/storage/open.js';
import { fingerprintOf } from '../bulk/checkpoint.js';
import { importArchive, renderImportReport } from '../bulk/import.js';
import { createProgress } from '../bulk/progress.js';
import type { SeriesState } from '../bulk/types.js';
import { createClient } from '../client.js';
import type { ClientOptions, MetadataQuery } from '../query/types.js';
import { applyArchiveFlags } from './archive-flags.js';
import { dbSpecOf, openArchiveStore } from './archive-db.js';
import type { ImportFlags } from './archive-import-flags.js';
import { retryNotice } from './failures.js';
import { ExitCode } from './exit-codes.js';
import { UsageError } from './flags.js';
import type { CliIo } from './io.js';

const PROG = 'esmond-ps-archive import';

/** Request retries of the source (windows are retried on top of them, as in esmond-ps-get-bulk). */
const REQUEST_RETRIES = 4;

/** Unix seconds of a `-S/-E` value; throws a one-line problem. */
async function secondsOf(flag: string, text: string | undefined, fallback: number, io: CliIo): Promise<number> {
  if (text === undefined) return fallback;
  const { resolveWhen } = await import('./dates.js');
  const when = resolveWhen(text, io.now());
  if ('problem' in when) throw new UsageError(`could not parse ${flag}: ${text}: ${when.problem}`);
  return when.seconds;
}

function queryOf(f: ImportFlags): MetadataQuery {
  const q: MetadataQuery = {};
  if (f.source !== undefined) q.source = f.source;
  if (f.destination !== undefined) q.destination = f.destination;
  if (f.agent !== undefined) q.measurementAgent = f.agent;
  if (f.eventType !== undefined) q.eventType = f.eventType;
  if (f.tool !== undefined) q.toolName = f.tool;
  if (f.filter.length > 0)
    q.filters = f.filter.map((item) => [item.slice(0, item.indexOf(':')), item.slice(item.indexOf(':') + 1)] as const);
  return q;
}

function outcome(state: SeriesState): string {
  const present = state.points - state.rows;
  if (state.status === 'done')
    return `${state.points} points, ${state.rows} stored${present > 0 ? `, ${present} already there` : ''}`;
  if (state.status === 'nodata') return 'no data';
  return `FAILED after ${state.points} points: ${state.error ?? 'unknown error'}`;
}

/** Runs `import`; resolves with the exit code (0, 1 when anything failed, 130 when interrupted). */
export async function runImport(f: ImportFlags, io: CliIo): Promise<number> {
  const url = f.from.trim();
  if (!/^https?:\/\/[^/]/i.test(url)) throw new UsageError(`--from must be an http:// or https:// URL: ${f.from}`);
  const nowS = Math.floor(io.now() / 1000);
  const timeStart = await secondsOf('--start-time', f.startTime, 0, io);
  const timeEnd = await secondsOf('--end-time', f.endTime, nowS, io);
  if (timeStart > timeEnd) throw new UsageError('--start-time is later than --end-time');
  const retries = REQUEST_RETRIES;
  const base: ClientOptions = {
    url,
    timeoutMs: f.timeout * 1000,
    tlsVerify: !f.noSslVerify,
    retries,
    connections: 2,
  };
  const apiKey = f.key ?? io.env.ESMOND_KEY;
  const username = f.user ?? io.env.ESMOND_USER;
  if (apiKey !== undefined && apiKey !== '') base.credentials = username ? { apiKey, username } : { apiKey };
  const problem = applyArchiveFlags(
    { archive: f.archive, password: f.password, ca: f.ca, user: f.user, key: f.key, verbose: f.verbose },
    io,
    base,
  );
  if (problem !== undefined) throw new UsageError(problem);

  const spec = dbSpecOf(f, io);
  const checkpointPath =
    f.checkpoint !== undefined
      ? resolve(io.cwd, f.checkpoint)
      : isPostgresUrl(spec)
        ? resolve(io.cwd, 'esmond-ps-archive-import.checkpoint.json')
        : resolve(dirname(spec), `${spec.slice(dirname(spec).length + 1)}.import-checkpoint.json`);
  const query = queryOf(f);
  // What decides the result; the default end (now) is left out so a rerun continues the same import.
  const fingerprint = fingerprintOf({
    from: url,
    archive: f.archive,
    query,
    start: f.startTime ?? null,
    end: f.endTime ?? null,
    db: redactDbSpec(spec),
  });

  const progress = createProgress(io.stderr, { quiet: f.quiet, words: { tool: PROG, verb: 'copy', outcome } });
  const interrupt = new AbortController();
  const onInterrupt = (): void => {
    interrupt.abort();
  };
  process.once('SIGINT', onInterrupt);
  const store = await openArchiveStore(f, io);
  const service = createArchiveService(store, { resolver: false });
  try {
    const report = await importArchive({
      createClient: (extra) =>
        createClient({
          ...base,
          onRetry: (info) => {
            extra.onRetry?.(info);
            progress.notice(retryNotice(info, retries));
          },
        }),
      query,
      ...(f.eventType !== undefined ? { eventType: f.eventType } : {}),
      timeStart,
      timeEnd,
      target: createImportWriter(service, store),
      checkpointPath,
      fingerprint,
      ...(f.concurrency !== undefined ? { concurrency: f.concurrency } : {}),
      progress,
      signal: interrupt.signal,
    });
    if (interrupt.signal.aborted) {
      io.stderr.write(`\n${PROG}: interrupted; run the same command again to continue\n`);
      return ExitCode.Interrupted;
    }
    const failed = report.failures + report.metadataFailures.length > 0;
    if (!f.quiet || failed) io.stderr.write(renderImportReport(report, PROG));
    return failed ? ExitCode.Failure : ExitCode.Ok;
  } finally {
    process.off('SIGINT', onInterrupt);
    await service.close();
  }
}
