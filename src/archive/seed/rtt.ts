/**
 * Round-trip time as pScheduler's `rtt` test with ping archives it: 10 echo requests one second
 * apart every few minutes, RTT histogram with two-decimal millisecond keys, reply TTLs, and the
 * `-bidir` loss/duplicate/reorder counts. A dead destination gives 100 % loss, not a failure,
 * exactly as ping reports it.
 * @module
 */
import type { Mesh, Pair } from './mesh.js';
import {
  aggregations,
  archivedRuns,
  conditionsAt,
  histogram,
  reversePair,
  statistics,
  subject,
  UNSPECIFIED_FAILURE,
  type BulkItem,
  type TestModel,
} from './model.js';
import type { Rng } from './prng.js';

const COUNT = 10;
/** Linux answers echo requests with TTL 64. */
const REPLY_TTL = 64;

/** The rtt/ping model; one run every `interval` seconds (jittered by ±10 %). */
export function rttModel(interval: number): TestModel {
  return {
    testType: 'rtt',
    metadata(pair: Pair) {
      return {
        ...subject(pair, 'ping', 'rtt'),
        'time-duration': COUNT,
        'sample-size': COUNT,
        'time-probe-interval': 1,
        'event-types': [
          { 'event-type': 'failures' },
          { 'event-type': 'packet-count-sent', summaries: aggregations(300, 3600, 86400) },
          { 'event-type': 'histogram-rtt', summaries: [...statistics(0, 3600, 86400), ...aggregations(3600, 86400)] },
          { 'event-type': 'histogram-ttl-reverse' },
          { 'event-type': 'packet-duplicates-bidir' },
          { 'event-type': 'packet-loss-rate-bidir', summaries: aggregations(3600, 86400) },
          { 'event-type': 'packet-count-lost-bidir', summaries: aggregations(300, 3600, 86400) },
          { 'event-type': 'packet-reorders-bidir' },
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
          interval: () => interval * rng.uniform(0.9, 1.1),
          failureRate: 0.003,
          failures: [UNSPECIFIED_FAILURE, 'ping: sendmsg: Network is unreachable'],
        },
        ({ ts, outcome, href }) => {
          const there = conditionsAt(mesh, pair, ts);
          const home = conditionsAt(mesh, back, ts);
          const rtts: number[] = [];
          if (outcome.kind === 'ok') {
            const survive = (1 - there.loss) * (1 - home.loss);
            for (let i = 0; i < COUNT; i++) {
              if (!rng.chance(survive)) continue;
              // ICMP is answered by the host's kernel, which adds a few microseconds and a rare hiccup.
              const extra =
                rng.exponential(there.queueMs + home.queueMs + 0.01) + (rng.chance(0.01) ? rng.uniform(1, 8) : 0);
              rtts.push(there.baseDelayMs + home.baseDelayMs + 0.02 + extra);
            }
          }
          const lost = COUNT - rtts.length;
          const val: BulkItem['val'] = [
            { 'event-type': 'packet-duplicates-bidir', val: 0 },
            { 'event-type': 'packet-reorders-bidir', val: 0 },
            { 'event-type': 'packet-count-lost-bidir', val: lost },
            { 'event-type': 'packet-count-sent', val: COUNT },
          ];
          if (rtts.length > 0) {
            val.push({ 'event-type': 'histogram-rtt', val: histogram(rtts, 2) });
            val.push({
              'event-type': 'histogram-ttl-reverse',
              val: { [String(REPLY_TTL - home.routers)]: rtts.length },
            });
          }
          val.push({ 'event-type': 'packet-loss-rate-bidir', val: { numerator: lost, denominator: COUNT } });
          val.push(href);
          return { ts, val };
        },
      );
    },
  };
}
