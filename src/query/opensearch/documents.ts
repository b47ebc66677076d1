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
  checkRecord,
  mapRecord,
  recordPoint,
  MappingError,
  type AddressLookup,
  type HostAddresses,
  type MappedRecord,
  type RecordInput,
} from '../../model/pscheduler/map.js';
import { PyFloat } from '../../model/py-float.js';
import { isJsonObject, type JsonObject } from '../../model/json-object.js';

/** The document fields a backend request asks for (`_source` includes). */
export const SOURCE_FIELDS = ['test', 'pscheduler', 'meta', 'result', 'reference'] as const;

const obj = (v: unknown): JsonObject => (isJsonObject(v) ? v : {});
const NOTHING: ReadonlySet<string> = new Set();
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

/** Logstash result members → pScheduler result members, per test type (module constants: one run after another uses them). */
const SUCCESS_PAIRS: ReadonlyArray<readonly [string, string]> = [
  ['succeeded', 'succeeded'],
  ['error', 'error'],
];
const LATENCY_PACKET_PAIRS: ReadonlyArray<readonly [string, string]> = [
  ['sent', 'packets-sent'],
  ['received', 'packets-received'],
  ['lost', 'packets-lost'],
  ['duplicated', 'packets-duplicated'],
  ['reordered', 'packets-reordered'],
];
const THROUGHPUT_SUMMARY_PAIRS: ReadonlyArray<readonly [string, string]> = [
  ['throughput', 'throughput-bits'],
  ['packets_sent', 'sent'],
  ['packets_lost', 'lost'],
  ['jitter', 'jitter'],
  ['rtt', 'rtt'],
  ['retransmits', 'retransmits'],
];
const THROUGHPUT_MTU_PAIRS: ReadonlyArray<readonly [string, string]> = [
  ['mss', 'mss'],
  ['mtu', 'mtu'],
];
const RTT_PACKET_PAIRS: ReadonlyArray<readonly [string, string]> = [
  ['sent', 'sent'],
  ['received', 'received'],
  ['lost', 'lost'],
  ['loss', 'loss'],
  ['duplicated', 'duplicates'],
  ['reordered', 'reorders'],
];
const LATENCY_CLOCK_PAIRS: ReadonlyArray<readonly [string, string]> = [['max_clock_error', 'max-clock-error']];
const RTT_ROUNDTRIP_PAIRS: ReadonlyArray<readonly [string, string]> = [['json', 'roundtrips']];

/**
 * The pScheduler result of one run, rebuilt from Logstash's `result` (perfSONAR 5's Logstash
 * pipeline step 6, reversed), without the optional parts named in `skip` (see
 * {@link unneededResultPaths}: what the event type being read does not use).
 */
export function pschedulerResult(
  testType: string,
  result: JsonObject,
  skip: ReadonlySet<string> = NOTHING,
): JsonObject {
  const out: JsonObject = {};
  copy(result, out, SUCCESS_PAIRS);
  switch (testType) {
    case 'latency':
    case 'latencybg': {
      const p = obj(result.packets);
      copy(p, out, LATENCY_PACKET_PAIRS);
      copy(result, out, LATENCY_CLOCK_PAIRS);
      const lat = skip.has('latency') ? undefined : histogramObject(result.latency, latencyKey);
      if (lat !== undefined) out['histogram-latency'] = lat;
      const ttl = skip.has('ttl') ? undefined : histogramObject(result.ttl, ttlKey);
      if (ttl !== undefined) out['histogram-ttl'] = ttl;
      return out;
    }
    case 'throughput': {
      const summary: JsonObject = {};
      copy(result, summary, THROUGHPUT_SUMMARY_PAIRS);
      const block: JsonObject = { summary };
      const streams = skip.has('streams') ? undefined : obj(result.streams).json;
      if (Array.isArray(streams)) block.streams = streams;
      out.summary = block;
      const intervals = skip.has('intervals') ? undefined : obj(result.intervals).json;
      if (Array.isArray(intervals)) out.intervals = intervals;
      copy(result, out, THROUGHPUT_MTU_PAIRS);
      return out;
    }
    case 'trace':
      out.paths = Array.isArray(result.json) ? result.json : [];
      return out;
    case 'rtt': {
      const p = obj(result.packets);
      copy(p, out, RTT_PACKET_PAIRS);
      if (!skip.has('packets.json')) copy(p, out, RTT_ROUNDTRIP_PAIRS);
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

/** One host name of a document and the addresses Logstash resolved for it. */
interface NamedAddresses {
  name: string;
  addresses: HostAddresses;
}

/** Notes that `name` (a spec end or the lead participant) resolved to `end.ip` (and `end.hostname`). */
function noteAddress(table: NamedAddresses[], name: unknown, end: unknown): void {
  if (typeof name !== 'string' || !isJsonObject(end) || typeof end.ip !== 'string') return;
  const ip = end.ip;
  let entry = table.find((e) => e.name === name)?.addresses;
  if (entry === undefined) {
    entry = {};
    table.push({ name, addresses: entry });
  }
  if (ip.includes(':')) entry.v6 ??= ip;
  else entry.v4 ??= ip;
  const hostname = end.hostname;
  if (typeof hostname === 'string' && hostname !== name) {
    const other = table.find((e) => e.name === hostname);
    if (other === undefined) table.push({ name: hostname, addresses: entry });
    else other.addresses = entry;
  }
}

/**
 * The mapper's host lookup for one document: the addresses Logstash resolved at ingest
 * (`meta.*`) for the spec's ends and the lead participant, else IP literals. A short list, not
 * a map: a series read builds one per run.
 */
function addressLookup(doc: JsonObject): AddressLookup {
  const table: NamedAddresses[] = [];
  const meta = obj(doc.meta);
  const spec = obj(obj(doc.test).spec);
  noteAddress(table, spec.source, meta.source);
  noteAddress(table, spec.dest, meta.destination);
  const participants = obj(doc.pscheduler).participants;
  if (Array.isArray(participants)) noteAddress(table, participants[0], meta.observer);
  return (host) => table.find((e) => e.name === host)?.addresses ?? literalAddresses(host);
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

/** Event types that need the whole result (test types whose result Logstash keeps raw are not trimmed anyway). */
const WHOLE_RESULT = new Set(['pscheduler-raw']);

/** The optional result parts `eventType` does not read, per event type (computed once, not per document). */
const unneededParts = new Map<string, ReadonlySet<string>>();

function unneededPartsOf(eventType: string): ReadonlySet<string> {
  let parts = unneededParts.get(eventType);
  if (parts === undefined) {
    parts = WHOLE_RESULT.has(eventType)
      ? NOTHING
      : new Set(OPTIONAL_RESULT_PARTS.filter(([, needs]) => !needs(eventType)).map(([path]) => path));
    unneededParts.set(eventType, parts);
  }
  return parts;
}

/** `result.*` paths a read of `eventType` does not need (for `_source.excludes`). */
export function unneededResultPaths(eventType: string): string[] {
  return [...unneededPartsOf(eventType)].map((path) => `result.${path}`);
}

/**
 * What a series read of `eventType` asks OpenSearch for (`_source`): the fields the point of a
 * run is built from — test type and spec, the run's times, tool, participants, run id and href,
 * the addresses Logstash resolved, the result — without the result parts it does not read. The
 * reference, task and GeoIP members only make metadata.
 */
export function seriesSource(eventType: string): JsonObject {
  const includes = [
    'test.type',
    'test.spec',
    'pscheduler.tool',
    'pscheduler.start_time',
    'pscheduler.duration',
    'pscheduler.participants',
    'pscheduler.run_id',
    'pscheduler.run_href',
    ...['source', 'destination', 'observer'].flatMap((end) => [`meta.${end}.ip`, `meta.${end}.hostname`]),
    'result',
  ];
  const excludes = unneededResultPaths(eventType);
  return excludes.length === 0 ? { includes } : { includes, excludes };
}

/** The archiver's input for one document; with `skip`, without those result parts. */
function recordInput(doc: JsonObject, skip: ReadonlySet<string>, withReference: boolean): RecordInput {
  const test = obj(doc.test);
  const ps = obj(doc.pscheduler);
  const testType = typeof test.type === 'string' ? test.type : '';
  const tool = typeof ps.tool === 'string' ? ps.tool : '';
  if (testType === '' || tool === '') throw new MappingError('document without test.type or pscheduler.tool');
  const participants = Array.isArray(ps.participants) ? ps.participants : [];
  // The archiver's input, built directly: the envelope reader's pass over the whole document
  // (pScheduler comment members) is not needed for what Logstash indexed, and is most of the cost.
  return {
    testType,
    spec: pschedulerSpec(testType, obj(test.spec)),
    result: pschedulerResult(testType, obj(doc.result), skip),
    leadParticipant: typeof participants[0] === 'string' ? participants[0] : undefined,
    toolName: `pscheduler/${tool}`,
    // timedelta.total_seconds() of the task's ISO duration: a float (`30.0`), as the archiver sends it.
    duration: new PyFloat(
      typeof ps.duration === 'number' ? ps.duration : isoDurationSeconds(ps.duration, 'pscheduler.duration'),
    ),
    ts: isoDateSeconds(ps.start_time, 'pscheduler.start_time'),
    runHref: typeof ps.run_href === 'string' && ps.run_href !== '' ? ps.run_href : undefined,
    reference: withReference && isJsonObject(doc.reference) ? doc.reference : null,
    summaries: null,
  };
}

/**
 * Maps one document (`_source`) to the archiver's metadata body and data point.
 * @throws MappingError (from the mapper) when the document lacks what a run needs.
 */
export function mapOpenSearchDocument(source: unknown): MappedRecord {
  const doc = obj(source);
  return mapRecord(recordInput(doc, NOTHING, true), { lookup: addressLookup(doc) });
}

/** How a value decides the subject check: strings and numbers by value, anything else by its type. */
function part(v: unknown): string {
  return typeof v === 'string' ? `s${v}` : typeof v === 'number' ? `n${v}` : typeof v;
}

/**
 * What the archiver's acceptance of a run ({@link checkRecord}) depends on in a document of a
 * series: the test (the same for every run of one test checksum but for these members, listed to
 * be safe), the lead participant and the addresses Logstash resolved.
 */
function checkKey(doc: JsonObject): string {
  const spec = obj(obj(doc.test).spec);
  const participants = obj(doc.pscheduler).participants;
  const meta = obj(doc.meta);
  let key = `${part(obj(doc.test).type)}|${part(spec.source)}|${part(spec.dest)}|${part(spec['ip-version'])}`;
  key += `|${part(Array.isArray(participants) ? participants[0] : undefined)}`;
  for (const end of [meta.source, meta.destination, meta.observer])
    key += `|${part(obj(end).ip)}|${part(obj(end).hostname)}`;
  return key;
}

/**
 * The data points of the runs of one series (`_source` as {@link seriesSource} asks for it), the
 * value of `eventType` only: what {@link mapOpenSearchDocument} yields as `point` for each,
 * without building the metadata a series read throws away. The archiver's acceptance of a run
 * is checked again only when what it depends on changes from the last accepted run (the runs of
 * one test share it). The reference only makes metadata parameters, so it is left out (a series
 * read does not fetch it).
 */
export class SeriesPointMapper {
  private readonly skip: ReadonlySet<string>;
  /** {@link checkKey} of the last run the archiver accepted. */
  private accepted: string | undefined;

  constructor(private readonly eventType: string) {
    this.skip = unneededPartsOf(eventType);
  }

  /** @throws MappingError when the archiver would not have stored the run. */
  map(source: unknown): MappedRecord['point'] {
    const doc = obj(source);
    const input = recordInput(doc, this.skip, false);
    const key = checkKey(doc);
    if (key !== this.accepted) {
      checkRecord(input, { lookup: addressLookup(doc) });
      this.accepted = key;
    }
    return recordPoint(input, {}, this.eventType);
  }
}
