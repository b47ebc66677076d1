/**
 * Validation of write inputs with esmond's exact messages: data values per data type (archive-api.md: Writing),
 * timestamps (archive-api.md: Writing) and the metadata POST body (archive-api.md: Writing). Where esmond answers 500 a 400 is
 * used; booleans never count as numbers, NaN/Infinity are rejected, negative windows too.
 * @module
 */
import { ALLOWED_SUMMARIES, dataTypeOf, type DataType, type SummaryType } from '../model/event-types.js';
import { ApiError } from './types.js';
import { stringify as stringifyLossless } from 'lossless-json';
import { PyFloat } from '../model/py-float.js';
import { INT64_MAX, pythonFloat, pythonInt, pythonInt64 } from '../model/pyparse.js';
import { pyFloat, pyStr } from '../model/python-str.js';
import { parseIpLiteral } from './ip.js';
import { toFixedPoint, type HistogramPairs } from '../model/summaries.js';
import type { StoredSubject } from './storage/store.js';
import { isJsonObject } from '../model/json-object.js';

/** Python `str()` of a posted value, for the messages that echo it (the model's one rendering). */
export { pyStr };

/** Latest timestamp Python's datetime can hold (9999-12-31T23:59:59Z). */
export const MAX_TIMESTAMP = 253402300799;
/** Earliest timestamp Python's datetime can hold (0001-01-01T00:00:00Z). */
export const MIN_TIMESTAMP = -62135596800;

function bad(message: string): never {
  throw new ApiError(400, message);
}

/** A validated value, normalised for storage. */
export type NormalizedValue =
  | { type: 'integer'; value: number | bigint }
  | { type: 'float'; fixed: number }
  | { type: 'percentage'; numerator: number; denominator: number }
  | { type: 'histogram'; pairs: HistogramPairs }
  | { type: 'subinterval'; json: string }
  | { type: 'json'; json: string };

/** `ts` of a write: Python `int()` (floats truncated), within datetime range (stricter than esmond). */
export function parseWriteTimestamp(ts: unknown): number {
  const t = pythonInt(ts);
  if (t === undefined || t > MAX_TIMESTAMP || t < MIN_TIMESTAMP) bad('Time must be a unix timestamp');
  return t;
}

/**
 * JSON text of a value: integers past 2^53 (BigInts from the lossless body parser) are written
 * as their exact digits. A value that cannot be JSON (cycles from a programmatic caller): 400.
 */
function jsonText(value: unknown, message: string): string {
  try {
    return stringifyLossless(value ?? null) ?? 'null';
  } catch {
    bad(message);
  }
}

function has(o: Record<string, unknown>, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(o, key);
}

/** Validates `value` for `dataType` (archive-api.md: Writing) and normalises it for storage. */
export function validateValue(dataType: DataType, value: unknown): NormalizedValue {
  switch (dataType) {
    case 'integer': {
      // Exact to 64 bits (2^63 − 1 round-trips); beyond is refused.
      const v = pythonInt64(value);
      if (v === undefined) bad('Value must be an integer');
      return { type: 'integer', value: v };
    }
    case 'float': {
      const v = pythonFloat(value);
      // The fixed-point value is a 64-bit counter in esmond; beyond it would overflow.
      if (v === undefined || Math.abs(v * 10000) >= INT64_MAX) bad('Value must be a floating point number');
      return { type: 'float', fixed: toFixedPoint(v) };
    }
    case 'percentage':
      return validatePercentage(value);
    case 'histogram':
      return validateHistogram(value);
    case 'subinterval':
      return validateSubintervals(value);
    case 'json':
      return { type: 'json', json: jsonText(value, 'Value must be JSON') };
  }
}

function validatePercentage(value: unknown): NormalizedValue {
  if (!isJsonObject(value) || !has(value, 'numerator')) bad("Missing required field 'numerator'");
  if (!has(value, 'denominator')) bad("Missing required field 'denominator'");
  const numerator = pythonInt(value['numerator']);
  if (numerator === undefined || Math.abs(numerator) > INT64_MAX) bad("The field 'numerator' must be an integer");
  const denominator = pythonInt(value['denominator']);
  if (denominator === undefined || denominator > INT64_MAX) bad("The field 'denominator' must be an integer");
  if (denominator <= 0) bad("The field 'denominator' must be greater than 0");
  if (numerator < 0) bad("The field 'numerator' cannot be negative");
  return { type: 'percentage', numerator, denominator };
}

function validateHistogram(value: unknown): NormalizedValue {
  if (!isJsonObject(value)) bad('Invalid histogram provided');
  const pairs: HistogramPairs = [];
  for (const [key, raw] of Object.entries(value)) {
    const count = pythonInt(raw);
    if (count === undefined || Math.abs(count) > INT64_MAX) bad('Value of histogram must be an integer');
    pairs.push([key, count]);
  }
  return { type: 'histogram', pairs };
}

function validateSubintervals(value: unknown): NormalizedValue {
  // esmond iterates whatever it gets: a non-empty string or object yields elements without 'start'.
  if ((typeof value === 'string' && value.length > 0) || (isJsonObject(value) && Object.keys(value).length > 0)) {
    bad("Interval must contain 'start' field at position 1");
  }
  if (!Array.isArray(value) || value.length === 0) bad('Invalid subintervals provided');
  value.forEach((element: unknown, i) => {
    const position = i + 1;
    if (typeof element === 'string') bad(`Interval must contain 'start' field at position ${position}`);
    if (!isJsonObject(element)) bad('Invalid subintervals provided');
    for (const field of ['start', 'duration', 'val']) {
      if (!has(element, field)) bad(`Interval must contain '${field}' field at position ${position}`);
    }
    if (pythonFloat(element['start']) === undefined || pythonFloat(element['duration']) === undefined) {
      bad("Subinterval 'start' and 'duration' must be floating point numbers");
    }
  });
  return { type: 'subinterval', json: jsonText(value, 'Invalid subintervals provided') };
}

/** Subject fields, as stored: validation produces exactly what the store keeps. */
export type Subject = StoredSubject;

/** One registered (event-type, summary-type, window) row of a new metadata. */
export interface EventTypeRowSpec {
  eventType: string;
  summaryType: 'base' | SummaryType;
  window: number;
}

/** A validated metadata POST body. */
export interface MetadataSpec {
  subjectType: 'point-to-point' | 'network-element';
  subject: Subject;
  /** Every subject field as posted (before IP normalisation; omitted ones ""), for the checksum. */
  rawSubject: Array<[string, string]>;
  parameters: Array<[string, string]>;
  /** De-duplicated rows, base rows included, in first-seen order. */
  rows: EventTypeRowSpec[];
}

const IP_FIELDS = ['source', 'destination', 'measurement-agent'] as const;
const STRING_FIELDS = ['tool-name', 'input-source', 'input-destination'] as const;
const SUBJECT_FIELDS: Record<string, readonly string[]> = {
  'point-to-point': [...IP_FIELDS, ...STRING_FIELDS],
  'network-element': ['source', 'measurement-agent', 'tool-name', 'input-source'],
};
const SUBJECT_STRING_MAX = 128;

/** How a parameter value is stored: strings as-is, JSON numbers/booleans/objects as JSON text (stricter than esmond). */
export function parameterText(key: string, value: unknown): string {
  if (typeof value === 'string') return value;
  // Python's str() of a posted float: `20.0` stays "20.0" (esmond stores str(value)).
  if (value instanceof PyFloat) return pyFloat(value.value);
  if (value === null || value === undefined) bad(`Parameter ${key} must not be null`);
  return jsonText(value, `Parameter ${key} must be JSON`);
}

/** Validates a metadata POST body (archive-api.md: Writing) in esmond's order; throws ApiError 400 on the first fault. */
export function validateMetadataBody(body: unknown): MetadataSpec {
  if (!isJsonObject(body) || !has(body, 'subject-type')) bad('Missing subject-type field in request');
  if (!has(body, 'event-types')) bad('Missing event-types field in request');
  const subjectType = body['subject-type'];
  if (subjectType !== 'point-to-point' && subjectType !== 'network-element') {
    bad(`Invalid subject type ${pyStr(subjectType)}`);
  }
  if (has(body, 'metadata-key')) bad('metadata-key is not allowed to be specified');
  const allowed = SUBJECT_FIELDS[subjectType] ?? [];
  const subject: Record<string, string> = {};
  const posted: Record<string, string> = {};
  const parameters: Array<[string, string]> = [];
  let rows: EventTypeRowSpec[] = [];
  for (const [key, value] of Object.entries(body)) {
    if (key === 'subject-type') continue;
    if (key === 'event-types') {
      rows = validateEventTypes(value);
    } else if (allowed.includes(key)) {
      const text = subjectText(key, value);
      posted[key] = text;
      subject[key] = text;
    } else if (key === 'destination' || key === 'input-destination') {
      bad(`${key} is not allowed for subject-type network-element`);
    } else {
      parameters.push([key, parameterText(key, value)]);
    }
  }
  for (const field of IP_FIELDS) {
    if (!allowed.includes(field)) continue;
    const ip = parseIpLiteral(subject[field] ?? '');
    if (!ip) bad(`${field} must be an IP address`);
    subject[field] = ip.canonical;
  }
  for (const field of STRING_FIELDS) {
    if (allowed.includes(field)) subject[field] ??= '';
  }
  // Every field of the subject type takes part in the checksum, omitted ones as "" (they are
  // stored as "" too), while IPs keep their posted spelling (esmond hashes before normalising).
  const rawSubject = allowed.map((field): [string, string] => [field, posted[field] ?? '']);
  return { subjectType, subject: subject as unknown as Subject, rawSubject, parameters, rows };
}

function subjectText(field: string, value: unknown): string {
  if ((IP_FIELDS as readonly string[]).includes(field)) {
    if (typeof value !== 'string' || !parseIpLiteral(value)) bad(`${field} must be an IP address`);
    return value;
  }
  if (typeof value === 'number' && Number.isFinite(value)) value = String(value);
  else if (value instanceof PyFloat) value = pyFloat(value.value);
  else if (typeof value === 'bigint') value = String(value);
  if (typeof value !== 'string') bad(`${field} must be a string`);
  if (value.length > SUBJECT_STRING_MAX) bad(`${field} must be at most ${SUBJECT_STRING_MAX} characters`);
  return value;
}

function validateEventTypes(value: unknown): EventTypeRowSpec[] {
  if (value === null) return [];
  if (!Array.isArray(value)) bad('event_types must be a list');
  const rows: EventTypeRowSpec[] = [];
  const seen = new Set<string>();
  const add = (row: EventTypeRowSpec): void => {
    const id = `${row.eventType}\u0000${row.summaryType}\u0000${row.window}`;
    if (seen.has(id)) return;
    seen.add(id);
    rows.push(row);
  };
  for (const entry of value as unknown[]) {
    if (!isJsonObject(entry) || !has(entry, 'event-type')) bad('No event-type defined');
    const eventType = entry['event-type'];
    const dataType = typeof eventType === 'string' ? dataTypeOf(eventType) : undefined;
    if (typeof eventType !== 'string' || dataType === undefined) bad(`Invalid event-type ${pyStr(eventType)}`);
    add({ eventType, summaryType: 'base', window: 0 });
    if (!has(entry, 'summaries')) continue;
    const summaries = entry['summaries'];
    if (!Array.isArray(summaries)) bad('summaries must be a list');
    for (const summary of summaries as unknown[]) {
      if (!isJsonObject(summary) || !has(summary, 'summary-type')) bad('Summary must contain summary-type');
      const st = summary['summary-type'];
      if (st !== 'base' && st !== 'aggregation' && st !== 'average' && st !== 'statistics') {
        bad(`Invalid summary type '${pyStr(st)}'`);
      }
      if (st === 'base') continue;
      if (!ALLOWED_SUMMARIES[dataType].includes(st)) bad(`Summary type ${st} not allowed for event-type ${eventType}`);
      if (!has(summary, 'summary-window')) bad('Summary must contain summary-window');
      const window = pythonInt(summary['summary-window']);
      if (window === undefined || window > MAX_TIMESTAMP) bad('Summary window must be an integer');
      if (window < 0) bad('Summary window must not be negative');
      add({ eventType, summaryType: st, window });
    }
  }
  return rows;
}
