/**
 * One-way latency as perfSONAR's background `latencybg` test with powstream archives it: one
 * result per minute of 600 packets (10 per second), one-way delay histogram in 0.01 ms buckets,
 * TTL histogram, loss/duplicate/reorder counts and the hosts' clock-error estimate.
 * @module
 */
import type { Mesh, Pair } from './mesh.js';
import {
  aggregations,
  archivedRuns,
  conditionsAt,
  failureItem,
  histogram,
  lostPackets,
  statistics,
  subject,
  type BulkItem,
  type TestModel,
} from './model.js';
import type { Rng } from './prng.js';

const PACKETS = 600;
const FAILURES = [
  'powstream exited with status 1: Unable to start session: Connection timed out',
  'Test produced no results: owampd on the far end refused the session',
];

/** The latencybg/powstream model; `interval` is seconds between archived results (powstream: 60). */
export function latencyModel(interval: number): TestModel {
  return {
    testType: 'latencybg',
    metadata(pair: Pair) {
      return {
        ...subject(pair, 'powstream', 'latencybg'),
        'time-duration': interval,
        'sample-size': PACKETS,
        'time-probe-interval': interval / PACKETS,
        'sample-bucket-width': 0.0001,
        'event-types': [
          { 'event-type': 'failures' },
          { 'event-type': 'packet-count-sent', summaries: aggregations(300, 3600, 86400) },
          {
            'event-type': 'histogram-owdelay',
            summaries: [...aggregations(300, 3600, 86400), ...statistics(0, 300, 3600, 86400)],
          },
          { 'event-type': 'histogram-ttl' },
          { 'event-type': 'packet-duplicates' },
          { 'event-type': 'packet-loss-rate', summaries: aggregations(300, 3600, 86400) },
          { 'event-type': 'packet-count-lost', summaries: aggregations(300, 3600, 86400) },
          { 'event-type': 'packet-reorders' },
          { 'event-type': 'time-error-estimates' },
          { 'event-type': 'pscheduler-run-href' },
        ],
      };
    },
    *runs(mesh: Mesh, pair: Pair, rng: Rng): Iterable<BulkItem> {
      // The sender-side clock drifts slowly; a random walk keeps consecutive estimates close.
      let clockError = pair.src.clockErrorMs + pair.dst.clockErrorMs;
      yield* archivedRuns(
        mesh,
        pair,
        rng,
        { interval: () => interval, failureRate: 0.002, failures: FAILURES },
        ({ ts, outcome, href }) => {
          if (outcome.kind === 'destination-down') {
            return failureItem(ts, `Unable to contact ${pair.dst.hostname}: Connection timed out`, href);
          }
          const c = conditionsAt(mesh, pair, ts);
          const lost = lostPackets(rng, PACKETS, c.loss);
          const received = PACKETS - lost;
          const jitterMs = 0.004 + 0.03 * c.load;
          const delays: number[] = new Array<number>(received);
          for (let i = 0; i < received; i++) {
            delays[i] = c.baseDelayMs + rng.exponential(c.queueMs + jitterMs);
          }
          clockError = Math.min(10, Math.max(0.01, clockError + rng.normal(0, 0.02)));
          const duplicates = rng.chance(0.003) ? rng.int(1, 3) : 0;
          const reorders = c.queueMs > 0.2 && rng.chance(0.05) ? rng.int(1, 4) : 0;
          const val: BulkItem['val'] = [{ 'event-type': 'time-error-estimates', val: round(clockError, 6) }];
          val.push({ 'event-type': 'packet-duplicates', val: duplicates });
          if (received > 0) {
            // The archiver skips empty histograms, so a run that lost everything has none.
            val.push({ 'event-type': 'histogram-owdelay', val: histogram(delays, 2) });
            val.push({ 'event-type': 'histogram-ttl', val: { [String(255 - c.routers)]: received } });
          }
          val.push({ 'event-type': 'packet-count-sent', val: PACKETS });
          val.push({ 'event-type': 'packet-reorders', val: reorders });
          val.push({ 'event-type': 'packet-count-lost', val: lost });
          val.push({ 'event-type': 'packet-loss-rate', val: { numerator: lost, denominator: PACKETS } });
          val.push(href);
          return { ts, val };
        },
      );
    },
  };
}

function round(v: number, decimals: number): number {
  const s = 10 ** decimals;
  return Math.round(v * s) / s;
}
