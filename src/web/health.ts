/**
 * How a grid cell is coloured: the latest value against the user's thresholds, and staleness.
 * Pure; shared by the page (colours) and the tests (expected colours from the data).
 * @module
 */
import type { MeshCell } from './mesh-types.js';

/** Cell colours: good, warning, bad, stale (no recent result), none (no test). */
export type Health = 'ok' | 'warn' | 'bad' | 'stale' | 'none';

/** User-settable thresholds. */
export interface Thresholds {
  /** Loss above this fraction is amber (perfSONAR practice: 0.1 %). */
  lossWarn: number;
  /** Loss above this fraction is red (1 %). */
  lossBad: number;
  /** Throughput below this fraction of the pair's usual value is amber. */
  throughputWarn: number;
  /** Throughput below this fraction of the pair's usual value is red. */
  throughputBad: number;
  /** A test with no result for this many of its intervals is stale. */
  staleIntervals: number;
}

/** The defaults, from perfSONAR/MaDDash practice. */
export const DEFAULT_THRESHOLDS: Readonly<Thresholds> = {
  lossWarn: 0.001,
  lossBad: 0.01,
  throughputWarn: 0.5,
  throughputBad: 0.2,
  staleIntervals: 3,
};

/** True when the cell's latest result is older than `staleIntervals` of its intervals at `now`. */
export function isStale(cell: MeshCell, now: number, t: Thresholds): boolean {
  return cell.last === null || now - cell.last > t.staleIntervals * cell.interval;
}

/** The colour of one cell at `now` (UNIX seconds). */
export function cellHealth(cell: MeshCell | undefined, now: number, t: Thresholds): Health {
  if (cell === undefined) return 'none';
  if (isStale(cell, now, t) || cell.value === null) return 'stale';
  switch (cell.family) {
    case 'latency':
      return cell.value > t.lossBad ? 'bad' : cell.value > t.lossWarn ? 'warn' : 'ok';
    case 'throughput': {
      const usual = cell.usual ?? null;
      if (usual === null || usual <= 0) return 'ok';
      const ratio = cell.value / usual;
      return ratio < t.throughputBad ? 'bad' : ratio < t.throughputWarn ? 'warn' : 'ok';
    }
    case 'trace':
      return cell.reached === false ? 'warn' : 'ok';
  }
}
