/**
 * One perfSONAR 5 OpenSearch document (a pScheduler run after the Logstash pipeline, perfsonar5
 * perfSONAR 5's Logstash pipeline) turned back into what pScheduler's esmond archiver would have stored for that run:
 * the Logstash conversions are undone where Logstash kept the raw data (trace paths, iperf3
 * intervals and streams, ping round trips), and the pScheduler → esmond mapper of
 * `model/pscheduler` does the rest. So both backends yield the same metadata and points for the
 * same measurement, and the gaps of elmond listed among the archiver/Logstash/elmond differences do not appear.
 *
 * What cannot be undone: latency histogram bucket keys were turned into floats by Logstash
 * (`"39.50"` → `39.5`); they are written back with two decimals when that is exact (pScheduler's
 * latency tools print milliseconds with two decimals), TTL keys as integers.
 * @module
 */
import {
  isoDateSeconds,
  isoDurationSeconds,
  literalAddresses,
  mapRecord,
  MappingError,
  type HostAddresses,
  type MappedRecord,
  type RecordInput,
} from '../../model/pscheduler/map.js';
import { PyFloat } from '../../model/py-float.js';
import { isJsonObject, type JsonObject } from '../../model/json-object.js';

/** The document fields a backend request asks for (`_source` includes). */
export const SOURCE_FIELDS = ['test', 'pscheduler', 'meta', 'result', 'reference'] as const;

const obj = (v: unknown): JsonObject => (isJsonObject(v) ? v : {});
const has = (o: JsonObject, k: string): boolean =>
  Object.prototype.hasOwnProperty.call(o, k) && o[k] !== undefined && o[k] !== null;

/** Spec fields Logstash converted from ISO durations to float seconds, per test type (perfSONAR 5's Logstash pipeline step 6). */
const CONVERTED_SPEC_FIELDS: Readonly<Record<string, readonly string[]>> = {
  throughput: ['duration', 'omit', 'interval'],
  trace: ['sendwait', 'wait'],
  rtt: ['interval', 'timeout', 'deadline'],
};

/** Float seconds → the ISO duration pScheduler wrote (`PT30S`, `PT0.5S`). */
export function isoSeconds(seconds: number): string {
  return `PT${String(seconds)}S`;
}

/** A Logstash histogram (`{values, counts}`) back as pScheduler's `{"<key>": count}`. */
function histogramObject(stats: unknown, key: (v: number) => string): Record<string, number> | undefined {
  const h = obj(obj(stats).histogram);
  if (!Array.isArray(h.values) || !Array.isArray(h.counts)) return undefined;
  const out: Record<string, number> = {};
  h.values.forEach((v: unknown, i) => {
    const c = (h.counts as unknown[])[i];
    if (typeof v === 'number' && typeof c === 'number') {
      Object.defineProperty(out, key(v), { value: c, enumerable: true, writable: true, configurable: true });
    }
  });
  return out;
}

const latencyKey = (v: number): string => (Number(v.toFixed(2)) === v ? v.toFixed(2) : String(v));
const ttlKey = (v: number): string => String(v);

function copy(from: JsonObject, to: JsonObject, pairs: ReadonlyArray<readonly [string, string]>): void {
  for (const [a, b] of pairs) if (has(from, a)) to[b] = from[a];
}

/** The pScheduler result of one run, rebuilt from Logstash's `result` (perfSONAR 5's Logstash pipeline step 6, reversed). */
export function pschedulerResult(testType: string, result: JsonObject): JsonObject {
  const out: JsonObject = {};
  copy(result, out, [
    ['succeeded', 'succeeded'],
    ['error', 'error'],
  ]);
  switch (testType) {
    case 'latency':
    case 'latencybg': {
      const p = obj(result.packets);
      copy(p, out, [
        ['sent', 'packets-sent'],
        ['received', 'packets-received'],
        ['lost', 'packets-lost'],
        ['duplicated', 'packets-duplicated'],
        ['reordered', 'packets-reordered'],
      ]);
      copy(result, out, [['max_clock_error', 'max-clock-error']]);
      const lat = histogramObject(result.latency, latencyKey);
      if (lat !== undefined) out['histogram-latency'] = lat;
      const ttl = histogramObject(result.ttl, ttlKey);
      if (ttl !== undefined) out['histogram-ttl'] = ttl;
      return out;
    }
    case 'throughput': {
      const summary: JsonObject = {};
      copy(result, summary, [
        ['throughput', 'throughput-bits'],
        ['packets_sent', 'sent'],
        ['packets_lost', 'lost'],
        ['jitter', 'jitter'],
        ['rtt', 'rtt'],
        ['retransmits', 'retransmits'],
      ]);
      const block: JsonObject = { summary };
      const streams = obj(result.streams).json;
      if (Array.isArray(streams)) block.streams = streams;
      out.summary = block;
      const intervals = obj(result.intervals).json;
      if (Array.isArray(intervals)) out.intervals = intervals;
      copy(result, out, [
        ['mss', 'mss'],
        ['mtu', 'mtu'],
      ]);
      return out;
    }
    case 'trace':
      out.paths = Array.isArray(result.json) ? result.json : [];
      return out;
    case 'rtt': {
      const p = obj(result.packets);
      copy(p, out, [
        ['sent', 'sent'],
        ['received', 'received'],
        ['lost', 'lost'],
        ['loss', 'loss'],
        ['duplicated', 'duplicates'],
        ['reordered', 'reorders'],
        ['json', 'roundtrips'],
      ]);
      const rtt = obj(result.rtt);
      for (const k of ['min', 'max', 'mean', 'stddev']) if (typeof rtt[k] === 'number') out[k] = isoSeconds(rtt[k]);
      return out;
    }
    default:
      return { ...result };
  }
}

/** The spec as pScheduler sent it: Logstash's float seconds back to ISO durations. */
function pschedulerSpec(testType: string, spec: JsonObject): JsonObject {
  const out: JsonObject = { ...spec };
  for (const f of CONVERTED_SPEC_FIELDS[testType] ?? []) {
    const v = out[f];
    if (typeof v === 'number') out[f] = isoSeconds(v);
  }
  return out;
}

/** Addresses Logstash resolved at ingest (`meta.*`), as a lookup table for the mapper. */
function addressTable(doc: JsonObject): Map<string, HostAddresses> {
  const table = new Map<string, HostAddresses>();
  const meta = obj(doc.meta);
  const spec = obj(obj(doc.test).spec);
  const note = (name: unknown, end: unknown): void => {
    const e = obj(end);
    if (typeof name !== 'string' || typeof e.ip !== 'string') return;
    const entry = table.get(name) ?? {};
    if (e.ip.includes(':')) entry.v6 ??= e.ip;
    else entry.v4 ??= e.ip;
    table.set(name, entry);
    if (typeof e.hostname === 'string' && e.hostname !== name) table.set(e.hostname, entry);
  };
  note(spec.source, meta.source);
  note(spec.dest, meta.destination);
  const participants = obj(doc.pscheduler).participants;
  if (Array.isArray(participants)) note(participants[0], meta.observer);
  return table;
}

/** The run's identity for de-duplication (reading OpenSearch directly: run id + observer). */
export function runIdentity(doc: JsonObject): string {
  const ps = obj(doc.pscheduler);
  const text = (v: unknown): string => (typeof v === 'string' || typeof v === 'number' ? String(v) : '');
  return `${text(ps.run_id)} ${text(obj(obj(doc.meta).observer).ip)}`;
}

/** The test checksum of a document (the metadata key), or undefined. */
export function checksumOf(doc: JsonObject): string | undefined {
  const c = obj(doc.pscheduler).test_checksum;
  return typeof c === 'string' && c !== '' ? c : undefined;
}

/**
 * Parts of a Logstash `result` that only some event types read, and those event types. A series
 * read leaves the others out of the request (`_source.excludes`) and of the mapping, which is
 * most of the work for iperf3 runs with their per-interval, per-stream arrays.
 */
const OPTIONAL_RESULT_PARTS: ReadonlyArray<readonly [string, (eventType: string) => boolean]> = [
  ['intervals', (et) => et.endsWith('-subintervals')],
  ['streams', (et) => et.startsWith('streams-')],
  ['latency', (et) => et === 'histogram-owdelay'],
  ['ttl', (et) => et === 'histogram-ttl'],
  ['packets.json', (et) => et === 'histogram-rtt' || et === 'histogram-ttl-reverse'],
];

/** Event types that need the whole result (and test types whose result Logstash keeps raw). */
const WHOLE_RESULT = new Set(['pscheduler-raw']);
const MAPPED_TYPES = new Set(['latency', 'latencybg', 'throughput', 'rtt', 'trace']);

/** `result.*` paths a read of `eventType` does not need (for `_source.excludes`). */
export function unneededResultPaths(eventType: string): string[] {
  if (WHOLE_RESULT.has(eventType)) return [];
  return OPTIONAL_RESULT_PARTS.filter(([, needs]) => !needs(eventType)).map(([path]) => `result.${path}`);
}

/** The optional parts `eventType` does not read, per event type (computed once, not per document). */
const unneededParts = new Map<string, ReadonlySet<string>>();

/** A shallow copy of a Logstash result without the parts `eventType` does not read. */
function trimmedResult(testType: string, result: JsonObject, eventType: string): JsonObject {
  if (!MAPPED_TYPES.has(testType) || WHOLE_RESULT.has(eventType)) return result;
  let unneeded = unneededParts.get(eventType);
  if (unneeded === undefined) {
    unneeded = new Set(OPTIONAL_RESULT_PARTS.filter(([, needs]) => !needs(eventType)).map(([path]) => path));
    unneededParts.set(eventType, unneeded);
  }
  const out: JsonObject = {};
  for (const k of Object.keys(result)) if (!unneeded.has(k) && k !== '__proto__') out[k] = result[k];
  if (unneeded.has('packets.json') && isJsonObject(out.packets) && 'json' in out.packets) {
    const { json: _json, ...packets } = out.packets;
    out.packets = packets;
  }
  return out;
}

/**
 * Maps one document (`_source`) to the archiver's metadata body and data point; with
 * `eventType`, only what that event type needs is mapped (the point may lack the others).
 * @throws MappingError (from the mapper) when the document lacks what a run needs.
 */
export function mapOpenSearchDocument(source: unknown, eventType?: string): MappedRecord {
  const doc = obj(source);
  const test = obj(doc.test);
  const ps = obj(doc.pscheduler);
  const testType = typeof test.type === 'string' ? test.type : '';
  const tool = typeof ps.tool === 'string' ? ps.tool : '';
  if (testType === '' || tool === '') throw new MappingError('document without test.type or pscheduler.tool');
  const participants = Array.isArray(ps.participants) ? ps.participants : [];
  // The archiver's input, built directly: the envelope reader's pass over the whole document
  // (pScheduler comment members) is not needed for what Logstash indexed, and is most of the cost.
  const input: RecordInput = {
    testType,
    spec: pschedulerSpec(testType, obj(test.spec)),
    result: pschedulerResult(
      testType,
      eventType === undefined ? obj(doc.result) : trimmedResult(testType, obj(doc.result), eventType),
    ),
    leadParticipant: typeof participants[0] === 'string' ? participants[0] : undefined,
    toolName: `pscheduler/${tool}`,
    // timedelta.total_seconds() of the task's ISO duration: a float (`30.0`), as the archiver sends it.
    duration: new PyFloat(
      typeof ps.duration === 'number' ? ps.duration : isoDurationSeconds(ps.duration, 'pscheduler.duration'),
    ),
    ts: isoDateSeconds(ps.start_time, 'pscheduler.start_time'),
    runHref: typeof ps.run_href === 'string' && ps.run_href !== '' ? ps.run_href : undefined,
    // The reference only becomes metadata parameters: a series read leaves it out.
    reference: eventType === undefined && isJsonObject(doc.reference) ? doc.reference : null,
    summaries: null,
  };
  if (eventType !== undefined) return mapRecord(input, { lookup: placeholderAddress });
  const table = addressTable(doc);
  return mapRecord(input, {
    lookup: (host) => table.get(host) ?? literalAddresses(host),
  });
}

/**
 * The addresses of every host when only the point is wanted: the mapper needs some to build the
 * subject, which a series read throws away, and no value of a point depends on them.
 */
const PLACEHOLDER: HostAddresses = { v4: '192.0.2.1' };
function placeholderAddress(): HostAddresses {
  return PLACEHOLDER;
}
