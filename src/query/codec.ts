/**
 * The one place where wire JSON (dashed keys, esmond or elmond flavour) becomes the client's
 * camelCase objects, and query objects become ordered query parameters.
 * @module
 */
import { ResponseError, ValidationError, type EsmondErrorInit } from '../http/errors.js';
import type { WireMetadata } from '../model/wire.js';
import type { EventTypeInfo, Metadata, MetadataQuery, SummaryInfo } from './types.js';
import { isJsonObject } from '../model/json-object.js';

/** Subject and structural keys of a metadata object; everything else is a free-form parameter. */
const NON_PARAMETER_KEYS: ReadonlySet<string> = new Set([
  'url',
  'uri',
  'metadata-key',
  'subject-type',
  'source',
  'destination',
  'measurement-agent',
  'tool-name',
  'input-source',
  'input-destination',
  'event-types',
  'metadata-count-total',
  'metadata-previous-page',
  'metadata-next-page',
]);

type Obj = Record<string, unknown>;

function optString(o: Obj, k: string): string | undefined {
  const v = o[k];
  return v === undefined || v === null ? undefined : String(v);
}

/** A parameter value as a string: elmond sends numbers (`21.0` arrives as 21), esmond strings. */
function paramString(v: unknown): string | undefined {
  if (v === null || v === undefined) return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

/** `time-updated`: integer seconds or null (elmond summaries have none: null). */
function timeUpdated(v: unknown, where: string, init: EsmondErrorInit): number | null {
  if (v === undefined || v === null) return null;
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  throw new ResponseError(`${where}: time-updated is not a number`, init);
}

/** `summary-window`: `"86400"` (esmond) or `86400` (elmond) → 86400. */
function summaryWindow(v: unknown, where: string, init: EsmondErrorInit): number {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\s*\d+\s*$/.test(v) ? Number(v) : NaN;
  if (!Number.isInteger(n))
    throw new ResponseError(`${where}: summary-window ${JSON.stringify(v)} is not an integer`, init);
  return n;
}

function requireString(o: Obj, k: string, where: string, init: EsmondErrorInit): string {
  const v = o[k];
  if (typeof v !== 'string') throw new ResponseError(`${where}: ${k} missing or not a string`, init);
  return v;
}

function decodeSummary(s: unknown, where: string, init: EsmondErrorInit): SummaryInfo {
  if (!isJsonObject(s)) throw new ResponseError(`${where}: summary is not an object`, init);
  return {
    summaryType: requireString(s, 'summary-type', where, init),
    summaryWindow: summaryWindow(s['summary-window'], where, init),
    uri: requireString(s, 'uri', where, init),
    timeUpdated: timeUpdated(s['time-updated'], where, init),
  };
}

/** Decodes one summary object (R10 listings, `event-types[].summaries[]`). */
export function decodeSummaryInfo(s: unknown, init: EsmondErrorInit = {}): SummaryInfo {
  return decodeSummary(s, 'summary', init);
}

function decodeEventType(e: unknown, where: string, init: EsmondErrorInit): EventTypeInfo {
  if (!isJsonObject(e)) throw new ResponseError(`${where}: event-types entry is not an object`, init);
  const name = requireString(e, 'event-type', where, init);
  const w = `${where} event type ${name}`;
  const sums = e['summaries'] ?? [];
  if (!Array.isArray(sums)) throw new ResponseError(`${w}: summaries is not an array`, init);
  return {
    eventType: name,
    baseUri: requireString(e, 'base-uri', w, init),
    timeUpdated: timeUpdated(e['time-updated'], w, init),
    summaries: sums.map((s) => decodeSummary(s, w, init)),
  };
}

/**
 * Decodes a metadata object. Accepts both esmond (string windows, `time-updated` on summaries)
 * and elmond (number windows and parameters, no summary `time-updated`, 64-hex keys).
 * @param init - request facts for the {@link ResponseError} thrown on a wrong shape.
 */
export function decodeMetadata(wire: unknown, init: EsmondErrorInit = {}): Metadata {
  if (!isJsonObject(wire)) throw new ResponseError('metadata is not a JSON object', init);
  const key = requireString(wire, 'metadata-key', 'metadata', init);
  const where = `metadata ${key}`;
  const ets = wire['event-types'] ?? [];
  if (!Array.isArray(ets)) throw new ResponseError(`${where}: event-types is not an array`, init);
  const parameters: Record<string, string> = {};
  for (const [k, v] of Object.entries(wire)) {
    if (NON_PARAMETER_KEYS.has(k)) continue;
    const s = paramString(v);
    if (s !== undefined) parameters[k] = s;
  }
  return {
    key,
    uri: optString(wire, 'uri') ?? '',
    url: optString(wire, 'url'),
    subjectType: optString(wire, 'subject-type') ?? '',
    source: optString(wire, 'source'),
    destination: optString(wire, 'destination'),
    measurementAgent: optString(wire, 'measurement-agent'),
    toolName: optString(wire, 'tool-name'),
    inputSource: optString(wire, 'input-source'),
    inputDestination: optString(wire, 'input-destination'),
    parameters,
    eventTypes: ets.map((e) => decodeEventType(e, where, init)),
    raw: wire as WireMetadata,
  };
}

/** Query parameter names the client sets itself; a free-form filter may not use them. */
const RESERVED_FILTER_KEYS: ReadonlySet<string> = new Set(['limit', 'offset', 'format']);

/** camelCase field of {@link MetadataQuery} → wire name, in the original client's order (the original's URL handling). */
const FILTER_ORDER: ReadonlyArray<readonly [keyof MetadataQuery, string]> = [
  ['source', 'source'],
  ['destination', 'destination'],
  ['measurementAgent', 'measurement-agent'],
  ['eventType', 'event-type'],
  ['toolName', 'tool-name'],
  ['summaryType', 'summary-type'],
  ['summaryWindow', 'summary-window'],
  ['inputSource', 'input-source'],
  ['inputDestination', 'input-destination'],
  ['subjectType', 'subject-type'],
  ['metadataKey', 'metadata-key'],
  ['dnsMatchRule', 'dns-match-rule'],
];

const TIME_ORDER: ReadonlyArray<readonly [keyof MetadataQuery, string]> = [
  ['time', 'time'],
  ['timeStart', 'time-start'],
  ['timeEnd', 'time-end'],
  ['timeRange', 'time-range'],
];

/** Query parameters of a metadata search, split so paging parameters can go in between. */
export interface EncodedQuery {
  filters: Array<[string, string]>;
  time: Array<[string, string]>;
}

/**
 * Checks a UNIX-seconds value, or turns a `Date` into one (its whole seconds). B24: a bad time is
 * an error, not silently dropped.
 */
export function checkTime(name: string, v: unknown): number {
  if (v instanceof Date) {
    const ms = v.getTime();
    if (Number.isNaN(ms)) throw new ValidationError(`${name} is an invalid Date`, name);
    return Math.floor(ms / 1000);
  }
  if (typeof v !== 'number' || !Number.isInteger(v)) {
    throw new ValidationError(`${name} must be an integer number of UNIX seconds: ${String(v)}`, name);
  }
  return v;
}

/**
 * Encodes a {@link MetadataQuery}: subject/event filters in the original client's order, then
 * free-form filters in the caller's order; time filters separately (they go after paging).
 * @throws ValidationError for non-integer times, a start after the end, or reserved filter keys.
 */
export function encodeMetadataQuery(q: MetadataQuery = {}): EncodedQuery {
  const filters: Array<[string, string]> = [];
  for (const [field, wire] of FILTER_ORDER) {
    const v = q[field];
    if (v === undefined) continue;
    if (field === 'summaryWindow' && !(typeof v === 'number' && Number.isInteger(v) && v >= 0)) {
      throw new ValidationError(`summaryWindow must be a non-negative integer: ${String(v)}`, 'summaryWindow');
    }
    if (typeof v !== 'string' && typeof v !== 'number') throw new ValidationError(`${field} must be a string`, field);
    filters.push([wire, String(v)]);
  }
  for (const pair of q.filters ?? []) {
    const [k, v] = pair;
    if (typeof k !== 'string' || k === '' || typeof v !== 'string') {
      throw new ValidationError(`Filter must be a [name, value] pair of strings: ${JSON.stringify(pair)}`, 'filters');
    }
    if (RESERVED_FILTER_KEYS.has(k)) throw new ValidationError(`Filter name ${k} is reserved for paging`, 'filters');
    filters.push([k, v]);
  }
  const time: Array<[string, string]> = [];
  for (const [field, wire] of TIME_ORDER) {
    const v = q[field];
    if (v !== undefined) time.push([wire, String(checkTime(field, v))]);
  }
  if (q.timeStart !== undefined && q.timeEnd !== undefined && q.timeStart > q.timeEnd) {
    throw new ValidationError(`timeStart (${q.timeStart}) is after timeEnd (${q.timeEnd})`, 'timeStart');
  }
  if (q.timeRange !== undefined && q.timeRange < 0)
    throw new ValidationError('timeRange must not be negative', 'timeRange');
  return { filters, time };
}
