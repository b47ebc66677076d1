/**
 * The mesh summary the page's grid and `/metrics` are drawn from (`GET /pictures/mesh.json`
 * carries it encoded by `mesh-wire.ts`), shared by the server side (which computes it) and the
 * browser code (which colours it). Pure types: no
 * Node and no DOM, so both sides compile it.
 * @module
 */

/** The test families the grid shows, one cell each per (source, destination). */
export type Family = 'throughput' | 'latency' | 'trace';

/** Every family, in column-group order. */
export const FAMILIES: readonly Family[] = ['throughput', 'latency', 'trace'];

/** The class prefix of each family's third of a grid square (`t-ok`, `l-bad`, `r-stale` …). */
export const FAMILY_CLASS: Readonly<Record<Family, string>> = { throughput: 't', latency: 'l', trace: 'r' };

/** One-way delay of the latest result, milliseconds (from the histogram statistics). */
export interface DelayStats {
  min: number;
  median: number;
  p95: number;
}

/** The latest state of one test: one (source host, destination host, family). */
export interface MeshCell {
  /** Host names as the test named them (`input-source`/`input-destination`), else the IPs. */
  source: string;
  destination: string;
  /** Addresses actually tested (shown on hover). */
  sourceIp: string;
  destinationIp: string;
  family: Family;
  tool: string;
  /** The archive's metadata key (server side only: the page finds a pair's tests by name). */
  metadataKey?: string;
  /** UNIX seconds of the latest result, or null when the archive holds none recently. */
  last: number | null;
  /** Seconds between results (estimated from the data, else the family's usual cadence). */
  interval: number;
  /**
   * The latest value: bits/s (throughput), loss fraction 0..1 (latency), hop count (trace);
   * null when unknown.
   */
  value: number | null;
  /** Throughput only: the median of the last week's results, bits/s. */
  usual?: number | null;
  /** Latency only: one-way delay of the latest result. */
  delay?: DelayStats | null;
  /** Trace only: whether the latest trace reached the destination. */
  reached?: boolean;
}

/** The whole mesh: hosts (rows and columns) and cells. */
export interface MeshSummary {
  /** UNIX seconds when the summary was computed. */
  generated: number;
  /** Host names in display order, with the addresses seen for each. */
  hosts: Array<{ name: string; ips: string[] }>;
  cells: MeshCell[];
  /** Seconds the server spent computing it (shown in the page footer). */
  computeSeconds: number;
}

/** What the page needs to know about the server it came from (`GET /pictures/config.json`). */
export interface PageConfig {
  /** Path of the esmond archive API, ending in `/perfsonar/archive/` (same origin). */
  apiBase: string;
  /** A label for the archive (its URL, credentials stripped). */
  archive: string;
}
