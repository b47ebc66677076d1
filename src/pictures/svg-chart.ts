/**
 * Line charts as SVG text, written directly (no canvas, no DOM): time on x in UTC, one unit on
 * y, several series with a legend. Deterministic output (golden-file tested). Series come in
 * already bucketed by {@link ChartBuckets}, so a month of one-minute results is drawn from at
 * most two points per pixel column and never held whole.
 * @module
 */

/** One line of the chart: `[unix seconds, value in the chart's unit]`, time ascending. */
export interface ChartSeries {
  label: string;
  points: ReadonlyArray<readonly [number, number]>;
  /** Points the series had before bucketing (shown in the legend). */
  count?: number;
}

/** What to draw. */
export interface ChartSpec {
  title: string;
  /** Unit of the y axis, e.g. `Gb/s`, `ms`, `%`. */
  unit: string;
  /** The x range, unix seconds. */
  start: number;
  end: number;
  series: readonly ChartSeries[];
  /** Include 0 on the y axis (rates, percentages). */
  fromZero?: boolean;
  width?: number;
  height?: number;
}

/** Legend entries shown; more series are summed up in one line. */
const LEGEND_MAX = 20;

const PALETTE = [
  '#1f77b4',
  '#d62728',
  '#2ca02c',
  '#ff7f0e',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#17becf',
  '#7f7f7f',
  '#bcbd22',
];

/** Default plot width in pixels; also the bucket count of {@link ChartBuckets}. */
export const CHART_WIDTH = 900;

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** A round step near `raw`: 1, 2 or 5 × 10^n. */
function niceStep(raw: number): number {
  if (!(raw > 0) || !Number.isFinite(raw)) return 1;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const f = raw / mag;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * mag;
}

/** Fixed-point text with no more decimals than the step needs. */
function tickText(v: number, step: number): string {
  const decimals = Math.max(0, Math.min(6, -Math.floor(Math.log10(step))));
  return v.toFixed(decimals);
}

const TIME_STEPS = [
  300,
  900,
  1800,
  3600,
  3 * 3600,
  6 * 3600,
  12 * 3600,
  86400,
  2 * 86400,
  7 * 86400,
  14 * 86400,
  28 * 86400,
];

function timeText(ts: number, step: number): string {
  const iso = new Date(ts * 1000).toISOString();
  return step >= 86400 ? iso.slice(0, 10) : `${iso.slice(5, 10)} ${iso.slice(11, 16)}`;
}

/** Renders the chart (see the module docs). */
export function renderSvgChart(spec: ChartSpec): string {
  const width = spec.width ?? CHART_WIDTH;
  const legendRows = Math.min(spec.series.length, LEGEND_MAX + 1);
  const plotH = (spec.height ?? 420) - 90;
  const height = 90 + plotH + legendRows * 18;
  const left = 78;
  const right = 24;
  const top = 44;
  const plotW = width - left - right;
  const span = Math.max(1, spec.end - spec.start);
  const x = (ts: number): number => left + ((ts - spec.start) / span) * plotW;

  let lo = Infinity;
  let hi = -Infinity;
  for (const s of spec.series) {
    for (const [, v] of s.points) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
  }
  if (!Number.isFinite(lo)) [lo, hi] = [0, 1];
  if (spec.fromZero === true) lo = Math.min(0, lo);
  if (hi === lo) hi = lo + (lo === 0 ? 1 : Math.abs(lo) * 0.1);
  const step = niceStep((hi - lo) / 5);
  const yMin = Math.floor(lo / step) * step;
  const yMax = Math.ceil(hi / step) * step;
  const y = (v: number): number => top + plotH - ((v - yMin) / (yMax - yMin)) * plotH;
  const n = (v: number): string => v.toFixed(1);

  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="DejaVu Sans, Liberation Sans, Arial, sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${width / 2}" y="24" text-anchor="middle" font-size="15" font-weight="bold">${esc(spec.title)}</text>`,
  );
  // y grid and labels
  for (let v = yMin, i = 0; v <= yMax + step / 2 && i < 50; v += step, i++) {
    const yy = n(y(v));
    out.push(`<line x1="${left}" y1="${yy}" x2="${left + plotW}" y2="${yy}" stroke="#e3e3e3"/>`);
    out.push(`<text x="${left - 6}" y="${yy}" dy="4" text-anchor="end">${tickText(v, step)}</text>`);
  }
  out.push(
    `<text transform="translate(16 ${top + plotH / 2}) rotate(-90)" text-anchor="middle">${esc(spec.unit)}</text>`,
  );
  // x ticks at round UTC times
  const tStep = TIME_STEPS.find((s) => span / s <= 8) ?? TIME_STEPS[TIME_STEPS.length - 1] ?? 86400;
  for (let t = Math.ceil(spec.start / tStep) * tStep; t <= spec.end; t += tStep) {
    const xx = n(x(t));
    out.push(`<line x1="${xx}" y1="${top}" x2="${xx}" y2="${top + plotH}" stroke="#f0f0f0"/>`);
    out.push(`<text x="${xx}" y="${top + plotH + 18}" text-anchor="middle">${timeText(t, tStep)}</text>`);
  }
  out.push(`<text x="${left + plotW / 2}" y="${top + plotH + 38}" text-anchor="middle" fill="#555">time (UTC)</text>`);
  out.push(`<rect x="${left}" y="${top}" width="${plotW}" height="${plotH}" fill="none" stroke="#999"/>`);
  // series
  spec.series.forEach((s, i) => {
    const colour = PALETTE[i % PALETTE.length] ?? '#000';
    if (s.points.length > 1) {
      const d = s.points.map(([t, v], j) => `${j === 0 ? 'M' : 'L'}${n(x(t))} ${n(y(v))}`).join(' ');
      out.push(`<path d="${d}" fill="none" stroke="${colour}" stroke-width="1.5" stroke-linejoin="round"/>`);
    }
    if (s.points.length <= 60) {
      for (const [t, v] of s.points) out.push(`<circle cx="${n(x(t))}" cy="${n(y(v))}" r="2.5" fill="${colour}"/>`);
    }
    if (i >= LEGEND_MAX) return;
    const lx = left;
    const ly = top + plotH + 58 + i * 18;
    out.push(`<rect x="${lx}" y="${ly - 9}" width="14" height="4" fill="${colour}"/>`);
    out.push(`<text x="${lx + 20}" y="${ly - 4}" dy="4">${esc(s.label)} (${s.count ?? s.points.length} points)</text>`);
  });
  if (spec.series.length > LEGEND_MAX) {
    out.push(
      `<text x="${left + 20}" y="${top + plotH + 58 + LEGEND_MAX * 18 - 4}" dy="4">… and ${spec.series.length - LEGEND_MAX} more series</text>`,
    );
  }
  if (spec.series.length === 0) {
    out.push(
      `<text x="${left + plotW / 2}" y="${top + plotH / 2}" text-anchor="middle" fill="#888">no data in this range</text>`,
    );
  }
  out.push('</svg>\n');
  return out.join('\n');
}

/**
 * Bounded-memory bucketing of one series for a chart `width` pixels wide: per pixel column it
 * keeps the first, minimum and maximum point, so spikes survive and memory stays O(width).
 */
export class ChartBuckets {
  private readonly bins = new Map<number, { first: [number, number]; min: [number, number]; max: [number, number] }>();
  private count = 0;

  constructor(
    private readonly start: number,
    private readonly end: number,
    private readonly width = CHART_WIDTH,
  ) {}

  add(ts: number, value: number): void {
    this.count++;
    const i = Math.floor(((ts - this.start) / Math.max(1, this.end - this.start)) * this.width);
    const b = this.bins.get(i);
    if (b === undefined) {
      this.bins.set(i, { first: [ts, value], min: [ts, value], max: [ts, value] });
      return;
    }
    if (value < b.min[1]) b.min = [ts, value];
    if (value > b.max[1]) b.max = [ts, value];
  }

  /** Points added so far. */
  get added(): number {
    return this.count;
  }

  /** The kept points, time ascending (a bin's min and max in time order). */
  points(): Array<[number, number]> {
    const out: Array<[number, number]> = [];
    for (const i of [...this.bins.keys()].sort((a, b) => a - b)) {
      const b = this.bins.get(i);
      if (b === undefined) continue;
      const kept = [b.first, b.min, b.max].sort((p, q) => p[0] - q[0]);
      for (const p of kept) if (out.at(-1)?.[0] !== p[0]) out.push(p);
    }
    return out;
  }
}
