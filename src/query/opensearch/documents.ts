/**
 * One perfSONAR 5 OpenSearch document (a pScheduler run after the Logstash pipeline, perfsonar5
 * spec §1.4) turned back into what pScheduler's esmond archiver would have stored for that run:
 * the Logstash conversions are undone where Logstash kept the raw data (trace paths, iperf3
 * intervals and streams, ping round trips), and the pScheduler → esmond mapper of
 * `loaders/pscheduler` does the rest. So both backends yield the same metadata and points for the
 * same measurement (spec §5 item 2), and the elmond gaps of §4 (rows 3, 4, 7, 8) do not appear.
 *
 * What cannot be undone: latency histogram bucket keys were turned into floats by Logstash
 * (`"39.50"` → `39.5`); they are written back with two decimals when that is exact (pScheduler's
 * latency tools print milliseconds with two decimals), TTL keys as integers.
 * @module
 */
import { literalAddresses, mapPschedulerDocument, type HostAddresses, type MappedRecord } from '../../loaders/pscheduler/map.js';
import { isJsonObject, type JsonObject } from '../../model/json-object.js';

/** The document fields a backend request asks for (`_source` includes). */
export const SOURCE_FIELDS = ['test', 'pscheduler', 'meta', 'result', 'reference'] as const;

const obj = (v: unknown): JsonObject => (isJsonObject(v) ? v : {});
const has = (o: JsonObject, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k) && o[k] !== undefined && o[k] !== null;

/** Spec fields Logstash converted from ISO durations to float seconds, per test type (§1.4 step 6). */
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

/** The pScheduler result of one run, rebuilt from Logstash's `result` (§1.4 step 6, reversed). */
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

/** The run's identity for de-duplication (spec §1.6: run id + observer). */
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
 * Maps one document (`_source`) to the archiver's metadata body and data point.
 * @throws MappingError (from the mapper) when the document lacks what a run needs.
 */
export function mapOpenSearchDocument(source: unknown): MappedRecord {
  const doc = obj(source);
  const test = obj(doc.test);
  const ps = obj(doc.pscheduler);
  const testType = typeof test.type === 'string' ? test.type : '';
  const duration = typeof ps.duration === 'number' ? isoSeconds(ps.duration) : ps.duration;
  const envelope: JsonObject = {
    test: { type: testType, spec: pschedulerSpec(testType, obj(test.spec)) },
    tool: { name: ps.tool },
    schedule: { start: ps.start_time, duration: duration ?? 'PT0S' },
    participants: Array.isArray(ps.participants) ? ps.participants : [],
    result: pschedulerResult(testType, obj(doc.result)),
    reference: isJsonObject(doc.reference) ? doc.reference : null,
    ...(typeof ps.run_href === 'string' ? { run: { href: ps.run_href } } : {}),
  };
  const table = addressTable(doc);
  return mapPschedulerDocument(envelope, {
    lookup: (host) => table.get(host) ?? literalAddresses(host),
  });
}
