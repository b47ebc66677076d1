/**
 * Progress of a bulk run: a live bar on a terminal (cli-progress), plain log lines otherwise,
 * nothing with `--quiet`. Always on stderr: stdout stays free.
 * @module
 */
import cliProgress from 'cli-progress';
import type { Writable } from 'node:stream';
import type { PlannedJob } from './plan.js';
import type { SeriesState } from './types.js';

/** Receives the events of a run. */
export interface ProgressSink {
  /** `units` measure the work: seconds of query range, summed over series. */
  start(info: { series: number; seriesDone: number; units: number; unitsDone: number; pointsDone?: number }): void;
  /** A window was committed. */
  advance(points: number, units: number): void;
  /** A series ended (done, nodata, skipped or failed); `label` names it (the exporter: its file). */
  finished(job: PlannedJob, state: SeriesState, label: string): void;
  /** A warning worth a line (a window being read again, a page size change). */
  notice(line: string): void;
  stop(): void;
}

type Out = Writable & { isTTY?: boolean; columns?: number };

/** Who reports, and what a series' work is called, in the plain lines. */
export interface ProgressWords {
  /** @defaultValue 'esmond-ps-get-bulk' */
  tool?: string;
  /** @defaultValue 'export' */
  verb?: string;
  /** The outcome of a finished series (default: the exporter's, in files and rows). */
  outcome?: (state: SeriesState) => string;
}

/**
 * Chooses the bar (only when stderr is a terminal with a width), plain lines, or silence. Rates
 * use a monotonic clock of their own (the tool's `now` may be fixed, in tests).
 */
export function createProgress(
  stderr: Out,
  opts: { quiet: boolean; now?: () => number; words?: ProgressWords },
): ProgressSink {
  if (opts.quiet) return quietProgress();
  if (stderr.isTTY === true && (stderr.columns ?? 0) > 0)
    return barProgress(stderr, opts.now ?? (() => performance.now()));
  return lineProgress(stderr, opts.words);
}

function quietProgress(): ProgressSink {
  const nothing = (): void => undefined;
  return { start: nothing, advance: nothing, finished: nothing, notice: nothing, stop: nothing };
}

function outcome(state: SeriesState): string {
  switch (state.status) {
    case 'done':
      return (
        `${state.points} points, ${state.rows} rows, ${state.pages} pages` +
        (state.retries ? `, ${state.retries} retries` : '')
      );
    case 'nodata':
      return 'no data, no file';
    case 'skipped':
      return 'exists, skipped (--force rewrites)';
    default:
      return `FAILED after ${state.points} points: ${state.error ?? 'unknown error'} (--resume continues)`;
  }
}

/** One line per finished series and per notice. */
export function lineProgress(out: Out, words: ProgressWords = {}): ProgressSink {
  const tool = words.tool ?? 'esmond-ps-get-bulk';
  const verb = words.verb ?? 'export';
  const describe = words.outcome ?? outcome;
  let total = 0;
  let n = 0;
  return {
    start(info) {
      total = info.series;
      n = info.seriesDone;
      out.write(`${tool}: ${info.series} series, ${info.series - info.seriesDone} to ${verb}\n`);
    },
    advance() {},
    finished(job, state, label) {
      n++;
      const name = state.status === 'done' || state.status === 'skipped' ? label : job.id;
      out.write(`[${n}/${total}] ${name}: ${describe(state)}\n`);
    },
    notice(line) {
      out.write(`${line}\n`);
    },
    stop() {},
  };
}

/** The live bar: series done/total, points, rate and ETA. */
function barProgress(out: Out, now: () => number): ProgressSink {
  const multi = new cliProgress.MultiBar(
    {
      stream: out,
      format:
        '{bar} {percentage}% | series {seriesDone}/{series} | {points} points | {rate} pts/s | ETA {eta_formatted}',
      hideCursor: null,
      clearOnComplete: false,
      fps: 5,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );
  let bar: cliProgress.SingleBar | undefined;
  let points = 0;
  /** Points of earlier runs (`--resume`): not part of this run's rate. */
  let pointsBefore = 0;
  let value = 0;
  let seriesDone = 0;
  let series = 0;
  const t0 = now();
  const payload = (): Record<string, unknown> => {
    const secs = Math.max(0.001, (now() - t0) / 1000);
    return { seriesDone, series, points, rate: Math.round((points - pointsBefore) / secs) };
  };
  return {
    start(info) {
      series = info.series;
      seriesDone = info.seriesDone;
      value = info.unitsDone;
      // After --resume the bar counts what earlier runs exported too, as the final report does.
      points = info.pointsDone ?? 0;
      pointsBefore = points;
      bar = multi.create(Math.max(1, info.units), value, payload());
    },
    advance(p, units) {
      points += p;
      value += units;
      bar?.update(value, payload());
    },
    finished(_job, state) {
      seriesDone++;
      bar?.update(value, payload());
      if (state.status === 'failed') multi.log(`FAILED ${_job.id}: ${state.error ?? ''}\n`);
    },
    notice(line) {
      multi.log(`${line}\n`);
    },
    stop() {
      bar?.update(value, payload());
      multi.stop();
    },
  };
}
