/**
 * Time-series charts with uPlot: drag to zoom (double-click resets), values in the legend on
 * hover, y axes with their units.
 * @module
 */
import uPlot from 'uplot';

/** One line of a chart. */
export interface Line {
  label: string;
  values: Array<number | null>;
  colour: string;
  /** Scale name; a second scale gets an axis on the right. */
  scale?: string;
  /** Draw as points only (sparse series such as throughput tests). */
  points?: boolean;
}

/** An axis: its scale name, unit label and value formatter. */
export interface AxisSpec {
  scale: string;
  label: string;
  format: (v: number) => string;
}

/** The charts on the page, resized with the window (a phone turned sideways). */
const live = new Set<uPlot>();
let resizing: number | undefined;
window.addEventListener('resize', () => {
  window.clearTimeout(resizing);
  resizing = window.setTimeout(() => {
    for (const u of live)
      u.setSize({ width: Math.max(260, Math.floor(u.root.parentElement?.clientWidth ?? 600)), height: 170 });
  }, 100);
});

/** Removes every chart (before the pair view draws anew). */
export function clearCharts(): void {
  for (const u of live) u.destroy();
  live.clear();
}

/** Draws a chart into `parent` and returns it. */
export function drawChart(parent: HTMLElement, title: string, xs: number[], lines: Line[], axes: AxisSpec[]): uPlot {
  const width = Math.max(260, Math.floor(parent.clientWidth || 600));
  const opts: uPlot.Options = {
    title,
    width,
    height: 170,
    cursor: { drag: { x: true, y: false } },
    scales: { x: { time: true } },
    tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
    series: [
      {
        label: 'time (UTC)',
        value: (_u, v: number | null) =>
          v === null ? '–' : new Date(v * 1000).toISOString().slice(0, 16).replace('T', ' '),
      },
      ...lines.map((l) => {
        const axis = axes.find((a) => a.scale === (l.scale ?? axes[0]?.scale));
        return {
          label: l.label,
          stroke: l.colour,
          scale: l.scale ?? axes[0]?.scale ?? 'y',
          spanGaps: false,
          width: 1.5,
          ...(l.points === true ? { points: { show: true, size: 5 } } : {}),
          value: (_u: uPlot, v: number | null) => (v === null ? '–' : (axis?.format(v) ?? String(v))),
        };
      }),
    ],
    axes: [
      { space: 60 },
      // Side is a const enum of a .d.ts that esbuild cannot inline: 3 is left, 1 right.
      // eslint-disable-next-line @typescript-eslint/no-unsafe-enum-assignment
      ...axes.map((a, i) => ({
        scale: a.scale,
        label: a.label,
        size: 62,
        side: i === 0 ? 3 : 1,
        grid: { show: i === 0 },
        values: (_u: uPlot, vals: number[]) => vals.map((v) => a.format(v)),
      })),
    ],
  };
  const chart = new uPlot(opts, [xs, ...lines.map((l) => l.values)], parent);
  live.add(chart);
  return chart;
}
