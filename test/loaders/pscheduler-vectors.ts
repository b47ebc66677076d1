/**
 * The esmond-archiver golden vectors of test/fixtures/pscheduler, read once, with the comparison rules of
 * perfsonar5 §3.7: metadata keys unordered, `event-types` in order, summaries as sets, the values
 * of a data point as a map keyed by event type.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import type { ArchiverSummary, RecordInput } from '../../src/loaders/pscheduler/map.js';
import type { RetryPolicyEntry } from '../../src/loaders/pscheduler/retry-policy.js';
import { FIXTURE_DATA } from '../helpers/fixture-data.js';
import { readJson } from '../helpers/json.js';

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
      const v = readJson(join(VECTOR_DIR, f)) as { input: VectorInput; expected: VectorExpectation; expected_by_current_archiver_code?: VectorExpectation };
      // Two upstream expectations are stale (§3.7): the current archiver's output wins.
      const expected = { ...v.expected, ...(v.expected_by_current_archiver_code ?? {}) };
      return { name: f.replace(/\.json$/, ''), input: v.input, expected };
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
  return (s as Obj[]).map((x) => JSON.stringify(Object.keys(x).sort().map((k) => [k, x[k]]))).sort();
}

/** Asserts metadata equality under the vector rules (ignoring `summaries` order and key order). */
export function assertMetadataMatches(actual: object, expected: VectorMetadata, message?: string): void {
  const norm = (md: Obj): Obj => ({
    ...md,
    'event-types': (md['event-types'] as Obj[]).map((e) => ({ ...e, ...(e.summaries ? { summaries: summarySet(e.summaries) } : {}) })),
  });
  assert.deepStrictEqual(norm(actual as Obj), norm(expected), message);
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
