/**
 * pScheduler result → esmond metadata + one data point, exactly as pScheduler's `esmond` archiver
 * builds them (perfsonar5 spec §3.3–§3.4). Pure: no I/O; host names are looked up through an
 * injected synchronous {@link AddressLookup}.
 * @module
 */
import { PyFloat } from '../../model/py-float.js';
import type { WireNewEventType, WireNewMetadata } from '../../model/wire.js';
import type { EsmondValue } from '../esmond-item.js';
import { isJsonObject as isObj, type JsonObject as Obj } from '../../model/json-object.js';
import { commonFamily, literalAddresses, urlHost, type AddressLookup } from './addresses.js';
import { formatFixed2, isoDurationSeconds, MappingError, UnresolvedHostError } from './iso.js';

/** `data-formatting-policy` of the esmond archive spec. */
export type FormattingPolicy = 'prefer-mapped' | 'mapped-and-raw' | 'mapped-only' | 'raw-only';
/** Every `data-formatting-policy` value, default first. */
export const FORMATTING_POLICIES: readonly FormattingPolicy[] = ['prefer-mapped', 'mapped-and-raw', 'mapped-only', 'raw-only'];

/** A summary as the archive spec lists it (`data.summaries`). */
export interface ArchiverSummary {
  'event-type': string;
  'summary-type': string;
  'summary-window': number;
}

/** Everything the archiver takes from one run (the inputs of its record classes). */
export interface RecordInput {
  testType: string;
  spec: Record<string, unknown>;
  /** The test result (`{}` when the run produced none). */
  result: Record<string, unknown>;
  leadParticipant: string | undefined;
  /** The archive spec's `measurement-agent`, if any. */
  measurementAgent?: string | undefined;
  /** Stored as `tool-name`: `pscheduler/<tool>` for real runs. */
  toolName: string;
  /**
   * Seconds of the schedule's duration, sent as `time-duration`: a {@link PyFloat} as the archiver
   * computes it from the ISO duration (`30.0`); a plain number is sent as a Python int (the
   * upstream unit test passes ints).
   */
  duration: number | PyFloat;
  /** UNIX seconds of the run's start. */
  ts: number;
  runHref?: string | undefined;
  reference?: Record<string, unknown> | null | undefined;
  /** `data.summaries`: replaces the default summary table when non-empty. */
  summaries?: readonly ArchiverSummary[] | null | undefined;
  policy?: FormattingPolicy | undefined;
}

/** Options that change the record beyond the archiver's own inputs. */
export interface RecordOptions {
  lookup?: AddressLookup;
  /**
   * Build raw records with the spec's `source`/`dest` (point-to-point), as the archiver's unit
   * test does; the real archiver builds them as network-element records. @defaultValue false
   */
  rawPointToPoint?: boolean;
  /** Add `pscheduler-raw` after construction (the unit test's `enable_data_raw`). */
  addRaw?: boolean;
  /**
   * Also declare every event type the data point carries but the archiver leaves undeclared
   * (`packet-rtt`, `tcp-windowsize`, …), so an esmond archive stores them. @defaultValue false
   */
  declareAll?: boolean;
}

/** One value of the bulk data point. */
export type PointValue = EsmondValue;

/** The archiver's output for one run. */
export interface MappedRecord {
  /** The metadata POST body (`source`/`measurement-agent` are always IP addresses here). */
  metadata: WireNewMetadata;
  /** The single data point of the bulk PUT. */
  point: { ts: number; val: PointValue[] };
}

const FAILURE_TEXT = 'The test failed for an unspecified reason. See the server logs of the testing host(s).';

const agg = (et: string, windows: number[]): ArchiverSummary[] =>
  windows.map((w) => ({ 'event-type': et, 'summary-type': 'aggregation', 'summary-window': w }));
const stats = (et: string, windows: number[]): ArchiverSummary[] =>
  windows.map((w) => ({ 'event-type': et, 'summary-type': 'statistics', 'summary-window': w }));

/** The archiver's default summaries (spec §3.3; differs from elmond's table). */
export const DEFAULT_SUMMARIES: Readonly<Record<string, readonly ArchiverSummary[]>> = {
  throughput: [{ 'event-type': 'throughput', 'summary-type': 'average', 'summary-window': 86400 }],
  'packet-loss-rate': agg('packet-loss-rate', [300, 3600, 86400]),
  'packet-count-sent': agg('packet-count-sent', [300, 3600, 86400]),
  'packet-count-lost': agg('packet-count-lost', [300, 3600, 86400]),
  'packet-count-lost-bidir': agg('packet-count-lost-bidir', [300, 3600, 86400]),
  'packet-loss-rate-bidir': agg('packet-loss-rate-bidir', [3600, 86400]),
  'histogram-owdelay': [...agg('histogram-owdelay', [300, 3600, 86400]), ...stats('histogram-owdelay', [0, 300, 3600, 86400])],
  'histogram-rtt': [...stats('histogram-rtt', [0, 3600, 86400]), ...agg('histogram-rtt', [3600, 86400])],
};

/** `timedelta.total_seconds()` of an ISO duration: always a Python float (`1.0`, not `1`). */
const floatSeconds = (v: unknown, field: string): PyFloat => new PyFloat(isoDurationSeconds(v, field));

/** Python truthiness, which the archiver's `if x:` tests rely on. */
const truthy = (v: unknown): boolean =>
  v instanceof PyFloat
    ? v.value !== 0
    : !(v === undefined || v === null || v === false || v === 0 || v === '' || (Array.isArray(v) && v.length === 0) || (isObj(v) && Object.keys(v).length === 0));
const has = (o: Obj, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);
const parallelOf = (spec: Obj): number => (typeof spec.parallel === 'number' ? spec.parallel : Number(spec.parallel ?? 1));

/** The test-type specifics: declared event types, spec → metadata map, data. */
interface TypeRules {
  eventTypes(spec: Obj): string[];
  fieldMap: Readonly<Record<string, string>>;
  extraMetadata?(spec: Obj, md: Obj): void;
  dataFieldMap?: Readonly<Record<string, string>>;
  extraData?(spec: Obj, result: Obj, add: (et: string, val: unknown) => void): void;
}

/** Python's `int(x)` succeeds (ints, integral-free floats truncated, integer strings). */
function intParsable(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return Math.trunc(v);
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string' && /^\s*[+-]?\d+(?:_\d+)*\s*$/.test(v)) return Number(v.replace(/_/g, ''));
  return undefined;
}

/** The rate rule: both present, non-null, int-parsable, denominator ≠ 0; values kept as given. */
function addRate(add: (et: string, v: unknown) => void, et: string, o: Obj, num: string, den: string): void {
  if (!has(o, num) || !has(o, den) || o[num] === null || o[den] === null) return;
  const n = intParsable(o[num]);
  const d = intParsable(o[den]);
  if (n === undefined || d === undefined || d === 0) return;
  add(et, { numerator: o[num], denominator: o[den] });
}

function addIfExists(add: (et: string, v: unknown) => void, et: string, o: Obj, field: string): void {
  if (has(o, field) && o[field] !== null && o[field] !== undefined) add(et, o[field]);
}

/** Sort order of `sorted()` over stream ids (numbers numerically, otherwise as text). */
function compareIds(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const x = String(a);
  const y = String(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

const LATENCY: TypeRules = {
  eventTypes: () => [
    'failures',
    'packet-count-sent',
    'histogram-owdelay',
    'histogram-ttl',
    'packet-duplicates',
    'packet-loss-rate',
    'packet-count-lost',
    'packet-reorders',
    'time-error-estimates',
  ],
  fieldMap: {
    'packet-count': 'sample-size',
    'bucket-width': 'sample-bucket-width',
    'packet-interval': 'time-probe-interval',
    'packet-timeout': 'time-probe-timeout',
    'ip-tos': 'ip-tos',
    flip: 'mode-flip',
    'packet-padding': 'ip-packet-padding',
    'single-participant-mode': 'mode-single-participant',
  },
  dataFieldMap: {
    'histogram-latency': 'histogram-owdelay',
    'histogram-ttl': 'histogram-ttl',
    'packets-sent': 'packet-count-sent',
    'packets-lost': 'packet-count-lost',
    'packets-reordered': 'packet-reorders',
    'packets-duplicated': 'packet-duplicates',
    'max-clock-error': 'time-error-estimates',
  },
  extraData: (_spec, result, add) => { addRate(add, 'packet-loss-rate', result, 'packets-lost', 'packets-sent'); },
};

/** Per-stream series of one quantity across intervals, keyed by stream id. */
class StreamSeries {
  readonly byId = new Map<unknown, Obj[]>();
  touch(id: unknown): Obj[] {
    let list = this.byId.get(id);
    if (list === undefined) this.byId.set(id, (list = []));
    return list;
  }
  sorted(): Obj[][] {
    return [...this.byId.entries()].sort(([a], [b]) => compareIds(a, b)).map(([, list]) => list);
  }
}

function throughputData(spec: Obj, result: Obj, add: (et: string, v: unknown) => void): void {
  const udp = truthy(spec.udp);
  const parallel = has(spec, 'parallel') && parallelOf(spec) > 1;
  const summaryBlock = result.summary;
  if (truthy(summaryBlock) && isObj(summaryBlock)) {
    const summary = summaryBlock.summary;
    if (truthy(summary) && isObj(summary)) {
      addIfExists(add, 'throughput', summary, 'throughput-bits');
      if (udp) {
        addIfExists(add, 'packet-count-sent', summary, 'sent');
        addIfExists(add, 'packet-count-lost', summary, 'lost');
        addRate(add, 'packet-loss-rate', summary, 'lost', 'sent');
      } else {
        addIfExists(add, 'packet-retransmits', summary, 'retransmits');
        addIfExists(add, 'packet-rtt', summary, 'rtt');
        addIfExists(add, 'tcp-windowsize', summary, 'tcp-window-size');
      }
    }
    const streams = summaryBlock.streams;
    if (truthy(streams) && Array.isArray(streams) && parallel) {
      const sorted = streams.filter(isObj).sort((a, b) => compareIds(a['stream-id'], b['stream-id']));
      add('streams-throughput', sorted.map((s) => s['throughput-bits'] ?? null));
      if (!udp) {
        for (const [field, et] of [
          ['retransmits', 'streams-packet-retransmits'],
          ['rtt', 'streams-packet-rtt'],
          ['tcp-window-size', 'streams-tcp-windowsize'],
        ] as const) {
          // Only truthy values: a zero is dropped, so the list may be shorter than the streams.
          const values = sorted.filter((s) => truthy(s[field])).map((s) => s[field]);
          if (values.length > 0) add(et, values);
        }
      }
    }
  }
  const intervals = result.intervals;
  if (!truthy(intervals) || !Array.isArray(intervals)) return;
  const fields = ['throughput-bits', 'retransmits', 'rtt', 'tcp-window-size'] as const;
  const whole: Record<(typeof fields)[number], Obj[]> = { 'throughput-bits': [], retransmits: [], rtt: [], 'tcp-window-size': [] };
  const perStream = Object.fromEntries(fields.map((f) => [f, new StreamSeries()])) as Record<(typeof fields)[number], StreamSeries>;
  for (const interval of intervals) {
    if (!isObj(interval)) continue;
    const sum = interval.summary;
    if (truthy(sum) && isObj(sum)) {
      const { start, end } = sum;
      // The archiver's `continue` here also skips this interval's streams.
      if (start === null || start === undefined || end === null || end === undefined) continue;
      const duration = (end as number) - (start as number);
      for (const f of fields) {
        if (sum[f] !== null && sum[f] !== undefined) whole[f].push({ start, duration, val: sum[f] });
      }
    }
    const streams = interval.streams;
    if (truthy(streams) && Array.isArray(streams) && parallel) {
      for (const stream of streams) {
        if (!isObj(stream)) continue;
        const { start, end } = stream;
        if (start === null || start === undefined || end === null || end === undefined) continue;
        const id = stream['stream-id'];
        if (id === null || id === undefined) continue;
        const duration = (end as number) - (start as number);
        for (const f of fields) {
          const list = perStream[f].touch(id);
          if (stream[f] !== null && stream[f] !== undefined) list.push({ start, duration, val: stream[f] });
        }
      }
    }
  }
  if (whole['throughput-bits'].length > 0) add('throughput-subintervals', whole['throughput-bits']);
  if (perStream['throughput-bits'].byId.size > 0) add('streams-throughput-subintervals', perStream['throughput-bits'].sorted());
  if (udp) return;
  if (whole.retransmits.length > 0) add('packet-retransmits-subintervals', whole.retransmits);
  if (whole.rtt.length > 0) add('packet-rtt-subintervals', whole.rtt);
  if (whole['tcp-window-size'].length > 0) add('tcp-windowsize-subintervals', whole['tcp-window-size']);
  if (perStream.retransmits.byId.size > 0) add('streams-packet-retransmits-subintervals', perStream.retransmits.sorted());
  if (perStream.rtt.byId.size > 0) add('streams-packet-rtt-subintervals', perStream.rtt.sorted());
  if (perStream['tcp-window-size'].byId.size > 0) add('streams-tcp-windowsize-subintervals', perStream['tcp-window-size'].sorted());
}

const THROUGHPUT: TypeRules = {
  eventTypes: (spec) => {
    const parallel = has(spec, 'parallel') && parallelOf(spec) > 1;
    const ets = ['failures', 'throughput', 'throughput-subintervals'];
    if (parallel) ets.push('streams-throughput', 'streams-throughput-subintervals');
    if (truthy(spec.udp)) ets.push('packet-loss-rate', 'packet-count-lost', 'packet-count-sent');
    else {
      ets.push('packet-retransmits', 'packet-retransmits-subintervals');
      if (parallel) ets.push('streams-packet-retransmits', 'streams-packet-retransmits-subintervals');
    }
    return ets;
  },
  fieldMap: {
    tos: 'ip-tos',
    dscp: 'ip-dscp',
    'buffer-length': 'bw-buffer-size',
    parallel: 'bw-parallel-streams',
    bandwidth: 'bw-target-bandwidth',
    'window-size': 'tcp-window-size',
    'dynamic-window-size': 'tcp-dynamic-window-size',
    mss: 'tcp-max-segment-size',
    omit: 'bw-ignore-first-seconds',
  },
  extraMetadata: (spec, md) => {
    md['ip-transport-protocol'] = truthy(spec.udp) ? 'udp' : 'tcp';
  },
  extraData: throughputData,
};

function traceData(spec: Obj, result: Obj, add: (et: string, v: unknown) => void): void {
  const paths = result.paths;
  if (!Array.isArray(paths)) throw new MappingError('trace result has no "paths" list');
  const all: Obj[][] = [];
  let first: Obj[] | undefined;
  let mtu: unknown = undefined; // carried over from hop to hop, across paths too
  let pmtu: number | undefined;
  for (const path of paths) {
    if (!Array.isArray(path)) throw new MappingError('trace result "paths" must be a list of lists of hops');
    const hops = path.map((hop, i): Obj => {
      if (!isObj(hop)) throw new MappingError(`trace hop ${i + 1} is not an object`);
      const out: Obj = { ttl: i + 1, query: 1 };
      if (truthy(hop.error)) {
        out.success = 0;
        out['error-message'] = hop.error;
      } else out.success = 1;
      if (truthy(hop.ip)) out.ip = hop.ip;
      if (truthy(hop.hostname)) out.hostname = hop.hostname;
      if (truthy(hop.as)) out.as = hop.as;
      if (hop.rtt !== undefined && hop.rtt !== null) out.rtt = isoDurationSeconds(hop.rtt, `trace hop ${i + 1} rtt`) * 1000;
      if (hop.mtu !== undefined && hop.mtu !== null) {
        out.mtu = hop.mtu;
        mtu = hop.mtu;
        if (typeof hop.mtu === 'number' && (pmtu === undefined || pmtu > hop.mtu)) pmtu = hop.mtu;
      } else if (mtu !== undefined) out.mtu = mtu;
      return out;
    });
    all.push(hops);
    if (first === undefined && hops.length > 0) first = hops;
  }
  if (first !== undefined) add('packet-trace', first);
  if (pmtu !== undefined) add('path-mtu', pmtu);
  if (spec.algorithm === 'paris-traceroute' && all.length > 0) add('packet-trace-multi', all);
}

const TRACE: TypeRules = {
  eventTypes: (spec) => ['failures', 'packet-trace', 'path-mtu', ...(spec.algorithm === 'paris-traceroute' ? ['packet-trace-multi'] : [])],
  fieldMap: {
    algorithm: 'trace-algorithm',
    'first-ttl': 'trace-first-ttl',
    fragment: 'ip-fragment',
    hops: 'trace-max-ttl',
    length: 'ip-packet-size',
    'probe-type': 'ip-transport-protocol',
    queries: 'trace-num-queries',
    tos: 'ip-tos',
  },
  extraMetadata: (spec, md) => {
    if (truthy(spec.sendwait)) md['time-probe-interval'] = floatSeconds(spec.sendwait, 'spec sendwait');
    if (truthy(spec.wait)) md['time-test-timeout'] = floatSeconds(spec.wait, 'spec wait');
  },
  extraData: traceData,
};

function rttData(_spec: Obj, result: Obj, add: (et: string, v: unknown) => void): void {
  const rtts: Record<string, number> = {};
  const ttls: Record<string, number> = {};
  const trips = result.roundtrips ?? [];
  if (!Array.isArray(trips)) throw new MappingError('rtt result "roundtrips" must be a list');
  trips.forEach((rt, i) => {
    if (!isObj(rt)) throw new MappingError(`rtt round trip ${i + 1} is not an object`);
    if (truthy(rt.rtt)) {
      const key = formatFixed2(isoDurationSeconds(rt.rtt, `round trip ${i + 1} rtt`) * 1000);
      rtts[key] = (rtts[key] ?? 0) + 1;
    }
    if (truthy(rt.ttl)) {
      const key = String(rt.ttl);
      ttls[key] = (ttls[key] ?? 0) + 1;
    }
  });
  if (Object.keys(rtts).length > 0) add('histogram-rtt', rtts);
  if (Object.keys(ttls).length > 0) add('histogram-ttl-reverse', ttls);
  addRate(add, 'packet-loss-rate-bidir', result, 'lost', 'sent');
}

const RTT: TypeRules = {
  eventTypes: () => [
    'failures',
    'packet-count-sent',
    'histogram-rtt',
    'histogram-ttl-reverse',
    'packet-duplicates-bidir',
    'packet-loss-rate-bidir',
    'packet-count-lost-bidir',
    'packet-reorders-bidir',
  ],
  fieldMap: { count: 'sample-size', flowlabel: 'ip-packet-flowlabel', tos: 'ip-tos', length: 'ip-packet-size', ttl: 'ip-ttl' },
  extraMetadata: (spec, md) => {
    if (truthy(spec.interval)) md['time-probe-interval'] = floatSeconds(spec.interval, 'spec interval');
    if (truthy(spec.timeout)) md['time-test-timeout'] = floatSeconds(spec.timeout, 'spec timeout');
    if (truthy(spec.deadline)) md['time-probe-timeout'] = floatSeconds(spec.deadline, 'spec deadline');
  },
  dataFieldMap: { sent: 'packet-count-sent', lost: 'packet-count-lost-bidir', duplicates: 'packet-duplicates-bidir', reorders: 'packet-reorders-bidir' },
  extraData: rttData,
};

/**
 * Flattens a value into metadata parameters: objects → `-key` (keys starting with `_` skipped),
 * lists → `-index` (list items kept whole). Nulls are dropped, since no archive can store them.
 */
export function flattenParameters(md: Obj, key: string, val: unknown): void {
  if (Array.isArray(val)) {
    val.forEach((v, i) => {
      if (v !== null && v !== undefined) md[`${key}-${i}`] = v;
    });
  } else if (isObj(val) && !(val instanceof PyFloat)) {
    for (const [k, v] of Object.entries(val)) if (!k.startsWith('_')) flattenParameters(md, `${key}-${k}`, v);
  } else if (val !== null && val !== undefined) md[key] = val;
}

/** Every spec member as `pscheduler-<type>-<field>` (private `_` members left out). */
function specAsParameters(testType: string, spec: Obj, md: Obj): void {
  for (const [field, val] of Object.entries(spec)) {
    if (!field.startsWith('_')) flattenParameters(md, `pscheduler-${testType}-${field}`, val);
  }
}

const RAW: TypeRules = { eventTypes: () => ['pscheduler-raw'], fieldMap: {} };

const DISK_TO_DISK: TypeRules = {
  eventTypes: () => ['failures', 'throughput'],
  fieldMap: { parallel: 'bw-parallel-streams' },
  extraData: (_spec, result, add) => {
    if (result.throughput !== undefined && result.throughput !== null) {
      const v = Number(result.throughput);
      if (!Number.isFinite(v)) throw new MappingError('disk-to-disk result "throughput" is not a number');
      add('throughput', v);
    }
  },
};

/**
 * The error for hosts without usable addresses: {@link UnresolvedHostError} (it may pass) when a
 * host name is involved, a plain {@link MappingError} when only IP literals are (they never change).
 */
function resolutionError(message: string, hosts: readonly (string | undefined)[]): MappingError {
  const names = hosts.filter((h): h is string => h !== undefined && literalAddresses(h).v4 === undefined && literalAddresses(h).v6 === undefined);
  return names.length > 0 ? new UnresolvedHostError(message, [...new Set(names)]) : new MappingError(message);
}

/** Which record class the archiver would use for a test type under a policy. */
function rulesFor(testType: string, policy: FormattingPolicy): { rules: TypeRules; raw: boolean; d2d: boolean } {
  if (policy !== 'raw-only') {
    if (testType === 'latency' || testType === 'latencybg') return { rules: LATENCY, raw: false, d2d: false };
    if (testType === 'throughput') return { rules: THROUGHPUT, raw: false, d2d: false };
    if (testType === 'trace') return { rules: TRACE, raw: false, d2d: false };
    if (testType === 'rtt') return { rules: RTT, raw: false, d2d: false };
    if (testType === 'disk-to-disk') return { rules: DISK_TO_DISK, raw: false, d2d: true };
    if (policy === 'mapped-only') {
      throw new MappingError(
        `Unable to store result because 'mapped-only' policy is being used and the test is of an unrecognized type ${testType}`,
      );
    }
  }
  return { rules: RAW, raw: true, d2d: false };
}

/**
 * Maps one run to the archiver's metadata and data point.
 * @throws MappingError when the run cannot be mapped (no common address family, malformed
 * result members such as a trace without `paths`, `mapped-only` with an unknown type).
 */
export function mapRecord(input: RecordInput, options: RecordOptions = {}): MappedRecord {
  const lookup = options.lookup ?? literalAddresses;
  const policy = input.policy ?? 'prefer-mapped';
  const { spec, result, testType } = input;
  const { rules, raw, d2d } = rulesFor(testType, policy);
  const md: Obj = { 'pscheduler-test-type': testType };

  // Subject: who measured what.
  const ipVersion = spec['ip-version'];
  let inputSource: string | undefined;
  let inputDest: string | undefined;
  if (d2d) {
    inputSource = urlHost(spec.source) ?? (has(spec, 'source') ? input.measurementAgent : undefined) ?? input.leadParticipant;
    inputDest = urlHost(spec.dest) ?? (has(spec, 'dest') ? input.measurementAgent : undefined) ?? input.leadParticipant;
  } else {
    const src = raw && !options.rawPointToPoint ? undefined : spec.source;
    inputSource = typeof src === 'string' ? src : input.leadParticipant;
    if (!raw || options.rawPointToPoint) {
      if (typeof spec.dest !== 'string') throw new MappingError(`${testType} spec has no "dest"`);
      inputDest = spec.dest;
    }
  }
  if (inputSource === undefined) throw new MappingError('no source: the spec has none and there is no lead participant');
  md['subject-type'] = inputDest === undefined ? 'network-element' : 'point-to-point';
  const [srcIp, dstIp] = commonFamily(inputSource, inputDest ?? inputSource, lookup, ipVersion);
  if (srcIp === undefined || dstIp === undefined) {
    throw resolutionError(
      inputDest === undefined
        ? `cannot resolve source ${JSON.stringify(inputSource)} to an IP address`
        : `cannot resolve source ${JSON.stringify(inputSource)} and destination ${JSON.stringify(inputDest)} to addresses of one IP family`,
      [inputSource, inputDest],
    );
  }
  md.source = srcIp;
  if (inputDest !== undefined) {
    md.destination = dstIp;
    md['input-destination'] = inputDest;
  }
  md['input-source'] = inputSource;
  const agentHost = input.measurementAgent ?? input.leadParticipant;
  if (agentHost === undefined) throw new MappingError('no measurement agent and no lead participant');
  const [, agentIp] = commonFamily(srcIp, agentHost, lookup);
  const own = lookup(agentHost);
  const agent = agentIp ?? own.v4 ?? own.v6;
  if (agent === undefined) throw resolutionError(`cannot resolve measurement agent ${JSON.stringify(agentHost)} to an IP address`, [agentHost]);
  md['measurement-agent'] = agent;
  md['tool-name'] = input.toolName;
  md['time-duration'] = input.duration;

  // Event types and their summaries.
  const summaryMap: Record<string, readonly ArchiverSummary[]> = {};
  if (input.summaries && input.summaries.length > 0) {
    for (const s of input.summaries) summaryMap[s['event-type']] = [...(summaryMap[s['event-type']] ?? []), s];
  } else Object.assign(summaryMap, DEFAULT_SUMMARIES);
  const eventTypes: WireNewEventType[] = [];
  const declare = (et: string, withSummaries: boolean): void => {
    const entry: WireNewEventType = { 'event-type': et };
    const sums = withSummaries ? summaryMap[et] : undefined;
    if (sums !== undefined) entry.summaries = sums.map((s) => ({ ...s }));
    eventTypes.push(entry);
  };
  for (const et of rules.eventTypes(spec)) declare(et, true);
  if (input.runHref !== undefined) declare('pscheduler-run-href', true);

  // Parameters from the spec and the reference.
  for (const [field, name] of Object.entries(rules.fieldMap)) {
    if (has(spec, field) && spec[field] !== null) md[name] = spec[field];
  }
  rules.extraMetadata?.(spec, md);
  if (raw || d2d) specAsParameters(testType, spec, md);
  if (isObj(input.reference)) {
    for (const [k, v] of Object.entries(input.reference)) if (!k.startsWith('_')) flattenParameters(md, `pscheduler-reference-${k}`, v);
  }

  // The data point.
  const val: PointValue[] = [];
  const add = (et: string, v: unknown): void => void val.push({ 'event-type': et, val: v });
  if (truthy(result.succeeded)) {
    for (const [field, et] of Object.entries(rules.dataFieldMap ?? {})) {
      if (!has(result, field)) continue;
      const v = result[field];
      if (isObj(v) && Object.keys(v).length === 0) continue; // esmond refuses empty objects
      add(et, v);
    }
    if (raw) add('pscheduler-raw', result);
    else rules.extraData?.(spec, result, add);
  } else {
    add('failures', { error: truthy(result.error) ? result.error : FAILURE_TEXT });
  }
  if (input.runHref !== undefined) add('pscheduler-run-href', { href: input.runHref });
  if (!raw && (d2d || policy === 'mapped-and-raw' || options.addRaw)) {
    declare('pscheduler-raw', false);
    add('pscheduler-raw', result);
  }
  if (options.declareAll) {
    const declared = new Set(eventTypes.map((e) => e['event-type']));
    for (const v of val) {
      if (!declared.has(v['event-type'])) {
        declared.add(v['event-type']);
        declare(v['event-type'], false);
      }
    }
  }
  md['event-types'] = eventTypes;
  return { metadata: md as unknown as WireNewMetadata, point: { ts: input.ts, val } };
}

/** The values of a point whose event type the metadata declares (the ones esmond stores). */
export function declaredValues(record: MappedRecord): PointValue[] {
  const declared = new Set(record.metadata['event-types'].map((e) => e['event-type']));
  return record.point.val.filter((v) => declared.has(v['event-type']));
}
