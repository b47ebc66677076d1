/**
 * The mesh grid: rows are sources, columns destinations, one square per (source, destination)
 * whose three thirds are the test families (throughput, latency/loss, traceroute), each coloured
 * by {@link cellHealth}. Built as one HTML string (one parse), one element per pair: a table of
 * 30 000 inline squares took ten times longer to lay out. Each source is a row of its own with
 * fixed tracks and `content-visibility: auto`, so the browser styles, lays out and paints only
 * the rows in view (a 100-host mesh shows about 40); a square's thirds are its two borders and
 * its background (plain fills: gradients and images per square made painting most of the cost).
 * Clicks and hover texts are delegated.
 * @module
 */
import { cellHealth, type Thresholds } from './health.js';
import { FAMILIES, FAMILY_CLASS, type Family, type MeshCell, type MeshSummary } from './mesh-types.js';
import { ago, bps, esc, ms, pct, when } from './format.js';
const NAME: Readonly<Record<Family, string>> = {
  throughput: 'throughput',
  latency: 'latency/loss',
  trace: 'traceroute',
};

/** The text shown on hover over one square. */
function describe(cell: MeshCell | undefined, family: Family, now: number): string {
  if (cell === undefined) return `${NAME[family]}: no test`;
  const head = `${NAME[family]} ${cell.source} (${cell.sourceIp}) → ${cell.destination} (${cell.destinationIp}), ${cell.tool}`;
  let value = '';
  if (family === 'throughput') value = `${bps(cell.value)} (usual ${bps(cell.usual)})`;
  if (family === 'latency')
    value = `loss ${pct(cell.value)}, delay min ${ms(cell.delay?.min)} median ${ms(cell.delay?.median)} p95 ${ms(cell.delay?.p95)}`;
  if (family === 'trace')
    value = `${cell.value ?? '–'} hops${cell.reached === false ? ', destination not reached' : ''}`;
  return `${head}\n${value}\nlast result ${when(cell.last)} (${ago(cell.last, now)}), every ~${Math.round(cell.interval / 60)} min`;
}

/** Shortens `perfsonar1.site12.example.net` to `perfsonar1.site12` for headers (full name on hover). */
function shortName(name: string): string {
  const parts = name.split('.');
  return parts.length > 2 && !/^\d+$/.test(parts[0] ?? '') ? parts.slice(0, 2).join('.') : name;
}

/** The pair under the pointer, for the hover text (set by the last {@link renderGrid}). */
let hovered: ((s: string, d: string, f: Family) => MeshCell | undefined) | undefined;
let hoverNow = 0;

/**
 * Hover texts are made when the pointer reaches a square, not for all 10 000 squares up front
 * (they were most of the grid's HTML).
 */
function titleOnHover(root: HTMLElement): void {
  if (root.dataset['hover'] === 'on') return;
  root.dataset['hover'] = 'on';
  root.addEventListener('mouseover', (ev) => {
    const el = ev.target as HTMLElement;
    const s = el.dataset['s'];
    const d = el.dataset['d'];
    if (el.title !== '' || s === undefined || d === undefined || hovered === undefined) return;
    const find = hovered;
    el.title = FAMILIES.map((f) => describe(find(s, d, f), f, hoverNow)).join('\n\n');
  });
}

/**
 * Renders the grid into `root` as one HTML string (one parse, one layout); returns how many
 * family squares (thirds) it drew. Cells are found by position in a flat array.
 */
export function renderGrid(root: HTMLElement, mesh: MeshSummary, thresholds: Thresholds, now: number): number {
  const n = mesh.hosts.length;
  const nf = FAMILIES.length;
  const hostIndex = new Map(mesh.hosts.map((h, i) => [h.name, i]));
  const byPosition = new Array<MeshCell | undefined>(n * n * nf);
  const isSource = new Uint8Array(n);
  const isDest = new Uint8Array(n);
  for (const c of mesh.cells) {
    const s = hostIndex.get(c.source);
    const d = hostIndex.get(c.destination);
    if (s === undefined || d === undefined) continue;
    isSource[s] = 1;
    isDest[d] = 1;
    byPosition[(s * n + d) * nf + FAMILIES.indexOf(c.family)] = c;
  }
  const find = (s: string, d: string, f: Family): MeshCell | undefined => {
    const si = hostIndex.get(s);
    const di = hostIndex.get(d);
    return si === undefined || di === undefined ? undefined : byPosition[(si * n + di) * nf + FAMILIES.indexOf(f)];
  };
  const sources = mesh.hosts.map((h, i) => ({ ...h, i })).filter((h) => isSource[h.i] === 1);
  const dests = mesh.hosts.map((h, i) => ({ ...h, i })).filter((h) => isDest[h.i] === 1);
  // Fixed tracks (the name column sized to the longest name) keep every row's columns aligned
  // without laying the rows out together.
  const nameChars = Math.max(8, ...sources.map((h) => shortName(h.name).length));
  const parts: string[] = [
    `<div class="mesh" style="--cols:${dests.length};--names:${nameChars + 1}ch"><div class="mrow head"><span class="corner">source ↓ destination →</span>`,
  ];
  for (const d of dests) {
    parts.push(
      `<span class="col" title="${esc(`${d.name}\n${d.ips.join('\n')}`)}"><span>${esc(shortName(d.name))}</span></span>`,
    );
  }
  parts.push('</div>');
  const names = mesh.hosts.map((h) => esc(h.name));
  let squares = 0;
  for (const s of sources) {
    parts.push(
      `<div class="mrow"><span class="row" title="${esc(`${s.name}\n${s.ips.join('\n')}`)}">${esc(shortName(s.name))}</span>`,
    );
    for (const d of dests) {
      if (s.i === d.i) {
        parts.push('<b class="self"></b>');
        continue;
      }
      const base = (s.i * n + d.i) * nf;
      const classes = FAMILIES.map(
        (f, fi) => `${FAMILY_CLASS[f]}-${cellHealth(byPosition[base + fi], now, thresholds)}`,
      ).join(' ');
      parts.push(`<b data-s="${names[s.i] ?? ''}" data-d="${names[d.i] ?? ''}" class="${classes}"></b>`);
      squares += nf;
    }
    parts.push('</div>');
  }
  parts.push('</div>');
  hovered = find;
  hoverNow = now;
  titleOnHover(root);
  root.innerHTML = parts.join('');
  return squares;
}
