/**
 * The pair view: both directions side by side, each with throughput (and retransmits), one-way
 * delay (min/median/p95), loss, RTT and the traceroute path with its changes. The time range
 * picks the summary window, so a month reads hourly or daily summaries rather than every result,
 * and only the route changes of the traceroute (reduced by the server), not every trace.
 * @module
 */
import type { MeshSummary } from './mesh-types.js';
import { delayOf, numberOf, pathOf } from './values.js';
import { loadRouteChanges, readSeries, searchPair, type ApiMetadata, type SeriesRef } from './api.js';
import { clearCharts, drawChart } from './charts.js';
import { esc, when } from './format.js';
import { RouteRunBuilder, type RouteChanges } from './route-runs.js';
import { afterPaint, viewState } from './state.js';

/** A time range, UNIX seconds. */
export interface Range {
  start: number;
  end: number;
  label: string;
}

/** The summary window a range is read at: raw results up to 2 days, hourly up to 2 weeks, else daily. */
export function windowFor(range: Range): number {
  const span = range.end - range.start;
  return span <= 2 * 86400 ? 0 : span <= 14 * 86400 ? 3600 : 86400;
}

/** The largest available window of `summaryType` that is at most `wanted` (0 = raw). */
function pick(
  md: ApiMetadata,
  eventType: string,
  summaryType: 'statistics' | 'aggregation',
  wanted: number,
): SeriesRef | undefined {
  const et = md['event-types'].find((e) => e['event-type'] === eventType);
  if (et === undefined) return undefined;
  const windows = et.summaries
    .filter((s) => s['summary-type'] === summaryType)
    .map((s) => Number(s['summary-window']))
    .filter((w) => w <= wanted)
    .sort((a, b) => b - a);
  const w = windows[0];
  const key = md['metadata-key'];
  if (w === undefined || (w === 0 && summaryType === 'aggregation'))
    return { key, eventType, summaryType: 'base', window: 0 };
  return { key, eventType, summaryType, window: w };
}

function has(md: ApiMetadata, eventType: string): boolean {
  return md['event-types'].some((e) => e['event-type'] === eventType);
}

const Gbps = (v: number): string => `${(v / 1e9).toFixed(v < 1e9 ? 2 : 1)} Gb/s`;
const msF = (v: number): string => `${v.toFixed(v < 10 ? 2 : 1)} ms`;
const pctF = (v: number): string => `${v.toFixed(v < 1 ? 3 : 1)} %`;
const countF = (v: number): string => String(Math.round(v));

/** Draws one direction into `col`. */
async function drawDirection(
  col: HTMLElement,
  apiBase: string,
  mds: ApiMetadata[],
  dir: string,
  range: Range,
): Promise<void> {
  const state = viewState().pair;
  const wanted = windowFor(range);
  const { start, end } = range;
  const box = (): HTMLElement => col.appendChild(document.createElement('div'));
  const record = (name: string, points: number, window: number): void => {
    state.points[`${dir} ${name}`] = points;
    state.windows[`${dir} ${name}`] = window;
  };

  const tput = mds.find((m) => has(m, 'throughput'));
  const owd = mds.find((m) => has(m, 'histogram-owdelay'));
  const rtt = mds.find((m) => has(m, 'histogram-rtt'));
  const trace = mds.find((m) => has(m, 'packet-trace'));
  const jobs: Array<Promise<() => void>> = [];

  if (tput !== undefined) {
    const key = tput['metadata-key'];
    jobs.push(
      Promise.all([
        readSeries(apiBase, { key, eventType: 'throughput', summaryType: 'base', window: 0 }, start, end),
        has(tput, 'packet-retransmits')
          ? readSeries(apiBase, { key, eventType: 'packet-retransmits', summaryType: 'base', window: 0 }, start, end)
          : [],
      ]).then(([t, r]) => () => {
        const retr = new Map(r.map((p) => [p.ts, numberOf(p.val)]));
        record('throughput', t.length, 0);
        drawChart(
          box(),
          'Throughput and retransmits',
          t.map((p) => p.ts),
          [
            {
              label: 'throughput',
              values: t.map((p) => numberOf(p.val)),
              colour: '#1f6fb2',
              scale: 'bps',
              points: true,
            },
            {
              label: 'retransmits',
              values: t.map((p) => retr.get(p.ts) ?? null),
              colour: '#c0392b',
              scale: 'retr',
              points: true,
            },
          ],
          [
            { scale: 'bps', label: 'Gb/s', format: Gbps },
            { scale: 'retr', label: 'retransmits', format: countF },
          ],
        );
      }),
    );
  }
  const stats = (md: ApiMetadata | undefined, eventType: string, name: string, title: string): void => {
    if (md === undefined) return;
    const ref = pick(md, eventType, 'statistics', wanted);
    if (ref === undefined) return;
    jobs.push(
      readSeries(apiBase, ref, start, end).then((pts) => () => {
        const d = pts.map((p) => delayOf(p.val));
        record(name, pts.length, ref.window);
        drawChart(
          box(),
          `${title}${ref.window > 0 ? ` (${ref.window / 3600} h summaries)` : ''}`,
          pts.map((p) => p.ts),
          [
            { label: 'min', values: d.map((x) => x?.min ?? null), colour: '#27ae60' },
            { label: 'median', values: d.map((x) => x?.median ?? null), colour: '#1f6fb2' },
            { label: 'p95', values: d.map((x) => x?.p95 ?? null), colour: '#e67e22' },
          ],
          [{ scale: 'ms', label: 'ms', format: msF }],
        );
      }),
    );
  };
  stats(owd, 'histogram-owdelay', 'delay', 'One-way delay');
  if (owd !== undefined) {
    const ref = pick(owd, 'packet-loss-rate', 'aggregation', wanted);
    if (ref !== undefined) {
      jobs.push(
        readSeries(apiBase, ref, start, end).then((pts) => () => {
          record('loss', pts.length, ref.window);
          drawChart(
            box(),
            `Loss${ref.window > 0 ? ` (${ref.window / 3600} h summaries)` : ''}`,
            pts.map((p) => p.ts),
            [
              {
                label: 'loss',
                values: pts.map((p) => {
                  const v = numberOf(p.val);
                  return v === null ? null : v * 100;
                }),
                colour: '#c0392b',
              },
            ],
            [{ scale: '%', label: '%', format: pctF }],
          );
        }),
      );
    }
  }
  stats(rtt, 'histogram-rtt', 'rtt', 'RTT');
  if (trace !== undefined) {
    const key = trace['metadata-key'];
    // Raw traces for short ranges; beyond, only the route changes (the server reduces the month).
    const changes =
      wanted === 0
        ? readSeries(apiBase, { key, eventType: 'packet-trace', summaryType: 'base', window: 0 }, start, end).then(
            (pts) => {
              const runs = new RouteRunBuilder(MAX_RUNS_SHOWN);
              for (const p of pts) runs.add(p.ts, Array.isArray(p.val) ? pathOf(p.val) : []);
              return {
                changes: runs.result(),
                xs: pts.map((p) => p.ts),
                hops: pts.map((p) => (Array.isArray(p.val) ? pathOf(p.val).length : 0)),
              };
            },
          )
        : loadRouteChanges(key, start, end).then((changes) => {
            // Two points per run (its first and last trace), so the hop chart stays a step line.
            const xs: number[] = [];
            const hops: number[] = [];
            for (const r of changes.runs) {
              for (const t of r.from === r.to ? [r.from] : [r.from, r.to]) {
                xs.push(t);
                hops.push(r.path.length);
              }
            }
            return { changes, xs, hops };
          });
    jobs.push(
      changes.then(({ changes: c, xs, hops }) => () => {
        record('trace', xs.length, wanted === 0 ? 0 : -1);
        state.traces[dir] = c.traces;
        drawChart(
          box(),
          wanted === 0 ? 'Traceroute hops' : 'Traceroute hops (route changes)',
          xs,
          [{ label: 'hops', values: hops, colour: '#8e44ad' }],
          [{ scale: 'hops', label: 'hops', format: countF }],
        );
        box().innerHTML = routeChanges(c);
      }),
    );
  }
  // Read everything first, then draw in a fixed order, so the layout does not jump around.
  const draws = await Promise.all(jobs);
  for (const draw of draws) draw();
  if (jobs.length === 0) box().innerHTML = '<p class="empty">No tests in this direction.</p>';
}

/** Runs kept by the page from a range of raw traces (the server keeps as many). */
const MAX_RUNS_SHOWN = 2000;

/** The route changes, newest first (the last 30), as HTML. */
function routeChanges(c: RouteChanges): string {
  const rows = c.runs
    .slice(-30)
    .reverse()
    .map(
      (r) =>
        `<li><span class="when">${esc(when(r.from))} – ${esc(when(r.to))} (${r.n})</span> ${r.path.map(esc).join(' › ')}</li>`,
    );
  const note = c.truncated ? ' (the range holds too many traces: the oldest shown)' : '';
  return `<h4>Route changes: ${Math.max(0, c.totalRuns - 1)} in range, ${c.traces} traces${note}</h4><ol class="routes">${rows.join('')}</ol>`;
}

/** Loads and draws the pair view for `source` ⇄ `destination`. */
export async function showPair(
  root: HTMLElement,
  apiBase: string,
  mesh: MeshSummary,
  source: string,
  destination: string,
  range: Range,
): Promise<void> {
  const state = viewState().pair;
  const began = performance.now();
  Object.assign(state, {
    loading: true,
    source,
    destination,
    range,
    points: {},
    windows: {},
    traces: {},
    paintedAtMs: null,
  });
  const ipOf = (name: string): string => {
    const cell = mesh.cells.find((c) => c.source === name) ?? mesh.cells.find((c) => c.destination === name);
    return cell === undefined ? name : cell.source === name ? cell.sourceIp : cell.destinationIp;
  };
  const a = { name: source, ip: ipOf(source) };
  const b = { name: destination, ip: ipOf(destination) };
  const cols = root.querySelector<HTMLElement>('.dirs');
  if (cols === null) return;
  clearCharts();
  cols.innerHTML = '<div class="dir"></div><div class="dir"></div>';
  const [ab, ba] = [...cols.querySelectorAll<HTMLElement>('.dir')];
  if (ab === undefined || ba === undefined) return;
  const [mdAb, mdBa] = await Promise.all([searchPair(apiBase, a, b), searchPair(apiBase, b, a)]);
  ab.innerHTML = `<h3>${esc(source)} → ${esc(destination)}</h3>`;
  ba.innerHTML = `<h3>${esc(destination)} → ${esc(source)}</h3>`;
  await Promise.all([
    drawDirection(ab, apiBase, mdAb, `${source} > ${destination}`, range),
    drawDirection(ba, apiBase, mdBa, `${destination} > ${source}`, range),
  ]);
  state.loading = false;
  await afterPaint();
  state.paintedAtMs = performance.now() - began;
}
