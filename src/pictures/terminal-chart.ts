/**
 * The small terminal chart of `esmond-ps-get --chart` (asciichart): each series averaged into one
 * value per text column as points stream by, so memory stays O(columns) whatever the range.
 * @module
 */
import asciichart from 'asciichart';

const COLOURS = [
  asciichart.blue,
  asciichart.red,
  asciichart.green,
  asciichart.yellow,
  asciichart.magenta,
  asciichart.cyan,
];

/** Series after this many are left out of the chart (their colours would repeat). */
const MAX_SERIES = COLOURS.length;

/** Per-column means of up to {@link MAX_SERIES} series over [start, end]. */
export class TerminalChart {
  private readonly series: Array<{ label: string; sum: Float64Array; n: Uint32Array }> = [];

  constructor(
    private readonly start: number,
    private readonly end: number,
    /** Text columns for the data (the y labels take about 10 more). */
    private readonly columns: number,
  ) {}

  /** Starts a series; returns the function that adds its points (a no-op past the limit). */
  addSeries(label: string): (ts: number, value: number) => void {
    if (this.series.length >= MAX_SERIES) return () => undefined;
    const s = { label, sum: new Float64Array(this.columns), n: new Uint32Array(this.columns) };
    this.series.push(s);
    const span = Math.max(1, this.end - this.start);
    return (ts, value) => {
      const i = Math.min(this.columns - 1, Math.max(0, Math.floor(((ts - this.start) / span) * this.columns)));
      s.sum[i] = (s.sum[i] ?? 0) + value;
      s.n[i] = (s.n[i] ?? 0) + 1;
    };
  }

  /** The chart with a colour legend, or '' when no series has a point. */
  render(unit: string): string {
    const lines = this.series.filter((s) => s.n.some((c) => c > 0));
    if (lines.length === 0) return '';
    const data = lines.map((s) => {
      const out: number[] = [];
      let prev: number | undefined;
      for (let i = 0; i < this.columns; i++) {
        const c = s.n[i] ?? 0;
        if (c > 0) prev = (s.sum[i] ?? 0) / c;
        out.push(prev ?? NaN);
      }
      // Columns before the first point take its value: asciichart has no gaps.
      const first = out.find((v) => !Number.isNaN(v)) ?? 0;
      return out.map((v) => (Number.isNaN(v) ? first : v));
    });
    const chart = asciichart.plot(data, {
      height: 8,
      colors: COLOURS.slice(0, data.length),
      format: (x: number) => x.toPrecision(4).padStart(10),
    });
    const legend = lines.map((s, i) => `${COLOURS[i] ?? ''}──${asciichart.reset} ${s.label}`).join('   ');
    return `\n${unit}\n${chart}\n${legend}\n`;
  }
}
