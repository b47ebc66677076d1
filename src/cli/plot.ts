/**
 * esmond-ps-plot: a chart of one event type, with esmond-ps-get's query flags. Every metadata
 * the filters match is one series of the chart. `-o FILE.svg` writes the SVG directly; `-o
 * FILE.png` renders it with resvg. Points are bucketed per pixel column as they stream in.
 *
 *   esmond-ps-plot -u URL -e throughput -S 2024-05-01 -E 2024-06-01 -o throughput.svg
 *   esmond-ps-plot -u URL -s A -d B -e histogram-owdelay -T statistics -W 3600 -o delay.png
 * @module
 */
import { writeFile } from 'node:fs/promises';
import type { Metadata } from '../query/types.js';
import { plotUnitOf } from '../pictures/plot-units.js';
import { ChartBuckets, renderSvgChart, type ChartSeries } from '../pictures/svg-chart.js';
import { pickWindow, summaryTypeProblem } from './get.js';
import { ExitCode } from './exit-codes.js';
import type { ToolMain } from './io.js';
import { isQueryExit, prepareQueryTool } from './query-options.js';
import { clientFor, reportFailure, trace, type QueryToolDeps } from './query-tool.js';

const PROG = 'esmond-ps-plot';

function seriesLabel(md: Metadata): string {
  const src = md.inputSource ?? md.source ?? '?';
  const dst = md.inputDestination ?? md.destination ?? '';
  return `${src}${dst === '' ? '' : ` → ${dst}`} (${md.toolName ?? 'unknown tool'})`;
}

/** The tool with injectable dependencies (tests). */
export function createRun(deps: QueryToolDeps = {}): ToolMain {
  return async (argv, io) => {
    const s = await prepareQueryTool(PROG, argv, io, { requireEvent: true, readsData: true, chartFile: true }, deps);
    if (isQueryExit(s)) return s.exitCode;
    const eventType = s.eventType ?? '';
    const file = s.outputFile ?? '';
    if (s.summaryType) {
      const problem = summaryTypeProblem(eventType, s.summaryType);
      if (problem !== undefined) {
        io.stderr.write(`${problem}\n`);
        return ExitCode.Invalid;
      }
    }
    const unit = plotUnitOf(eventType, s.summaryType);
    if (typeof unit === 'string') {
      io.stderr.write(`${unit}\n`);
      return ExitCode.Invalid;
    }
    let client: Awaited<ReturnType<typeof clientFor>> | undefined;
    try {
      client = await clientFor(s, deps);
      const series: ChartSeries[] = [];
      let points = 0;
      for await (const md of client.searchMetadata(s.metadataQuery)) {
        if (!md.eventTypes.some((e) => e.eventType === eventType)) continue;
        let window = 0;
        if (s.summaryType) {
          const w = pickWindow(md, eventType, s.summaryType, s.summaryWindowGiven ? s.summaryWindow : undefined);
          if (w === undefined) continue;
          window = w;
        }
        const buckets = new ChartBuckets(s.timeStart, s.timeEnd);
        const selector = s.summaryType ? { summaryType: s.summaryType, summaryWindow: window } : {};
        for await (const page of client.dataPages(md, eventType, selector, s.dataQuery)) {
          for (const p of page) {
            const v = unit.value(p.val);
            if (v !== null) buckets.add(p.ts, v);
          }
        }
        trace(io, s, ` * ${md.key}: ${buckets.added} points`);
        if (buckets.added === 0) continue;
        points += buckets.added;
        series.push({ label: seriesLabel(md), points: buckets.points(), count: buckets.added });
      }
      series.sort((a, b) => (a.label < b.label ? -1 : a.label > b.label ? 1 : 0));
      const summary = s.summaryType ? ` ${s.summaryType}${s.summaryWindowGiven ? ` ${s.summaryWindow} s` : ''}` : '';
      const svg = renderSvgChart({
        title: `${eventType}${summary}, ${iso(s.timeStart)} – ${iso(s.timeEnd)} UTC`,
        unit: unit.unit,
        start: s.timeStart,
        end: s.timeEnd,
        series,
        fromZero: unit.fromZero,
      });
      if (/\.png$/i.test(file)) {
        const { Resvg } = await import('@resvg/resvg-js');
        await writeFile(
          file,
          new Resvg(svg, { font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' } }).render().asPng(),
        );
      } else {
        await writeFile(file, svg);
      }
      io.stderr.write(
        series.length === 0
          ? `No data found; wrote an empty chart to ${file}\n`
          : `wrote ${file}: ${series.length} series, ${points} points\n`,
      );
      return ExitCode.Ok;
    } catch (err) {
      return reportFailure(PROG, io, err);
    } finally {
      await client?.close();
    }
  };
}

function iso(ts: number): string {
  return new Date(ts * 1000).toISOString().slice(0, 16).replace('T', ' ');
}

/** esmond-ps-plot. */
export const run: ToolMain = createRun();
