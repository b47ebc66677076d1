/**
 * The rules of `throughput` tests (iperf3, iperf2, nuttcp): the summary, per-stream lists and
 * the per-interval subintervals, TCP or UDP.
 * @module
 */
import {
  addIfExists,
  addRate,
  compareIds,
  has,
  isObj,
  truthy,
  type AddValue,
  type Obj,
  type TypeRules,
} from './common.js';

const parallelOf = (spec: Obj): number =>
  typeof spec.parallel === 'number' ? spec.parallel : Number(spec.parallel ?? 1);

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

function throughputData(spec: Obj, result: Obj, add: AddValue): void {
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
      add(
        'streams-throughput',
        sorted.map((s) => s['throughput-bits'] ?? null),
      );
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
  const whole: Record<(typeof fields)[number], Obj[]> = {
    'throughput-bits': [],
    retransmits: [],
    rtt: [],
    'tcp-window-size': [],
  };
  const perStream = Object.fromEntries(fields.map((f) => [f, new StreamSeries()])) as Record<
    (typeof fields)[number],
    StreamSeries
  >;
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
  if (perStream['throughput-bits'].byId.size > 0)
    add('streams-throughput-subintervals', perStream['throughput-bits'].sorted());
  if (udp) return;
  if (whole.retransmits.length > 0) add('packet-retransmits-subintervals', whole.retransmits);
  if (whole.rtt.length > 0) add('packet-rtt-subintervals', whole.rtt);
  if (whole['tcp-window-size'].length > 0) add('tcp-windowsize-subintervals', whole['tcp-window-size']);
  if (perStream.retransmits.byId.size > 0)
    add('streams-packet-retransmits-subintervals', perStream.retransmits.sorted());
  if (perStream.rtt.byId.size > 0) add('streams-packet-rtt-subintervals', perStream.rtt.sorted());
  if (perStream['tcp-window-size'].byId.size > 0)
    add('streams-tcp-windowsize-subintervals', perStream['tcp-window-size'].sorted());
}

export const THROUGHPUT: TypeRules = {
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
  extraMetadata: (spec, parameters) => {
    parameters['ip-transport-protocol'] = truthy(spec.udp) ? 'udp' : 'tcp';
  },
  extraData: throughputData,
};
