/**
 * esmond-ps-get: the data of one event type across every matching metadata (the original's tool descriptions,
 * the original's columns per event type). Rows are written as pages arrive; nothing holds a whole series.
 *
 * `-T/-W` (B15 fixed): `-T` reads that summary for every event type that has summaries, and is
 * an error for one that has none (or not of that type); `-W` without `-T` is an error; `-T`
 * without `-W` reads window 0 when the metadata has it, else its smallest window of that type,
 * and the `summary_window` column shows the window actually read.
 * @module
 */
import {
  familyHasSummaries,
  familyOf,
  columnsFor,
  createPointEncoder,
  createRowWriter,
  type Family,
  type RowContext,
  type RowWriter,
} from '../format/index.js';
import { ALLOWED_SUMMARIES, dataTypeOf, type SummaryType } from '../model/event-types.js';
import type { WirePoint } from '../model/wire.js';
import type { Metadata } from '../query/types.js';
import { TerminalChart } from '../pictures/terminal-chart.js';
import { ExitCode } from './exit-codes.js';
import type { CliIo, ToolMain } from './io.js';
import { plotUnitOf, type PlotUnit } from '../pictures/plot-units.js';
import { isQueryExit, prepareQueryTool, type QuerySettings } from './query-options.js';
import { hostnamesFor, readAhead, runWithClient, trace, type QueryToolDeps } from './query-tool.js';

const PROG = 'esmond-ps-get';

/** Why `-T` cannot be used with an event type, or `undefined` when it can. */
export function summaryTypeProblem(eventType: string, summaryType: SummaryType): string | undefined {
  const dt = dataTypeOf(eventType);
  const allowed = dt === undefined ? [] : ALLOWED_SUMMARIES[dt];
  if (!familyHasSummaries(familyOf(eventType)) || allowed.length === 0) {
    return `--summary-type can not be used with event type ${eventType}: it has no summaries`;
  }
  if (!allowed.includes(summaryType)) {
    return `${eventType} has no ${summaryType} summaries (one of: ${allowed.join(', ')})`;
  }
  return undefined;
}

/** The summary window to read on one metadata, or `undefined` when it has no such summary. */
export function pickWindow(
  md: Metadata,
  eventType: string,
  summaryType: SummaryType,
  window: number | undefined,
): number | undefined {
  const et = md.eventTypes.find((e) => e.eventType === eventType);
  const windows = (et?.summaries ?? []).filter((s) => s.summaryType === summaryType).map((s) => s.summaryWindow);
  if (window !== undefined) return windows.includes(window) ? window : undefined;
  if (windows.includes(0)) return 0;
  return windows.length > 0 ? Math.min(...windows) : undefined;
}

/** The tool with injectable dependencies (tests). */
export function createRun(deps: QueryToolDeps = {}): ToolMain {
  return async (argv, io) => {
    const s = await prepareQueryTool(
      PROG,
      argv,
      io,
      { requireSrcDest: true, requireEvent: true, readsData: true, terminalChart: true },
      deps,
    );
    if (isQueryExit(s)) return s.exitCode;
    const eventType = s.eventType as string; // required above
    if (s.summaryType) {
      const problem = summaryTypeProblem(eventType, s.summaryType);
      if (problem) {
        io.stderr.write(`${problem}\n`);
        return ExitCode.Invalid;
      }
    }
    const family: Family = familyOf(eventType, s.summaryType);
    const columns = columnsFor(family, { format: s.format });
    const rows = createRowWriter(s.format, io.stdout, columns, { extended: s.extended });
    const chart = s.flags.chart ? chartFor(s, io, eventType) : undefined;
    // The chart goes under the data: after the writer's closing part.
    const writer: RowWriter =
      chart === undefined
        ? rows
        : {
            write: (r) => rows.write(r),
            writePoints: (e, p) => rows.writePoints(e, p),
            get count() {
              return rows.count;
            },
            end: async () => {
              await rows.end();
              io.stdout.write(chart.chart.render(chart.unit.unit));
            },
          };
    const names = hostnamesFor(s, io, deps);
    return runWithClient(PROG, s, io, deps, writer, async (client) => {
      for await (const md of client.searchMetadata(s.metadataQuery)) {
        if (!md.eventTypes.some((e) => e.eventType === eventType)) continue;
        let window = 0;
        if (s.summaryType) {
          const w = pickWindow(md, eventType, s.summaryType, s.summaryWindowGiven ? s.summaryWindow : undefined);
          if (w === undefined) {
            trace(
              io,
              s,
              ` * ${md.key}: no ${s.summaryType} summary${s.summaryWindowGiven ? ` with window ${s.summaryWindow}` : ''} for ${eventType}`,
            );
            continue;
          }
          window = w;
        }
        await names?.prefetch([md.source, md.destination]);
        const ctx: RowContext = {
          metadata: md,
          eventType,
          summaryType: s.summaryType ?? 'base',
          summaryWindow: window,
          format: s.format,
          family,
          ...(names ? { hostnames: (v: string) => names.lookup(v) } : {}),
        };
        const series = s.summaryType ? { summaryType: s.summaryType, summaryWindow: window } : {};
        trace(io, s, ` * looping query for: ${md.key} ${eventType} ${s.summaryType ?? 'base'} ${window}`);
        const encoder = createPointEncoder(s.format, columns, ctx, { extended: s.extended });
        let n = 0;
        const plot = chart?.chart.addSeries(
          `${md.inputSource ?? md.source ?? '?'} → ${md.inputDestination ?? md.destination ?? ''}`,
        );
        for await (const page of readAhead(client.dataPages(md, eventType, series, s.dataQuery))) {
          if (plot !== undefined && chart !== undefined) {
            for (const p of page) {
              const v = chart.unit.value(p.val);
              if (v !== null) plot(p.ts, v);
            }
          }
          if (names && family === 'packet_trace') await names.prefetch(hopIps(page));
          await writer.writePoints(encoder, page);
          n += page.length;
          trace(io, s, `  ** got ${page.length} results`);
        }
        trace(io, s, `  *** finished with ${n} results`);
      }
    });
  };
}

/** `--chart`: a terminal chart when stdout is a terminal and the values are numbers; else a note on stderr. */
function chartFor(
  s: QuerySettings,
  io: CliIo,
  eventType: string,
): { chart: TerminalChart; unit: PlotUnit } | undefined {
  if (io.stdout.isTTY !== true) {
    io.stderr.write('--chart: stdout is not a terminal, no chart drawn\n');
    return undefined;
  }
  const unit = plotUnitOf(eventType, s.summaryType);
  if (typeof unit === 'string') {
    io.stderr.write(`--chart: ${unit}\n`);
    return undefined;
  }
  const columns = Math.max(20, Math.min(120, (io.stdout.columns ?? 80) - 14));
  return { chart: new TerminalChart(s.timeStart, s.timeEnd, columns), unit };
}

function hopIps(page: readonly WirePoint[]): string[] {
  const ips: string[] = [];
  for (const p of page) {
    if (!Array.isArray(p.val)) continue;
    for (const hop of p.val as unknown[]) {
      const ip = hop !== null && typeof hop === 'object' ? (hop as Record<string, unknown>).ip : undefined;
      if (typeof ip === 'string') ips.push(ip);
    }
  }
  return ips;
}

/** esmond-ps-get. */
export const run: ToolMain = createRun();
