/**
 * iperf3 JSON (as bwctl runs it) → one esmond metadata and one bulk data point (the original esmond-ps-pipe,
 * the original esmond-ps-pipe), with the esmond/pScheduler conventions the original missed: lower-case
 * `ip-transport-protocol` and dashed `bw-ignore-first-seconds` (B28); UDP with several streams
 * (B29); per-stream subintervals stream-major with key `val`, the layout pScheduler writes and the
 * readers expect (B19).
 * @module
 */
import type { WireNewMetadata } from '../../model/wire.js';
import type { EsmondItem } from '../esmond-item.js';
import { isJsonObject as isObj, type JsonObject as Obj } from '../../model/json-object.js';

/** iperf3 output that cannot be mapped; the message names the missing member. */
export class Iperf3Error extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'Iperf3Error';
  }
}

function obj(parent: Obj, key: string, where: string): Obj {
  const v = parent[key];
  if (!isObj(v)) throw new Iperf3Error(`iperf3 JSON has no ${where}${key} object`);
  return v;
}

function num(parent: Obj, key: string, where: string): number {
  const v = parent[key];
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new Iperf3Error(`iperf3 JSON ${where}${key} is not a number`);
  return v;
}

/** The input-level facts the metadata needs besides the JSON. */
export interface Iperf3Context {
  toolName: string;
  inputSource: string;
  inputDestination: string;
  measurementAgent: string;
}

/**
 * Maps one iperf3 result.
 * @throws Iperf3Error for JSON that is not an iperf3 result (the `error` member iperf3 writes on
 * failure is quoted).
 */
export function iperf3ToEsmond(json: unknown, ctx: Iperf3Context): EsmondItem {
  if (!isObj(json)) throw new Iperf3Error('iperf3 output is not a JSON object');
  if (typeof json.error === 'string') throw new Iperf3Error(`iperf3 reported an error: ${json.error}`);
  const start = obj(json, 'start', '');
  const end = obj(json, 'end', '');
  const testStart = obj(start, 'test_start', 'start.');
  const timestamp = obj(start, 'timestamp', 'start.');
  const connected = start.connected;
  if (!Array.isArray(connected) || !isObj(connected[0])) throw new Iperf3Error('iperf3 JSON has no start.connected[0]');
  const conn = connected[0];
  const protocol = String(testStart.protocol ?? '').toLowerCase();
  if (protocol !== 'tcp' && protocol !== 'udp')
    throw new Iperf3Error(`unsupported iperf3 protocol ${JSON.stringify(testStart.protocol)} (TCP or UDP expected)`);
  const udp = protocol === 'udp';
  const streams = num(testStart, 'num_streams', 'start.test_start.');
  const multi = streams > 1;
  const ts = Math.trunc(num(timestamp, 'timesecs', 'start.timestamp.'));
  if (typeof conn.local_host !== 'string' || typeof conn.remote_host !== 'string') {
    throw new Iperf3Error('iperf3 JSON start.connected[0] lacks local_host/remote_host');
  }

  const eventTypes = ['throughput', 'throughput-subintervals', 'packet-retransmits-subintervals'];
  if (multi) {
    if (!udp) eventTypes.push('streams-packet-retransmits', 'streams-packet-retransmits-subintervals');
    eventTypes.push('streams-throughput', 'streams-throughput-subintervals');
  }
  eventTypes.push(...(udp ? ['packet-count-lost', 'packet-count-sent', 'packet-loss-rate'] : ['packet-retransmits']));

  const metadata: WireNewMetadata = {
    'subject-type': 'point-to-point',
    source: conn.local_host,
    destination: conn.remote_host,
    'tool-name': `bwctl/${ctx.toolName}`,
    'measurement-agent': ctx.measurementAgent,
    'input-source': ctx.inputSource,
    'input-destination': ctx.inputDestination,
    'event-types': eventTypes.map((et) => ({ 'event-type': et, summaries: [] })),
  };
  if (typeof testStart.duration === 'number' && testStart.duration !== 0)
    metadata['time-duration'] = testStart.duration;
  metadata['ip-transport-protocol'] = protocol;
  metadata['bw-parallel-streams'] = streams;
  if (typeof testStart.omit === 'number') metadata['bw-ignore-first-seconds'] = testStart.omit;

  const intervals = Array.isArray(json.intervals) ? json.intervals.filter(isObj) : [];
  const sums = intervals.map((iv, i) => {
    if (!isObj(iv.sum)) throw new Iperf3Error(`iperf3 JSON intervals[${i}] has no sum`);
    return iv.sum;
  });
  const sub = (s: Obj, val: unknown) => ({ start: s.start, duration: s.seconds, val });
  const values: EsmondItem['values'] = [];
  const add = (et: string, val: unknown): void => void values.push({ 'event-type': et, val });

  if (udp) {
    const sum = obj(end, 'sum', 'end.');
    add('throughput', num(sum, 'bits_per_second', 'end.sum.'));
  } else {
    add('throughput', num(obj(end, 'sum_received', 'end.'), 'bits_per_second', 'end.sum_received.'));
  }
  if (sums.length > 0)
    add(
      'throughput-subintervals',
      sums.map((s) => sub(s, s.bits_per_second)),
    );
  if (udp) {
    const sum = obj(end, 'sum', 'end.');
    const lost = sum.lost_packets;
    const sent = sum.packets;
    if (typeof lost === 'number') add('packet-count-lost', lost);
    if (typeof sent === 'number') add('packet-count-sent', sent);
    if (typeof lost === 'number' && typeof sent === 'number' && sent > 0)
      add('packet-loss-rate', { numerator: lost, denominator: sent });
  } else {
    add('packet-retransmits', num(obj(end, 'sum_sent', 'end.'), 'retransmits', 'end.sum_sent.'));
  }
  if (sums.length > 0)
    add(
      'packet-retransmits-subintervals',
      sums.map((s) => sub(s, udp ? null : (s.retransmits ?? null))),
    );

  if (multi) {
    const endStreams = Array.isArray(end.streams) ? end.streams.filter(isObj) : [];
    const side = (s: Obj, key: string): Obj => (isObj(s[key]) ? s[key] : {});
    // Per stream (by position in the interval lists), its series across intervals.
    const perStream = (field: string): Obj[][] => {
      const out: Obj[][] = [];
      intervals.forEach((iv) => {
        const list = Array.isArray(iv.streams) ? iv.streams.filter(isObj) : [];
        list.forEach((s, i) => (out[i] ??= []).push(sub(s, s[field] ?? null)));
      });
      return out;
    };
    if (!udp) {
      add(
        'streams-packet-retransmits',
        endStreams.map((s) => side(s, 'sender').retransmits ?? null),
      );
      if (intervals.length > 0) add('streams-packet-retransmits-subintervals', perStream('retransmits'));
    }
    add(
      'streams-throughput',
      endStreams.map((s) => (udp ? side(s, 'udp') : side(s, 'receiver')).bits_per_second ?? null),
    );
    if (intervals.length > 0) add('streams-throughput-subintervals', perStream('bits_per_second'));
  }
  return { metadata, ts, values };
}
