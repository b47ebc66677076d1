/**
 * TCP throughput as pScheduler's `throughput` test with iperf3 archives it, every 4–6 hours:
 * 20 one-second intervals with a slow-start ramp, retransmits driven by path loss, and per-stream
 * values when the test runs parallel streams. The rate is the smallest of the host NICs, a
 * single-stream host limit and the Mathis TCP bound for the path's loss and RTT, less whatever
 * the daily traffic takes.
 * @module
 */
import type { Mesh, Pair } from './mesh.js';
import {
  archivedRuns,
  conditionsAt,
  failureItem,
  reversePair,
  subject,
  type BulkItem,
  type BulkValue,
  type TestModel,
} from './model.js';
import type { Rng } from './prng.js';

const DURATION = 20;
/** What one TCP stream of a well-tuned DTN host manages on a fat pipe, bits/s. */
const STREAM_LIMIT = 28e9;
const FAILURES = [
  'iperf3 returned an error: error - the server is busy running a test. try again later',
  'Run did not complete: timed out waiting for iperf3 to finish',
];

interface Interval {
  start: number;
  duration: number;
  /** Per stream bits/s. */
  rates: number[];
  /** Per stream retransmits. */
  retransmits: number[];
}

/** The throughput/iperf3 model (TCP). */
export function throughputModel(): TestModel {
  return {
    testType: 'throughput',
    metadata(pair: Pair) {
      const parallel = pair.parallel > 1;
      return {
        ...subject(pair, 'iperf3', 'throughput'),
        'time-duration': DURATION,
        'ip-transport-protocol': 'tcp',
        'bw-parallel-streams': pair.parallel,
        'event-types': [
          { 'event-type': 'failures' },
          { 'event-type': 'throughput', summaries: [{ 'summary-type': 'average', 'summary-window': 86400 }] },
          { 'event-type': 'throughput-subintervals' },
          ...(parallel
            ? [{ 'event-type': 'streams-throughput' }, { 'event-type': 'streams-throughput-subintervals' }]
            : []),
          { 'event-type': 'packet-retransmits' },
          { 'event-type': 'packet-retransmits-subintervals' },
          ...(parallel
            ? [
                { 'event-type': 'streams-packet-retransmits' },
                { 'event-type': 'streams-packet-retransmits-subintervals' },
              ]
            : []),
          { 'event-type': 'pscheduler-run-href' },
        ],
      };
    },
    *runs(mesh: Mesh, pair: Pair, rng: Rng): Iterable<BulkItem> {
      const back = reversePair(mesh, pair);
      yield* archivedRuns(
        mesh,
        pair,
        rng,
        {
          interval: () => rng.uniform(4 * 3600, 6 * 3600),
          failureRate: 0.04,
          failures: FAILURES,
        },
        ({ ts, outcome, href }) => {
          if (outcome.kind === 'destination-down') {
            return failureItem(
              ts,
              'iperf3 returned an error: error - unable to connect to server: No route to host',
              href,
            );
          }
          return { ts, val: [...values(runIntervals(mesh, pair, back, ts, rng), pair.parallel > 1), href] };
        },
      );
    },
  };
}

/** Simulates one run second by second. */
function runIntervals(mesh: Mesh, pair: Pair, back: Pair, ts: number, rng: Rng): Interval[] {
  const fwd = conditionsAt(mesh, pair, ts);
  const rev = conditionsAt(mesh, back, ts);
  const rttS = (fwd.baseDelayMs + rev.baseDelayMs + fwd.queueMs) / 1000;
  const mssBits = (fwd.pathMtu - 52) * 8;
  const streams = pair.parallel;
  const nic = Math.min(pair.src.capacity, pair.dst.capacity) * rng.uniform(0.93, 0.985);
  const hostLimit = streams * STREAM_LIMIT;
  // Mathis et al.: one stream gets about MSS/RTT * 1.22/sqrt(p).
  const mathis = fwd.loss > 0 ? (streams * (mssBits / rttS) * 1.22) / Math.sqrt(fwd.loss) : Infinity;
  const crossTraffic = 1 - 0.4 * fwd.load * rng.uniform(0.3, 1);
  const target = Math.max(5e6, Math.min(nic * crossTraffic, hostLimit, mathis));
  // Slow start needs a few round trips per doubling: long paths ramp visibly slower.
  const ramp = 0.25 + rttS * 12;
  const shares = Array.from({ length: streams }, () => Math.max(0.3, rng.normal(1, 0.2)));
  const shareSum = shares.reduce((a, b) => a + b, 0);
  const out: Interval[] = [];
  let start = 0;
  for (let i = 0; i < DURATION; i++) {
    const duration = i === DURATION - 1 ? rng.uniform(0.99, 1.003) : 1 + rng.normal(0, 0.0002);
    const rampFactor = 1 - Math.exp(-(i + 0.5) / ramp);
    const total = target * rampFactor * (1 + rng.normal(0, 0.025));
    const rates = shares.map((s) => Math.max(0, (total * s) / shareSum) * (1 + rng.normal(0, 0.03)));
    // Overshooting the path at the end of slow start costs a burst of retransmits.
    const overshoot = i < 4 && rampFactor > 0.5 ? rng.poisson(8) : 0;
    const retransmits = rates.map((r) => rng.poisson((r * duration * fwd.loss) / mssBits + overshoot / streams + 0.02));
    out.push({ start, duration, rates, retransmits });
    start += duration;
  }
  return out;
}

/** The archived values of one run (pScheduler's esmond archiver, throughput). */
function values(intervals: Interval[], parallel: boolean): BulkValue[] {
  const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);
  const seconds = sum(intervals.map((iv) => iv.duration));
  const streams = intervals[0]?.rates.length ?? 1;
  const streamRate = (s: number): number => sum(intervals.map((iv) => (iv.rates[s] ?? 0) * iv.duration)) / seconds;
  const streamRetr = (s: number): number => sum(intervals.map((iv) => iv.retransmits[s] ?? 0));
  const all = Array.from({ length: streams }, (_, s) => s);
  const sub = (iv: Interval, val: number): { start: number; duration: number; val: number } => ({
    start: round6(iv.start),
    duration: round6(iv.duration),
    val,
  });
  const out: BulkValue[] = [
    { 'event-type': 'throughput', val: Math.round(sum(all.map(streamRate))) },
    { 'event-type': 'packet-retransmits', val: sum(all.map(streamRetr)) },
  ];
  if (parallel) {
    out.push({ 'event-type': 'streams-throughput', val: all.map((s) => Math.round(streamRate(s))) });
    // The archiver drops zero per-stream retransmit counts and omits the list when none remain.
    const retr = all.map(streamRetr).filter((r) => r > 0);
    if (retr.length > 0) out.push({ 'event-type': 'streams-packet-retransmits', val: retr });
  }
  out.push({ 'event-type': 'throughput-subintervals', val: intervals.map((iv) => sub(iv, Math.round(sum(iv.rates)))) });
  out.push({
    'event-type': 'packet-retransmits-subintervals',
    val: intervals.map((iv) => sub(iv, sum(iv.retransmits))),
  });
  if (parallel) {
    out.push({
      'event-type': 'streams-throughput-subintervals',
      val: all.map((s) => intervals.map((iv) => sub(iv, Math.round(iv.rates[s] ?? 0)))),
    });
    out.push({
      'event-type': 'streams-packet-retransmits-subintervals',
      val: all.map((s) => intervals.map((iv) => sub(iv, iv.retransmits[s] ?? 0))),
    });
  }
  return out;
}

function round6(v: number): number {
  return Math.round(v * 1e6) / 1e6;
}
