/**
 * Client-side checks of write payloads, so mistakes are reported before anything is sent (and
 * before a half-written bulk request). The rules mirror the archive's (archive-api.md: Writing).
 * @module
 */
import { isIP } from 'node:net';
import { ValidationError } from '../http/errors.js';
import { ALLOWED_SUMMARIES, dataTypeOf, SUMMARY_TYPES, type SummaryType } from '../model/event-types.js';
import type { WireNewMetadata, WirePoint } from '../model/wire.js';
import { isJsonObject } from '../model/json-object.js';

type Obj = Record<string, unknown>;

const STRING_SUBJECT_FIELDS = ['tool-name', 'input-source', 'input-destination'] as const;

function ip(body: Obj, field: string, required: boolean): void {
  const v = body[field];
  if (v === undefined && !required) return;
  if (typeof v !== 'string' || isIP(v) === 0) {
    throw new ValidationError(
      v === undefined
        ? `Metadata needs ${field} (an IP address)`
        : `Metadata ${field} must be an IP address: ${JSON.stringify(v)}`,
      field,
    );
  }
}

/** A summary window as the server parses it: an integer or an integer string, not negative. */
function windowOf(v: unknown): number | undefined {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\s*\+?\d+\s*$/.test(v) ? Number(v) : NaN;
  return Number.isInteger(n) && n >= 0 ? n : undefined;
}

/**
 * Checks a metadata POST body: subject type, IP literals for source/destination/measurement-agent,
 * event types from the table (no duplicates), summaries the data type allows, integer windows, and
 * parameter values that are not null. Falsy values such as `time-duration: 0` are valid (B25).
 * @throws ValidationError naming the first problem.
 */
export function validateNewMetadata(body: unknown): asserts body is WireNewMetadata {
  if (!isJsonObject(body)) throw new ValidationError('Metadata must be a JSON object');
  const st = body['subject-type'];
  if (st !== 'point-to-point' && st !== 'network-element') {
    throw new ValidationError(
      `subject-type must be point-to-point or network-element: ${JSON.stringify(st)}`,
      'subject-type',
    );
  }
  if ('metadata-key' in body)
    throw new ValidationError('metadata-key is assigned by the archive and may not be posted', 'metadata-key');
  ip(body, 'source', true);
  ip(body, 'measurement-agent', true);
  if (st === 'point-to-point') ip(body, 'destination', true);
  else {
    for (const f of ['destination', 'input-destination']) {
      if (f in body) throw new ValidationError(`A network-element metadata has no ${f}`, f);
    }
  }
  for (const f of STRING_SUBJECT_FIELDS) {
    if (body[f] !== undefined && typeof body[f] !== 'string') throw new ValidationError(`${f} must be a string`, f);
  }
  validateEventTypes(body['event-types']);
  for (const [k, v] of Object.entries(body)) {
    if (v === null || v === undefined) throw new ValidationError(`Parameter ${k} has no value`, k);
  }
}

function validateEventTypes(ets: unknown): void {
  if (!Array.isArray(ets)) throw new ValidationError('event-types must be a list', 'event-types');
  const seen = new Set<string>();
  for (const [i, e] of ets.entries()) {
    if (!isJsonObject(e) || typeof e['event-type'] !== 'string') {
      throw new ValidationError(`event-types[${i}] needs an event-type name`, 'event-types');
    }
    const name = e['event-type'];
    const dt = dataTypeOf(name);
    if (dt === undefined) throw new ValidationError(`Unknown event type: ${name}`, 'event-types');
    if (seen.has(name)) throw new ValidationError(`Event type ${name} is listed twice`, 'event-types');
    seen.add(name);
    const sums = e['summaries'];
    if (sums === undefined) continue;
    if (!Array.isArray(sums)) throw new ValidationError(`summaries of ${name} must be a list`, 'event-types');
    for (const s of sums) {
      if (!isJsonObject(s)) throw new ValidationError(`A summary of ${name} is not an object`, 'event-types');
      const type = s['summary-type'];
      if (type === 'base') continue;
      if (typeof type !== 'string' || !(SUMMARY_TYPES as readonly string[]).includes(type)) {
        throw new ValidationError(`Invalid summary type for ${name}: ${JSON.stringify(type)}`, 'event-types');
      }
      if (!ALLOWED_SUMMARIES[dt].includes(type as SummaryType)) {
        throw new ValidationError(`Summary type ${type} not allowed for event-type ${name} (${dt})`, 'event-types');
      }
      if (windowOf(s['summary-window']) === undefined) {
        throw new ValidationError(
          `Summary window of ${name} ${type} must be a non-negative integer: ${JSON.stringify(s['summary-window'])}`,
          'event-types',
        );
      }
    }
  }
}

/** Checks an event-type name used in a data write. */
export function validateWriteEventType(eventType: unknown): asserts eventType is string {
  if (typeof eventType !== 'string' || dataTypeOf(eventType) === undefined) {
    throw new ValidationError(`Unknown event type: ${String(eventType)}`, 'event-type');
  }
}

/** Checks a timestamp of a data write: an integer (B24: a point without ts is an error). */
export function validateTs(ts: unknown, where = 'ts'): asserts ts is number {
  if (typeof ts !== 'number' || !Number.isSafeInteger(ts)) {
    throw new ValidationError(`${where} must be an integer UNIX timestamp: ${String(ts)}`, 'ts');
  }
}

/** Checks a single point `{ts, val}`. */
export function validatePoint(point: unknown): asserts point is WirePoint {
  if (!isJsonObject(point)) throw new ValidationError('A data point must be an object {ts, val}');
  validateTs(point['ts']);
  if (!('val' in point) || point['val'] === undefined) throw new ValidationError('A data point needs a val', 'val');
}

/** Checks a metadata key before it becomes a URL path segment. */
export function validateKey(key: unknown): asserts key is string {
  if (typeof key !== 'string' || !/^[\w.-]+$/.test(key)) {
    throw new ValidationError(`Invalid metadata key: ${JSON.stringify(key)}`, 'metadata-key');
  }
}
