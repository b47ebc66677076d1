/**
 * The esmond-archiver golden vectors of test/fixtures/pscheduler, read once, with the comparison rules of
 * perfsonar5 §3.7: metadata keys unordered, `event-types` in order, summaries as sets, the values
 * of a data point as a map keyed by event type.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import type { RecordInput } from '../../src/loaders/pscheduler/map.js';
import { FIXTURE_DATA } from '../helpers/fixture-data.js';

export const VECTOR_DIR = join(FIXTURE_DATA, 'pscheduler', 'esmond-archiver-vectors');
export const RESULTS_DIR = join(FIXTURE_DATA, 'pscheduler', 'results');

type Obj = Record<string, any>;

export interface MappingVector {
  name: string;
  input: Obj;
  expected: { metadata?: Obj; data?: { ts: number; val: { 'event-type': string; val: unknown }[] }[] };
}

/** Every mapping vector (the storage-error vectors are a different function). */
export function mappingVectors(): MappingVector[] {
  return readdirSync(VECTOR_DIR)
    .filter((f) => f.endsWith('.json') && !f.startsWith('storage-error'))
    .sort()
    .map((f) => {
      const v = JSON.parse(readFileSync(join(VECTOR_DIR, f), 'utf8')) as Obj;
      // Two upstream expectations are stale (§3.7): the current archiver's output wins.
      const expected = { ...v.expected, ...(v.expected_by_current_archiver_code ?? {}) };
      return { name: f.replace(/\.json$/, ''), input: v.input, expected };
    });
}

export function storageErrorVectors(): { name: string; input: Obj; expected: Obj }[] {
  return readdirSync(VECTOR_DIR)
    .filter((f) => f.startsWith('storage-error'))
    .sort()
    .map((f) => {
      const v = JSON.parse(readFileSync(join(VECTOR_DIR, f), 'utf8')) as Obj;
      return { name: f, input: v.input, expected: v.expected };
    });
}

/** The record-class inputs of a vector as the mapper's input. */
export function recordInputOf(input: Obj): RecordInput {
  return {
    testType: input.test_type,
    spec: input.test_spec,
    result: input.test_result ?? {},
    leadParticipant: input.lead_participant,
    measurementAgent: input.measurement_agent ?? undefined,
    toolName: input.tool_name,
    duration: input.duration,
    ts: input.ts,
    runHref: input.run_href ?? undefined,
    reference: input.reference ?? undefined,
    summaries: input.summaries ?? null,
  };
}

/** Summaries sorted, so two lists compare as sets. */
function summarySet(s: unknown): unknown {
  if (!Array.isArray(s)) return s;
  return [...s].map((x) => JSON.stringify(Object.keys(x).sort().map((k) => [k, x[k]]))).sort();
}

/** Asserts metadata equality under the vector rules (ignoring `summaries` order and key order). */
export function assertMetadataMatches(actual: Obj, expected: Obj, message?: string): void {
  const norm = (md: Obj): Obj => ({
    ...md,
    'event-types': (md['event-types'] as Obj[]).map((e) => ({ ...e, ...(e.summaries ? { summaries: summarySet(e.summaries) } : {}) })),
  });
  assert.deepStrictEqual(norm(actual), norm(expected), message);
}

/** The values of a data point as an event type → value map (order-free). */
export function valueMap(val: { 'event-type': string; val: unknown }[]): Map<string, unknown> {
  const m = new Map<string, unknown>();
  for (const v of val) {
    assert.ok(!m.has(v['event-type']), `duplicate event type ${v['event-type']} in one point`);
    m.set(v['event-type'], v.val);
  }
  return m;
}
