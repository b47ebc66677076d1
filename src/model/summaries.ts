/**
 * The summary math of archive-api.md: Summaries, as pure functions: float fixed-point truncation, integer /
 * float / percentage bin state, histogram merging and histogram statistics with the NIST
 * percentile walk. Histograms are ordered `[key, count]` pairs because bucket order decides the
 * `mode` order and the mean's float summation order (JS objects would reorder integer-like keys).
 * @module
 */
import type { HistogramStatistics } from './wire.js';
import { orderedRecord } from './ordered-json.js';
import { parseFloatText } from './pyparse.js';

/** A histogram in its own key order. Keys are compared as exact strings. */
export type HistogramPairs = Array<[string, number]>;

/** Fixed-point scale of stored floats (4 decimals). */
export const FLOAT_SCALE = 10000;

/** A float as esmond stores it: `trunc(v × 10⁴)` (archive-api.md: Summaries). */
export function toFixedPoint(value: number): number {
  const t = Math.trunc(value * FLOAT_SCALE);
  return t === 0 ? 0 : t;
}

/** A stored fixed-point float back as a number: `stored / 10⁴`. */
export function fromFixedPoint(stored: number): number {
  return stored / FLOAT_SCALE;
}

/** Running state of one numeric summary bin: a sum and how many values (or Σden) it holds. */
export interface NumericBin {
  sum: number;
  count: number;
}

/** integer/float base value and `aggregation`: the sum (float sums are fixed-point, hence the scale). */
export function aggregationValue(bin: NumericBin, scale = 1): number {
  return bin.sum / scale;
}

/** integer/float `average`: Σ / (count · scale). */
export function averageValue(bin: NumericBin, scale = 1): number {
  return bin.sum / (bin.count * scale);
}

/** percentage value and `aggregation`: Σ numerator / Σ denominator (a ratio of sums, archive-api.md: Summaries). */
export function ratioValue(numerator: number, denominator: number): number {
  return numerator / denominator;
}

/** Adds `add` into a copy of `into`, keeping `into`'s key order and appending new keys in order. */
export function mergeHistograms(into: HistogramPairs, add: HistogramPairs): HistogramPairs {
  const out: HistogramPairs = into.map(([k, c]) => [k, c]);
  const index = new Map<string, number>();
  out.forEach(([k], i) => index.set(k, i));
  for (const [k, c] of add) {
    const i = index.get(k);
    if (i === undefined) {
      index.set(k, out.length);
      out.push([k, c]);
    } else {
      const slot = out[i];
      if (slot) slot[1] += c;
    }
  }
  return out;
}

/** Pairs → a record for the wire that JSON.stringify writes in the pairs' order (integer-like buckets included). */
export function histogramObject(pairs: HistogramPairs): Record<string, number> {
  return orderedRecord(pairs);
}

/**
 * One NIST percentile, fed sorted buckets as (cumulative count, value) in ascending order.
 * Mirrors esmond's `Percentile.findvalue` so the upstream unit vectors apply (archive-api.md: Summaries step 6).
 */
export class Percentile {
  readonly k: number;
  readonly d: number;
  value: number | undefined;
  pending = false;
  finished = false;

  constructor(
    readonly percentile: number,
    readonly sampleSize: number,
  ) {
    const position = (percentile / 100) * (sampleSize + 1);
    this.k = Math.floor(position);
    this.d = position - this.k;
  }

  /** Offers the bucket `x` whose cumulative count is `count`. */
  findValue(count: number, x: number): void {
    if (this.finished) return;
    if (this.pending && this.value !== undefined) {
      this.value = this.value + this.d * (x - this.value);
      this.finished = true;
    } else if (this.k === 0) {
      this.finish(x);
    } else if (count >= this.sampleSize && this.k >= this.sampleSize) {
      this.finish(x);
    } else if (this.k + this.d < count) {
      // The k-th and (k+1)-th ordered samples both sit in this bucket.
      this.finish(x);
    } else {
      this.value = x;
      this.pending = true;
    }
  }

  private finish(x: number): void {
    this.value = x;
    this.finished = true;
  }
}

const PERCENTILES = [25, 50, 75, 95] as const;

/**
 * Statistics of one histogram (archive-api.md: Summaries): `{}` when a key is not a finite number, when the total
 * count is 0 (esmond crashes) or when a count is negative (the walk would be meaningless).
 */
export function histogramStatistics(h: HistogramPairs): HistogramStatistics | Record<string, never> {
  if (h.length === 0) return {};
  const numeric: Array<[number, number]> = [];
  for (const [key, count] of h) {
    const x = parseFloatText(key);
    if (x === undefined || count < 0 || !Number.isFinite(count)) return {};
    numeric.push([x, count]);
  }
  let n = 0;
  let weighted = 0;
  let maxCount = -Infinity;
  for (const [x, c] of numeric) {
    n += c;
    weighted += x * c;
    if (c > maxCount) maxCount = c;
  }
  if (n <= 0) return {};
  const mean = weighted / n;
  const mode = numeric.filter(([, c]) => c === maxCount).map(([x]) => x);
  // Array.prototype.sort is stable, as Python's sorted() is.
  const sorted = [...numeric].sort((a, b) => a[0] - b[0]);
  let variance = 0;
  for (const [x, c] of sorted) variance += (x - mean) ** 2 * c;
  variance /= n;
  const pct = walkPercentiles(sorted, n);
  const first = sorted[0];
  const last = sorted[sorted.length - 1];
  if (!first || !last) return {};
  return {
    mode,
    mean,
    minimum: first[0],
    maximum: last[0],
    'percentile-25': pct[0] ?? last[0],
    median: pct[1] ?? last[0],
    'percentile-75': pct[2] ?? last[0],
    'percentile-95': pct[3] ?? last[0],
    variance,
    'standard-deviation': Math.sqrt(variance),
  };
}

/** The four NIST percentiles over ascending (value, count) buckets with total `n`. */
function walkPercentiles(sorted: Array<[number, number]>, n: number): Array<number | undefined> {
  const ps = PERCENTILES.map((p) => new Percentile(p, n));
  const out: Array<number | undefined> = [];
  let current = 0;
  let cumulative = 0;
  for (const [x, c] of sorted) {
    cumulative += c;
    while (current < ps.length) {
      const p = ps[current];
      if (!p || cumulative < p.k) break;
      p.findValue(cumulative, x);
      if (!p.finished) break; // pending: resolved by the next bucket
      out[current] = p.value;
      current++;
    }
  }
  return out;
}
