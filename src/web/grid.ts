/**
 * The mesh grid: rows are sources, columns destinations, and each cell holds one square per test
 * family (throughput, latency/loss, traceroute), coloured by {@link cellHealth}. Built as one HTML
 * string so a 100-host mesh (30 000 squares) renders in one layout pass; clicks and hover texts
 * are delegated.
 * @module
 */
import { cellHealth, type Thresholds } from './health.js';
import { FAMILIES, type Family, type MeshCell, type MeshSummary } from './mesh-types.js';
import { ago, bps, esc, ms, pct, when } from './format.js';

const LETTER: Readonly<Record<Family, string>> = { throughput: 'T', latency: 'L', trace: 'R' };
const NAME: Readonly<Record<Family, string>> = { throughput: 'throughput', latency: 'latency/loss', trace: 'traceroute' };

/** The text shown on hover over one square. */
function describe(cell: MeshCell | undefined, family: Family, now: number): string {
  if (cell === undefined) return `${NAME[family]}: no test`;
  const head = `${NAME[family]} ${cell.source} (${cell.sourceIp}) → ${cell.destination} (${cell.destinationIp}), ${cell.tool}`;
  let value = '';
  if (family === 'throughput') value = `${bps(cell.value)} (usual ${bps(cell.usual)})`;
  if (family === 'latency') value = `loss ${pct(cell.value)}, delay min ${ms(cell.delay?.min)} median ${ms(cell.delay?.median)} p95 ${ms(cell.delay?.p95)}`;
  if (family === 'trace') value = `${cell.value ?? '–'} hops${cell.reached === false ? ', destination not reached' : ''}`;
  return `${head}\n${value}\nlast result ${when(cell.last)} (${ago(cell.last, now)}), every ~${Math.round(cell.interval / 60)} min`;
}

/** Shortens `perfsonar1.site12.example.net` to `perfsonar1.site12` for headers (full name on hover). */
function shortName(name: string): string {
  const parts = name.split('.');
  return parts.length > 2 && !/^\d+$/.test(parts[0] ?? '') ? parts.slice(0, 2).join('.') : name;
}

/** The cell under the pointer, for the hover text (set by the last {@link renderGrid}). */
let hovered: ((s: string, d: string, f: Family) => MeshCell | undefined) | undefined;
let hoverNow = 0;

/**
 * Hover texts are made when the pointer reaches a square, not for all 30 000 squares up front
 * (they were most of the grid's HTML).
 */
function titleOnHover(root: HTMLElement): void {
  if (root.dataset['hover'] === 'on') return;
  root.dataset['hover'] = 'on';
  root.addEventListener('mouseover', (ev) => {
    const i = ev.target as HTMLElement;
    if (i.tagName !== 'I' || i.title !== '' || hovered === undefined) return;
    const td = i.parentElement;
    const f = i.dataset['f'] as Family | undefined;
    const s = td?.dataset['s'];
    const d = td?.dataset['d'];
    if (f === undefined || s === undefined || d === undefined) return;
    i.title = describe(hovered(s, d, f), f, hoverNow);
  });
}

/**
 * Renders the grid into `root` as one HTML string (one parse, one layout); returns how many
 * squares it drew. Cells are found by position in a flat array, not by searching the list.
 */
export function renderGrid(root: HTMLElement, mesh: MeshSummary, thresholds: Thresholds, now: number): number {
  const n = mesh.hosts.length;
  const hostIndex = new Map(mesh.hosts.map((h, i) => [h.name, i]));
  const byPosition = new Array<MeshCell | undefined>(n * n * FAMILIES.length);
  const isSource = new Uint8Array(n);
  const isDest = new Uint8Array(n);
  for (const c of mesh.cells) {
    const s = hostIndex.get(c.source);
    const d = hostIndex.get(c.destination);
    if (s === undefined || d === undefined) continue;
    isSource[s] = 1;
    isDest[d] = 1;
    byPosition[(s * n + d) * FAMILIES.length + FAMILIES.indexOf(c.family)] = c;
  }
  const find = (s: string, d: string, f: Family): MeshCell | undefined => {
    const si = hostIndex.get(s);
    const di = hostIndex.get(d);
    return si === undefined || di === undefined ? undefined : byPosition[(si * n + di) * FAMILIES.length + FAMILIES.indexOf(f)];
  };
  const sources = mesh.hosts.map((h, i) => ({ ...h, i })).filter((h) => isSource[h.i] === 1);
  const dests = mesh.hosts.map((h, i) => ({ ...h, i })).filter((h) => isDest[h.i] === 1);
  const parts: string[] = ['<table class="mesh"><thead><tr><th class="corner">source ↓ destination →</th>'];
  for (const d of dests) {
    parts.push(`<th class="col" title="${esc(`${d.name}\n${d.ips.join('\n')}`)}"><span>${esc(shortName(d.name))}</span></th>`);
  }
  parts.push('</tr></thead><tbody>');
  const names = mesh.hosts.map((h) => esc(h.name));
  let squares = 0;
  for (const s of sources) {
    parts.push(`<tr><th class="row" title="${esc(`${s.name}\n${s.ips.join('\n')}`)}">${esc(shortName(s.name))}</th>`);
    for (const d of dests) {
      if (s.i === d.i) {
        parts.push('<td class="self"></td>');
        continue;
      }
      let row = `<td data-s="${names[s.i] ?? ''}" data-d="${names[d.i] ?? ''}">`;
      FAMILIES.forEach((f, fi) => {
        const health = cellHealth(byPosition[(s.i * n + d.i) * FAMILIES.length + fi], now, thresholds);
        row += `<i class="${health}" data-f="${f}">${LETTER[f]}</i>`;
      });
      parts.push(`${row}</td>`);
      squares += FAMILIES.length;
    }
    parts.push('</tr>');
  }
  parts.push('</tbody></table>');
  hovered = find;
  hoverNow = now;
  titleOnHover(root);
  root.innerHTML = parts.join('');
  return squares;
}
