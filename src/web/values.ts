/**
 * Reading esmond values: numbers that may come as strings or percentages, histogram statistics,
 * traceroute hops. Pure; used by the server-side summary and the browser page alike.
 * @module
 */
import type { DelayStats } from './mesh-types.js';

/** A numeric value: a number, a numeric string, or a percentage `{numerator, denominator}`. */
export function numberOf(val: unknown): number | null {
  if (typeof val === 'number') return Number.isFinite(val) ? val : null;
  if (typeof val === 'string' && val.trim() !== '' && Number.isFinite(Number(val))) return Number(val);
  if (typeof val === 'object' && val !== null && 'numerator' in val && 'denominator' in val) {
    const n = numberOf(val.numerator);
    const d = numberOf(val.denominator);
    return n !== null && d !== null && d > 0 ? n / d : null;
  }
  return null;
}

/** A field of an object value, or undefined. */
export function fieldOf(obj: unknown, name: string): unknown {
  return typeof obj === 'object' && obj !== null ? (obj as Record<string, unknown>)[name] : undefined;
}

/** Min / median / p95 of a histogram statistics value (esmond's `minimum`, `median`, `percentile-95`). */
export function delayOf(val: unknown): DelayStats | null {
  const min = numberOf(fieldOf(val, 'minimum'));
  const med = numberOf(fieldOf(val, 'median'));
  const p95 = numberOf(fieldOf(val, 'percentile-95'));
  return min === null || med === null || p95 === null ? null : { min, median: med, p95 };
}

/** Hops of a trace: its largest TTL. */
export function hopCount(hops: readonly unknown[]): number {
  let max = 0;
  for (const h of hops) max = Math.max(max, numberOf(fieldOf(h, 'ttl')) ?? 0);
  return max;
}

/** A trace's path as one string: per TTL the first answering address, `*` for none. */
export function pathOf(hops: readonly unknown[]): string[] {
  const byTtl = new Map<number, string>();
  for (const h of hops) {
    const ttl = numberOf(fieldOf(h, 'ttl'));
    const ip = fieldOf(h, 'ip');
    if (ttl === null) continue;
    if (typeof ip === 'string' && ip !== '' && !byTtl.has(ttl)) byTtl.set(ttl, ip);
    else if (!byTtl.has(ttl)) byTtl.set(ttl, '');
  }
  return [...byTtl.entries()].sort(([a], [b]) => a - b).map(([, ip]) => (ip === '' ? '*' : ip));
}

/** The median of `values`, or null for none. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] ?? null) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}
