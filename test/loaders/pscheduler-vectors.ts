/**
 * The esmond-archiver golden vectors of test/fixtures/pscheduler, read once, with the comparison rules of
 * perfsonar5 §3.7: metadata keys unordered, `event-types` in order, summaries as sets, the values
 * of a data point as a map keyed by event type.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { parse as parseLossless } from 'lossless-json';
import { PyFloat, pyJson, pyStr } from '../../src/format/python-repr.js';
import type { RecordInput } from '../../src/loaders/pscheduler/map.js';
import { FIXTURE_DATA } from '../helpers/fixture-data.js';

export const VECTOR_DIR = join(FIXTURE_DATA, 'pscheduler', 'esmond-archiver-vectors');
export const RESULTS_DIR = join(FIXTURE_DATA, 'pscheduler', 'results');

type Obj = Record<string, any>;

export interface MappingVector {
  name: string;
  input: Obj;
  expected: { metadata?: Obj; data?: { ts: number; val: { 'event-type': string; val: unknown }[] }[] };
  /** The expected metadata as Python's `json.loads` reads the vector: floats as {@link PyFloat}. */
  expectedPython?: Obj;
}

/**
 * JSON text as Python's `json.loads` holds it: a number written with a fraction or an exponent is
 * a float ({@link PyFloat}), one without is an int.
 */
export function parsePython(text: string): unknown {
  return parseLossless(text, null, (t: string) => {
    if (/[.eE]/.test(t)) return new PyFloat(Number(t));
    const n = Number(t);
    return Number.isSafeInteger(n) ? n : BigInt(t);
  });
}

/**
 * What a real esmond stores for each metadata member of a POST body (everything but
 * `event-types`): Python's `str()` of the value its JSON parser gives (`"30.0"` for `30.0`,
 * `"30"` for `30`, `"True"`, `"{'key1': 'val1'}"`).
 */
export function esmondParameters(bodyText: string): Map<string, string> {
  const body = parsePython(bodyText) as Obj;
  return new Map(Object.entries(body).filter(([k]) => k !== 'event-types').map(([k, v]) => [k, pyStr(v)]));
}

/** Every mapping vector (the storage-error vectors are a different function). */
export function mappingVectors(): MappingVector[] {
  return readdirSync(VECTOR_DIR)
    .filter((f) => f.endsWith('.json') && !f.startsWith('storage-error'))
    .sort()
    .map((f) => {
      const text = readFileSync(join(VECTOR_DIR, f), 'utf8');
      const v = JSON.parse(text) as Obj;
      // Two upstream expectations are stale (§3.7): the current archiver's output wins.
      const expected = { ...v.expected, ...(v.expected_by_current_archiver_code ?? {}) };
      const python = parsePython(text) as Obj;
      const expectedPython = (python.expected_by_current_archiver_code?.metadata ?? python.expected?.metadata) as Obj | undefined;
      return { name: f.replace(/\.json$/, ''), input: v.input, expected, ...(expectedPython ? { expectedPython } : {}) };
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

/**
 * Asserts metadata equality under the vector rules: each member as a real esmond stores it
 * (Python `str()` of the value parsed from the body text, so `30.0` ≠ `30`), `event-types` in
 * order with summaries as sets.
 * @param bodyText - the metadata POST body as sent (or `pyJson` of the mapped metadata).
 * @param expected - the vector's metadata as Python reads it ({@link MappingVector.expectedPython}).
 */
export function assertMetadataMatches(bodyText: string, expected: Obj, message?: string): void {
  assert.deepStrictEqual(esmondParameters(bodyText), esmondParameters(pyJson(expected)), message);
  const ets = (md: Obj): unknown =>
    (md['event-types'] as Obj[]).map((e) => ({ ...e, ...(e.summaries ? { summaries: summarySet(e.summaries) } : {}) }));
  assert.deepStrictEqual(ets(JSON.parse(bodyText) as Obj), ets(JSON.parse(pyJson(expected)) as Obj), message);
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
