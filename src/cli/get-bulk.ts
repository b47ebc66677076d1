/**
 * esmond-ps-get-bulk: exports every series of the matching metadata to one file each —
 * streaming, chunked, concurrent, resumable, with a completeness report (client spec §6; fixes
 * B1–B4, B17, B18). Diagnostics and progress go to stderr; stdout stays empty.
 * @module
 */
import { writeJsonAtomic } from '../util/atomic-write.js';
import { resolve as resolvePath } from 'node:path';
import { fingerprintOf } from '../bulk/checkpoint.js';
import { describeError } from '../bulk/errors.js';
import { exportBulk } from '../bulk/export.js';
import { createProgress, type ProgressSink } from '../bulk/progress.js';
import { renderReport } from '../bulk/report.js';
import type { BulkFormat } from '../bulk/types.js';
import { createClient } from '../query/client.js';
import type { ClientOptions } from '../query/types.js';
import { retryNotice } from './failures.js';
import type { CliIo, ToolMain } from './io.js';
import { reportFailure } from './query-tool.js';
import { BULK_FLAG_DEFS, bulkFlagsHelp, splitBulkFlags } from './get-bulk-flags.js';
import { closest } from './suggest.js';
import { helpText, isQueryExit, prepareQueryTool, queryOptionDefs, usageText, type QueryDeps } from './query-options.js';

const PROG = 'esmond-ps-get-bulk';

/** Retries per request unless `--retries` (the shared default is 3); windows are retried on top of that. */
const REQUEST_RETRIES = 4;

/** Test seams: DNS checks of `-s/-d/-a` (reverse lookups come from `io.dns`). */
export interface GetBulkDeps extends QueryDeps {
  /** First backoff delay of request and window retries, ms (tests make it small). */
  retryBaseMs?: number;
}

/** Does a shared option consume the next argument? (Used to find our flags in argv safely.) */
function sharedTakesValue(defs: ReturnType<typeof queryOptionDefs>): (arg: string) => boolean {
  return (arg) => {
    if (arg.startsWith('--')) {
      const exact = defs.find((d) => d.long === arg);
      const matches = exact ? [exact] : defs.filter((d) => d.long.startsWith(arg));
      return matches.length === 1 && matches[0]?.kind !== 'flag';
    }
    if (!arg.startsWith('-') || arg.length < 2) return false;
    for (let i = 1; i < arg.length; i++) {
      const def = defs.find((d) => d.short === `-${arg[i]}`);
      if (!def) return false;
      if (def.kind !== 'flag') return i === arg.length - 1;
    }
    return false;
  };
}

/**
 * `no such option: --forse (did you mean --force?)` for a long flag neither get-bulk nor the
 * shared set knows, suggesting from both (the shared parser knows only its own).
 */
function unknownLongFlag(argv: readonly string[], defs: ReturnType<typeof queryOptionDefs>): string | undefined {
  const takesValue = sharedTakesValue(defs);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--') return undefined;
    if (!arg.startsWith('--')) {
      if (takesValue(arg)) i++;
      continue;
    }
    const typed = arg.split('=')[0] ?? arg;
    if (defs.some((d) => d.long.startsWith(typed))) {
      if (!arg.includes('=') && takesValue(arg)) i++;
      continue;
    }
    const near = closest(typed, [...defs.map((d) => d.long), ...BULK_FLAG_DEFS.map((d) => d.long)]);
    return `no such option: ${typed}${near !== undefined ? ` (did you mean ${near}?)` : ''}`;
  }
  return undefined;
}

function isHelp(argv: readonly string[]): boolean {
  return argv.some((a) => a === '-h' || /^--h(e(lp?)?)?$/.test(a));
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
    const defs = queryOptionDefs({ outputDirectory: io.cwd });
    const split = splitBulkFlags(argv, sharedTakesValue(defs));
    if (split.kind === 'error') {
      io.stderr.write(`${usageText(PROG)}\n${PROG}: error: ${split.message}\n`);
      return 2;
    }
    const unknown = unknownLongFlag(split.rest, defs);
    if (unknown !== undefined) {
      io.stderr.write(`${usageText(PROG)}\n${PROG}: error: ${unknown}\n`);
      return 2;
    }
    if (isHelp(split.rest)) {
      io.stdout.write(helpText(PROG, defs, io.env) + bulkFlagsHelp());
      return 0;
    }
    const bf = split.flags;
    const fail = (msg: string): number => {
      io.stderr.write(`${PROG}: ${msg}\n`);
      return 255;
    };
    if (bf.concurrency !== undefined && (bf.concurrency < 1 || bf.concurrency > 16)) return fail('--concurrency must be from 1 to 16');
    if (bf.pageSize !== undefined && (bf.pageSize < 1 || bf.pageSize > 10000)) return fail('--page-size must be from 1 to 10000');
    if (bf.window !== undefined && bf.window < 1) return fail('--window must be at least 1 second');

    const s = await prepareQueryTool(PROG, split.rest, io, { requireOutput: true, readsData: true }, deps);
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
    const makeClient = (extra: Pick<ClientOptions, 'onRetry'>) => {
      const onRetry: ClientOptions['onRetry'] = (info) => {
        extra.onRetry?.(info);
        // Through the progress display, so the bar is redrawn below the line.
        progress.notice(retryNotice(info, retries));
      };
      const retry = deps.retryBaseMs !== undefined ? { baseMs: deps.retryBaseMs } : {};
      return createClient({ ...s.client, retries, retry, connections: 2, onRetry });
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
      return 130;
    }
    if (!bf.quiet || report.failures > 0) io.stderr.write(renderReport(report));
    if (bf.report !== undefined) {
      try {
        await writeJsonAtomic(resolvePath(io.cwd, bf.report), report);
      } catch (err) {
        io.stderr.write(`${PROG}: report not written: ${describeError(err)}\n`);
        return 1;
      }
    }
    return report.failures > 0 ? 1 : 0;
  };
}

/** The esmond-ps-get-bulk tool. */
export const run: ToolMain = createGetBulk();
