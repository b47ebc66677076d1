/**
 * esmond-ps-get-bulk: exports every series of the matching metadata to one file each —
 * streaming, chunked, concurrent, resumable, with a completeness report (the original get-bulk's algorithm; fixes
 * B1–B4, B17, B18). Diagnostics and progress go to stderr; stdout stays empty.
 * @module
 */
import { resolve as resolvePath } from 'node:path';
import { fingerprintOf } from '../bulk/checkpoint.js';
import { describeError } from '../bulk/errors.js';
import { exportBulk } from '../bulk/export.js';
import { writeJsonAtomic } from '../util/atomic-write.js';
import { createProgress, type ProgressSink } from '../bulk/progress.js';
import { renderReport } from '../bulk/report.js';
import type { BulkFormat } from '../bulk/types.js';
import { createClient } from '../client.js';
import type { ClientOptions } from '../query/types.js';
import { retryNotice } from './failures.js';
import type { CliIo, ToolMain } from './io.js';
import { reportFailure } from './query-tool.js';
import { ExitCode } from './exit-codes.js';
import { startCommandLine } from './flags.js';
import { bulkFlagsOf } from './get-bulk-flags.js';
import { queryCommandLine } from './query-flags.js';
import { isQueryExit, toolKindOf, validateQueryFlags, type QueryDeps, type ToolRequirements } from './query-options.js';

const PROG = 'esmond-ps-get-bulk';

/** What get-bulk requires of the shared flags: a file format and a directory; it reads data. */
const REQUIREMENTS: ToolRequirements = { requireOutput: true, readsData: true };

/** Retries per request unless `--retries` (the shared default is 3); windows are retried on top of that. */
const REQUEST_RETRIES = 4;

/** Test seams: DNS checks of `-s/-d/-a` (reverse lookups come from `io.dns`). */
export interface GetBulkDeps extends QueryDeps {
  /** First backoff delay of request and window retries, ms (tests make it small). */
  retryBaseMs?: number;
}

/** A progress sink that also counts the series done, for the Ctrl-C message. */
function countingProgress(inner: ProgressSink): { sink: ProgressSink; done: number; total: number | undefined } {
  const counts: { sink: ProgressSink; done: number; total: number | undefined } = {
    done: 0,
    total: undefined,
    sink: {
      ...inner,
      start(info) {
        counts.total = info.series;
        counts.done = info.seriesDone;
        inner.start(info);
      },
      finished(job, state, finalPath) {
        if (state.status !== 'failed') counts.done += 1;
        inner.finished(job, state, finalPath);
      },
    },
  };
  return counts;
}

/** Builds the tool with injectable test seams. */
export function createGetBulk(deps: GetBulkDeps = {}): ToolMain {
  return async (argv: readonly string[], io: CliIo): Promise<number> => {
    const values = startCommandLine(queryCommandLine(PROG, toolKindOf(REQUIREMENTS), io.cwd), argv, io);
    if (typeof values === 'number') return values;
    const bf = bulkFlagsOf(values);
    if ('problem' in bf) {
      io.stderr.write(`${PROG}: ${bf.problem}\n`);
      return ExitCode.Invalid;
    }
    const s = await validateQueryFlags(PROG, values, io, REQUIREMENTS, deps);
    if (isQueryExit(s)) return s.exitCode;
    const outDir = s.outputDirectory ?? io.cwd;
    const format = s.format as BulkFormat;

    // What shapes the output; the default time range (the last 24 h) is left out so that
    // `--resume` of a run without -S/-E continues that run's range.
    const { timeStart: _ts, timeEnd: _te, ...queryWithoutTimes } = s.metadataQuery;
    const fingerprint = fingerprintOf({
      url: s.client.url,
      query: queryWithoutTimes,
      start: s.flags.start ? s.timeStart : null,
      end: s.flags.end ? s.timeEnd : null,
      eventType: s.eventType ?? null,
      summaryType: s.summaryType ?? null,
      summaryWindow: s.summaryWindow,
      format,
      ip: s.ip,
      ...(bf.safeNames ? { safeNames: true } : {}),
    });

    const counted = countingProgress(createProgress(io.stderr, { quiet: bf.quiet }));
    const progress = counted.sink;
    // Ctrl-C aborts the requests in flight, saves the checkpoint and says how far the run got;
    // a second Ctrl-C exits at once (the checkpoint stays safe either way).
    const interrupt = new AbortController();
    const onInterrupt = (): void => {
      if (interrupt.signal.aborted) {
        process.kill(process.pid, 'SIGINT'); // the second one: no handler left, default action
        return;
      }
      interrupt.abort();
      process.once('SIGINT', onInterrupt);
    };
    process.once('SIGINT', onInterrupt);
    const retries = s.flags.retries ?? REQUEST_RETRIES;
    const makeClient = (extra: Pick<ClientOptions, 'onRetry' | 'compression'>) => {
      const onRetry: ClientOptions['onRetry'] = (info) => {
        extra.onRetry?.(info);
        // Through the progress display, so the bar is redrawn below the line.
        progress.notice(retryNotice(info, retries));
      };
      const retry = deps.retryBaseMs !== undefined ? { baseMs: deps.retryBaseMs } : {};
      const compression = extra.compression !== undefined ? { compression: extra.compression } : {};
      return createClient({ ...s.client, retries, retry, connections: 2, onRetry, ...compression });
    };
    let report;
    try {
      report = await exportBulk({
        createClient: makeClient,
        query: s.metadataQuery,
        ...(s.eventType !== undefined ? { eventType: s.eventType } : {}),
        ...(s.summaryType !== undefined ? { summaryType: s.summaryType } : {}),
        ...(s.summaryWindowGiven ? { summaryWindow: s.summaryWindow } : {}),
        timeStart: s.timeStart,
        timeEnd: s.timeEnd,
        format,
        outDir,
        ip: s.ip,
        safeNames: bf.safeNames,
        ...(io.dns ? { reverseResolver: io.dns.reverse } : {}),
        force: bf.force,
        resume: bf.resume,
        ...(bf.checkpoint !== undefined ? { checkpointPath: resolvePath(io.cwd, bf.checkpoint) } : {}),
        fingerprint,
        ...(bf.concurrency !== undefined ? { concurrency: bf.concurrency } : {}),
        ...(bf.pageSize !== undefined ? { pageSize: bf.pageSize } : {}),
        ...(bf.window !== undefined ? { windowSeconds: bf.window } : {}),
        ...(deps.retryBaseMs !== undefined ? { backoffBaseMs: deps.retryBaseMs } : {}),
        progress,
        signal: interrupt.signal,
      });
    } catch (err) {
      progress.stop();
      return reportFailure(PROG, io, err, s);
    } finally {
      process.off('SIGINT', onInterrupt);
    }
    if (interrupt.signal.aborted) {
      const { done, total } = counted;
      io.stderr.write(
        total === undefined
          ? `\n${PROG}: interrupted while listing the series: nothing exported yet\n`
          : `\n${PROG}: interrupted: ${done} of ${total} series done; rerun with --resume to continue\n`,
      );
      return ExitCode.Interrupted;
    }
    if (!bf.quiet || report.failures > 0) io.stderr.write(renderReport(report));
    if (bf.report !== undefined) {
      try {
        await writeJsonAtomic(resolvePath(io.cwd, bf.report), report);
      } catch (err) {
        io.stderr.write(`${PROG}: report not written: ${describeError(err)}\n`);
        return ExitCode.Failure;
      }
    }
    return report.failures > 0 ? ExitCode.Failure : ExitCode.Ok;
  };
}

/** The esmond-ps-get-bulk tool. */
export const run: ToolMain = createGetBulk();
