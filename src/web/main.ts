/**
 * The mesh page: loads the grid's summary (one request), draws the grid, and opens the pair view
 * on a click. Threshold settings live in localStorage.
 * @module
 */
import 'uplot/dist/uPlot.min.css';
import './style.css';
import { DEFAULT_THRESHOLDS, type Thresholds } from './health.js';
import type { MeshSummary, PageConfig } from './mesh-types.js';
import { loadConfig, loadMesh, RequestFailed } from './api.js';
import { clearCharts } from './charts.js';
import { esc } from './format.js';
import { renderGrid } from './grid.js';
import { showPair, type Range } from './pair.js';
import { afterPaint, viewState } from './state.js';

const $ = (sel: string): HTMLElement => {
  const el = document.querySelector<HTMLElement>(sel);
  if (el === null) throw new Error(`missing ${sel}`);
  return el;
};

function showError(message: string): void {
  viewState().error = message;
  const status = $('#status');
  status.className = 'error';
  status.textContent = message;
}

/** Threshold fields: key, label, shown as % of the stored fraction or as is. */
const FIELDS: ReadonlyArray<[keyof Thresholds, string, boolean]> = [
  ['lossWarn', 'loss amber above (%)', true],
  ['lossBad', 'loss red above (%)', true],
  ['throughputWarn', 'throughput amber below (% of usual)', true],
  ['throughputBad', 'throughput red below (% of usual)', true],
  ['staleIntervals', 'stale after (intervals without a result)', false],
];

function loadThresholds(): Thresholds {
  try {
    const saved: unknown = JSON.parse(localStorage.getItem('esmond-thresholds') ?? '{}');
    const t = { ...DEFAULT_THRESHOLDS };
    for (const [k] of FIELDS) {
      const v = typeof saved === 'object' && saved !== null ? (saved as Record<string, unknown>)[k] : undefined;
      if (typeof v === 'number' && Number.isFinite(v) && v >= 0) t[k] = v;
    }
    return t;
  } catch {
    return { ...DEFAULT_THRESHOLDS };
  }
}

function thresholdForm(t: Thresholds, changed: (t: Thresholds) => void): void {
  const form = $('#thresholds');
  form.innerHTML = FIELDS.map(
    ([k, label, percent]) =>
      `<label>${esc(label)} <input name="${k}" type="number" min="0" step="any" value="${percent ? +(t[k] * 100).toPrecision(6) : t[k]}"></label>`,
  ).join('');
  form.addEventListener('change', () => {
    const next = { ...t };
    for (const [k, , percent] of FIELDS) {
      const input = form.querySelector<HTMLInputElement>(`input[name="${k}"]`);
      const v = Number(input?.value);
      if (input !== null && input.value !== '' && Number.isFinite(v) && v >= 0) next[k] = percent ? v / 100 : v;
    }
    localStorage.setItem('esmond-thresholds', JSON.stringify(next));
    Object.assign(t, next);
    changed(t);
  });
}

const RANGES: ReadonlyArray<[string, number]> = [
  ['day', 86400],
  ['week', 7 * 86400],
  ['month', 30 * 86400],
];

function pairPanel(config: PageConfig, mesh: MeshSummary, source: string, destination: string): void {
  const panel = $('#pair');
  panel.hidden = false;
  panel.innerHTML = `<div class="pair-head"><h2>${esc(source)} ⇄ ${esc(destination)}</h2>
    <div class="ranges">${RANGES.map(([l]) => `<button type="button" data-range="${l}">${l}</button>`).join('')}
    <label>from <input type="datetime-local" name="from"></label><label>to <input type="datetime-local" name="to"></label>
    <button type="button" data-range="custom">show</button></div>
    <button type="button" class="close" aria-label="close">×</button></div>
    <p class="hint">Drag across a chart to zoom, double-click to reset; hover for values.</p><div class="dirs"></div>`;
  const now = Math.floor(Date.now() / 1000);
  const load = (range: Range): void => {
    for (const b of panel.querySelectorAll<HTMLButtonElement>('.ranges button'))
      b.classList.toggle('on', b.dataset['range'] === range.label);
    showPair(panel, config.apiBase, mesh, source, destination, range).catch((err: unknown) => {
      showError(`The archive could not be read: ${err instanceof Error ? err.message : String(err)}`);
    });
  };
  panel.querySelector('.ranges')?.addEventListener('click', (ev) => {
    const label = (ev.target as HTMLElement).dataset['range'];
    if (label === undefined) return;
    if (label === 'custom') {
      const from = Date.parse(`${panel.querySelector<HTMLInputElement>('input[name="from"]')?.value ?? ''}Z`) / 1000;
      const to = Date.parse(`${panel.querySelector<HTMLInputElement>('input[name="to"]')?.value ?? ''}Z`) / 1000;
      if (Number.isFinite(from) && Number.isFinite(to) && from < to) load({ start: from, end: to, label });
      else showError('Custom range: give a start before the end (UTC).');
      return;
    }
    const span = RANGES.find(([l]) => l === label)?.[1] ?? 86400;
    const t = Math.floor(Date.now() / 1000);
    load({ start: t - span, end: t, label });
  });
  panel.querySelector('.close')?.addEventListener('click', () => {
    clearCharts();
    panel.hidden = true;
    panel.innerHTML = '';
  });
  load({ start: now - 86400, end: now, label: 'day' });
  panel.scrollIntoView({ block: 'start' });
}

async function main(): Promise<void> {
  const state = viewState();
  let config: PageConfig;
  let mesh: MeshSummary;
  $('#status').textContent = 'Loading the mesh…';
  // Both requests at once; the mesh's was already started by the page's preload link.
  const firstMesh = loadMesh();
  firstMesh.catch(() => undefined);
  try {
    config = await loadConfig();
    $('#archive').textContent = config.archive;
    // A big mesh's first summary takes a while: the server says 503 until it is ready.
    for (let attempt = 0; ; attempt++) {
      try {
        mesh = await (attempt === 0 ? firstMesh : loadMesh());
        break;
      } catch (err) {
        if (!(err instanceof RequestFailed) || !err.message.startsWith('503:')) throw err;
        $('#status').textContent = 'The server is computing the mesh summary…';
        await new Promise((r) => setTimeout(r, 3000));
      }
    }
  } catch (err) {
    showError(`The archive is unreachable: ${err instanceof Error ? err.message : String(err)}`);
    return;
  }
  const thresholds = loadThresholds();
  const draw = (): void => {
    const squares = renderGrid($('#grid'), mesh, thresholds, Math.floor(Date.now() / 1000));
    Object.assign(state.grid, { rendered: true, hosts: mesh.hosts.length, cells: squares });
  };
  state.grid.loadedAtMs = performance.now();
  draw();
  $('#status').textContent = '';
  // Painted: the frame after the grid went in has been laid out and drawn.
  void afterPaint().then(() => {
    state.grid.paintedAtMs = performance.now();
  });
  $('#legend').innerHTML =
    '<i class="ok">ok</i> <i class="warn">warning</i> <i class="bad">bad</i> <i class="stale">stale</i> <i class="none">no test</i> · ' +
    `each square: T throughput | L latency/loss | R traceroute · ${mesh.hosts.length} hosts, summary computed in ${mesh.computeSeconds.toFixed(1)} s`;
  thresholdForm(thresholds, draw);
  $('#grid').addEventListener('click', (ev) => {
    const td = (ev.target as HTMLElement).closest<HTMLElement>('[data-s]');
    const s = td?.dataset['s'];
    const d = td?.dataset['d'];
    if (s !== undefined && d !== undefined) pairPanel(config, mesh, s, d);
  });
}

void main();
