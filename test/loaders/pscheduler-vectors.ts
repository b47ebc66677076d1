/**
 * The esmond-archiver golden vectors of test/fixtures/pscheduler, read once, with the comparison rules of
 * pScheduler's esmond archiver: metadata keys unordered, `event-types` in order, summaries as sets, the values
 * of a data point as a map keyed by event type.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { parse as parseLossless } from 'lossless-json';
import { PyFloat, pyJson, pyStr } from '../../src/format/python-repr.js';
import type { ArchiverSummary, RecordInput } from '../../src/model/pscheduler/map.js';
import type { RetryPolicyEntry } from './pscheduler-retry-policy.js';
import { FIXTURE_DATA } from '../helpers/fixture-data.js';
import { parseJson, readJson } from '../helpers/json.js';

export const VECTOR_DIR = join(FIXTURE_DATA, 'pscheduler', 'esmond-archiver-vectors');
export const RESULTS_DIR = join(FIXTURE_DATA, 'pscheduler', 'results');

type Obj = Record<string, unknown>;

/** A vector's `input`: the esmond archiver's record-class fields, as its JSON has them. */
export interface VectorInput {
  test_type: string;
  test_spec: Obj;
  test_result?: Obj | null;
  lead_participant: string | undefined;
  measurement_agent?: string | null;
  tool_name: string;
  duration: number;
  ts: number;
  run_href?: string | null;
  reference?: Obj | null;
  summaries?: readonly ArchiverSummary[] | null;
  enable_data_raw_after_construction?: boolean;
}

/** An event type of an expected metadata. */
export interface VectorEventType {
  'event-type': string;
  summaries?: { 'summary-type': string; 'summary-window': string | number }[];
  [key: string]: unknown;
}

/** An expected metadata (free-form parameters at the top level). */
export interface VectorMetadata {
  'event-types': VectorEventType[];
  [key: string]: unknown;
}

interface VectorExpectation {
  metadata?: VectorMetadata;
  data?: { ts: number; val: { 'event-type': string; val: unknown }[] }[];
}

export interface MappingVector {
  name: string;
  input: VectorInput;
  expected: VectorExpectation;
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
  return new Map(
    Object.entries(body)
      .filter(([k]) => k !== 'event-types')
      .map(([k, v]) => [k, pyStr(v)]),
  );
}

/** A storage-error vector: the archiver's retry decision for a failed post. */
export interface StorageErrorVector {
  name: string;
  input: { result: string; attempts: number; policy?: RetryPolicyEntry[] };
  expected: unknown;
}

/** Every mapping vector (the storage-error vectors are a different function). */
export function mappingVectors(): MappingVector[] {
  return readdirSync(VECTOR_DIR)
    .filter((f) => f.endsWith('.json') && !f.startsWith('storage-error'))
    .sort()
    .map((f) => {
      const text = readFileSync(join(VECTOR_DIR, f), 'utf8');
      type VectorFile<E> = { input: VectorInput; expected: E; expected_by_current_archiver_code?: E };
      const v = parseJson(text) as VectorFile<VectorExpectation>;
      // Two upstream expectations are stale (pScheduler's esmond archiver): the current archiver's output wins.
      const expected = { ...v.expected, ...(v.expected_by_current_archiver_code ?? {}) };
      const python = parsePython(text) as Partial<VectorFile<{ metadata?: Obj }>>;
      const expectedPython = python.expected_by_current_archiver_code?.metadata ?? python.expected?.metadata;
      return {
        name: f.replace(/\.json$/, ''),
        input: v.input,
        expected,
        ...(expectedPython ? { expectedPython } : {}),
      };
    });
}

export function storageErrorVectors(): StorageErrorVector[] {
  return readdirSync(VECTOR_DIR)
    .filter((f) => f.startsWith('storage-error'))
    .sort()
    .map((f) => {
      const v = readJson(join(VECTOR_DIR, f)) as Omit<StorageErrorVector, 'name'>;
      return { name: f, input: v.input, expected: v.expected };
    });
}

/** The record-class inputs of a vector as the mapper's input. */
export function recordInputOf(input: VectorInput): RecordInput {
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
  return (s as Obj[])
    .map((x) =>
      JSON.stringify(
        Object.keys(x)
          .sort()
          .map((k) => [k, x[k]]),
      ),
    )
    .sort();
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
  assert.deepStrictEqual(ets(parseJson(bodyText) as Obj), ets(parseJson(pyJson(expected)) as Obj), message);
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

export const RUN_HREF = 'https://ps-a.example.net/pscheduler/tasks/t1/runs/r1';

/** The esmond archiver's input built from a vector (the members tests change). */
export interface ArchiverInputDoc {
  data: Obj;
  'task-href': string;
  'run-href': string;
  attempts: number;
  result: {
    test: { type: string; spec: Obj };
    reference: Obj;
    result: Obj | null | undefined;
    [member: string]: unknown;
  };
}

/** A vector's record-class input as the esmond archiver's input (what pScheduler hands over). */
export function archiverInput(v: MappingVector, runHref = RUN_HREF): ArchiverInputDoc {
  const i = v.input;
  return {
    data: {
      url: 'http://unused/esmond/perfsonar/archive',
      'measurement-agent': i.measurement_agent,
      ...(i.enable_data_raw_after_construction ? { 'data-formatting-policy': 'mapped-and-raw' } : {}),
    },
    'task-href': 'https://ps-a.example.net/pscheduler/tasks/t1',
    'run-href': runHref,
    attempts: 0,
    result: {
      id: 'r1',
      schedule: { start: new Date(i.ts * 1000).toISOString(), duration: `PT${i.duration}S` },
      test: { type: i.test_type, spec: i.test_spec },
      tool: { name: i.tool_name, version: '1.0' },
      participants: [i.lead_participant],
      result: i.test_result,
      // A reference per case keeps cases apart (two failure vectors share spec and start).
      reference: { case: v.name },
    },
  };
}
