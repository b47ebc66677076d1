/**
 * The mesh grid: rows are sources, columns destinations, and each cell holds one square per test
 * family (throughput, latency/loss, traceroute), coloured by {@link cellHealth}. Built as one HTML
 * string so a 100-host mesh (30 000 squares) renders in one layout pass; clicks are delegated.
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

/** Renders the grid into `root`; returns how many squares it drew. */
export function renderGrid(root: HTMLElement, mesh: MeshSummary, thresholds: Thresholds, now: number): number {
  const index = new Map<string, MeshCell>();
  for (const c of mesh.cells) index.set(`${c.source}\u0000${c.destination}\u0000${c.family}`, c);
  const sources = mesh.hosts.filter((h) => mesh.cells.some((c) => c.source === h.name));
  const dests = mesh.hosts.filter((h) => mesh.cells.some((c) => c.destination === h.name));
  const parts: string[] = ['<table class="mesh"><thead><tr><th class="corner">source ↓ destination →</th>'];
  for (const d of dests) {
    parts.push(`<th class="col" title="${esc(`${d.name}\n${d.ips.join('\n')}`)}"><span>${esc(shortName(d.name))}</span></th>`);
  }
  parts.push('</tr></thead><tbody>');
  let squares = 0;
  for (const s of sources) {
    parts.push(`<tr><th class="row" title="${esc(`${s.name}\n${s.ips.join('\n')}`)}">${esc(shortName(s.name))}</th>`);
    for (const d of dests) {
      if (s.name === d.name) {
        parts.push('<td class="self"></td>');
        continue;
      }
      parts.push(`<td data-s="${esc(s.name)}" data-d="${esc(d.name)}">`);
      for (const f of FAMILIES) {
        const cell = index.get(`${s.name}\u0000${d.name}\u0000${f}`);
        const health = cellHealth(cell, now, thresholds);
        parts.push(`<i class="${health}" data-f="${f}" title="${esc(describe(cell, f, now))}">${LETTER[f]}</i>`);
        squares++;
      }
      parts.push('</td>');
    }
    parts.push('</tr>');
  }
  parts.push('</tbody></table>');
  root.innerHTML = parts.join('');
  return squares;
}
