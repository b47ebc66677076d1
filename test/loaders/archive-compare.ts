/**
 * Reading back what an archive holds, in the form the archive stores values (integers truncated,
 * percentages as fractions, histogram counts as integers), to compare loaders' output with it.
 */
import assert from 'node:assert/strict';
import { dataTypeOf } from '../../src/model/event-types.js';
import type { PercentageValue, WireMetadata } from '../../src/model/wire.js';

/** A value as the archive gives it back after storing `val` for event type `et`. */
export function storedForm(et: string, val: unknown): unknown {
  switch (dataTypeOf(et)) {
    case 'integer':
      return Math.trunc(Number(val));
    case 'float':
      return Number(val);
    case 'percentage':
      return Number((val as PercentageValue).numerator) / Number((val as PercentageValue).denominator);
    case 'histogram':
      return Object.fromEntries(
        Object.entries(val as Record<string, unknown>).map(([k, v]) => [k, Math.trunc(Number(v))]),
      );
    default:
      return val;
  }
}

/** A free-form parameter as the archive stores it (a string). */
export function paramForm(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

/** Every metadata of the archive (one page is plenty for tests). */
export async function allMetadata(archiveUrl: string, query = ''): Promise<WireMetadata[]> {
  const r = await fetch(`${archiveUrl}?limit=10000${query}`);
  assert.equal(r.status, 200);
  return (await r.json()) as WireMetadata[];
}

/** All base points of one event type of one metadata. */
export async function basePoints(
  origin: string,
  md: WireMetadata,
  et: string,
): Promise<{ ts: number; val: unknown }[]> {
  const entry = md['event-types'].find((e) => e['event-type'] === et);
  assert.ok(entry, `metadata ${md['metadata-key']} has no event type ${et}`);
  const r = await fetch(`${origin}${entry['base-uri']}?time-start=0&time-end=4000000000&limit=1000000`);
  assert.equal(r.status, 200);
  return (await r.json()) as { ts: number; val: unknown }[];
}

/** Every stored (ts, event type) → value of one metadata. */
export async function storedValues(origin: string, md: WireMetadata): Promise<Map<string, unknown>> {
  const out = new Map<string, unknown>();
  for (const e of md['event-types']) {
    for (const p of await basePoints(origin, md, e['event-type'])) out.set(`${p.ts} ${e['event-type']}`, p.val);
  }
  return out;
}
