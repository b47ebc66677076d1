/**
 * `GET /pictures/mesh.json` on the wire: only what the grid draws, in columns with dictionaries
 * (hosts, tools, addresses), so a 100-host mesh (29 700 tests) is about 2 MB of JSON instead of
 * 10 MB of one object per test. The server encodes its {@link MeshSummary} once per refresh; the
 * page (and the tests) decode it back. Pure: no Node and no DOM.
 * @module
 */
import { FAMILIES, type DelayStats, type MeshCell, type MeshSummary } from './mesh-types.js';

/** The format name, so a page never misreads another server's JSON. */
export const MESH_WIRE_FORMAT = 'esmond-mesh/2';

/** The columns: entry `i` of every array describes cell `i`. */
export interface MeshWireColumns {
  /** Index into {@link MeshWire.hosts}. */
  source: number[];
  destination: number[];
  /** Index into {@link FAMILIES}. */
  family: number[];
  /** Index into {@link MeshWire.tools}. */
  tool: number[];
  /** Index into {@link MeshWire.addresses}. */
  sourceIp: number[];
  destinationIp: number[];
  last: Array<number | null>;
  interval: number[];
  value: Array<number | null>;
  /** Throughput's usual value (null elsewhere). */
  usual: Array<number | null>;
  /** Latency's delay `[min, median, p95]` ms, rounded to µs (null elsewhere). */
  delay: Array<[number, number, number] | null>;
  /** Trace: 1 reached, 0 not (null elsewhere). */
  reached: Array<0 | 1 | null>;
}

/** The whole grid on the wire. */
export interface MeshWire {
  format: typeof MESH_WIRE_FORMAT;
  generated: number;
  computeSeconds: number;
  hosts: Array<{ name: string; ips: string[] }>;
  tools: string[];
  addresses: string[];
  cells: MeshWireColumns;
}

const micro = (v: number): number => Math.round(v * 1000) / 1000;

/** Encodes a summary for the page (one pass; the dictionaries keep first-seen order). */
export function encodeMesh(summary: MeshSummary): MeshWire {
  const hostIndex = new Map(summary.hosts.map((h, i) => [h.name, i]));
  const tools: string[] = [];
  const addresses: string[] = [];
  const toolIndex = new Map<string, number>();
  const addressIndex = new Map<string, number>();
  const intern = (dict: string[], index: Map<string, number>, v: string): number => {
    let i = index.get(v);
    if (i === undefined) index.set(v, (i = dict.push(v) - 1));
    return i;
  };
  const c: MeshWireColumns = {
    source: [],
    destination: [],
    family: [],
    tool: [],
    sourceIp: [],
    destinationIp: [],
    last: [],
    interval: [],
    value: [],
    usual: [],
    delay: [],
    reached: [],
  };
  for (const cell of summary.cells) {
    const s = hostIndex.get(cell.source);
    const d = hostIndex.get(cell.destination);
    if (s === undefined || d === undefined) continue;
    c.source.push(s);
    c.destination.push(d);
    c.family.push(FAMILIES.indexOf(cell.family));
    c.tool.push(intern(tools, toolIndex, cell.tool));
    c.sourceIp.push(intern(addresses, addressIndex, cell.sourceIp));
    c.destinationIp.push(intern(addresses, addressIndex, cell.destinationIp));
    c.last.push(cell.last);
    c.interval.push(cell.interval);
    c.value.push(cell.value);
    c.usual.push(cell.usual ?? null);
    c.delay.push(cell.delay ? [micro(cell.delay.min), micro(cell.delay.median), micro(cell.delay.p95)] : null);
    c.reached.push(cell.reached === undefined ? null : cell.reached ? 1 : 0);
  }
  return {
    format: MESH_WIRE_FORMAT,
    generated: summary.generated,
    computeSeconds: summary.computeSeconds,
    hosts: summary.hosts,
    tools,
    addresses,
    cells: c,
  };
}

/** Decodes {@link encodeMesh}'s output; throws on anything else. */
export function decodeMesh(wire: unknown): MeshSummary {
  if (typeof wire !== 'object' || wire === null || !('format' in wire) || wire.format !== MESH_WIRE_FORMAT) {
    throw new Error(`not an ${MESH_WIRE_FORMAT} mesh summary`);
  }
  const w = wire as MeshWire;
  const c = w.cells;
  const cells: MeshCell[] = new Array<MeshCell>(c.source.length);
  for (let i = 0; i < c.source.length; i++) {
    const family = FAMILIES[c.family[i] ?? -1] ?? 'throughput';
    const d = c.delay[i];
    const delay: DelayStats | null = d ? { min: d[0], median: d[1], p95: d[2] } : null;
    const reached = c.reached[i];
    cells[i] = {
      source: w.hosts[c.source[i] ?? -1]?.name ?? '?',
      destination: w.hosts[c.destination[i] ?? -1]?.name ?? '?',
      sourceIp: w.addresses[c.sourceIp[i] ?? -1] ?? '',
      destinationIp: w.addresses[c.destinationIp[i] ?? -1] ?? '',
      family,
      tool: w.tools[c.tool[i] ?? -1] ?? '',
      last: c.last[i] ?? null,
      interval: c.interval[i] ?? 0,
      value: c.value[i] ?? null,
      ...(family === 'throughput' ? { usual: c.usual[i] ?? null } : {}),
      ...(family === 'latency' ? { delay } : {}),
      ...(reached === null || reached === undefined ? {} : { reached: reached === 1 }),
    };
  }
  return { generated: w.generated, hosts: w.hosts, cells, computeSeconds: w.computeSeconds };
}
