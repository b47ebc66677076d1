/**
 * Paths as pScheduler's `trace` test with traceroute archives them every ten minutes: one hop
 * object per TTL in the archiver's converted form (`ttl`, `query`, `success`, `ip`, `hostname`,
 * `as`, `rtt` in ms, `mtu`), silent routers as empty hops, route changes when the mesh reroutes,
 * and `!H` from the site router while the destination host is down.
 * @module
 */
import type { Mesh, Pair } from './mesh.js';
import { loadAt, pathAt, KM_PER_MS } from './mesh.js';
import { archivedRuns, subject, UNSPECIFIED_FAILURE, type BulkItem, type TestModel } from './model.js';
import type { Rng } from './prng.js';

/** The trace/traceroute model; one run every `interval` seconds. */
export function traceModel(interval: number): TestModel {
  return {
    testType: 'trace',
    metadata(pair: Pair) {
      return {
        ...subject(pair, 'traceroute', 'trace'),
        'time-duration': 12,
        'time-probe-interval': 0.05,
        'time-test-timeout': 2,
        'event-types': [
          { 'event-type': 'failures' },
          { 'event-type': 'packet-trace' },
          { 'event-type': 'path-mtu' },
          { 'event-type': 'pscheduler-run-href' },
        ],
      };
    },
    *runs(mesh: Mesh, pair: Pair, rng: Rng): Iterable<BulkItem> {
      yield* archivedRuns(
        mesh,
        pair,
        rng,
        {
          interval: () => interval,
          failureRate: 0.01,
          failures: [UNSPECIFIED_FAILURE, 'traceroute: connect: Network is unreachable'],
        },
        ({ ts, outcome, href }) => {
          const path = pathAt(mesh, pair, ts);
          if (outcome.kind === 'destination-down') path.pop(); // the host is gone, its router answers instead
          const load = loadAt(pair.src, ts);
          const hops: Record<string, unknown>[] = [];
          let lastMtu: number | undefined;
          path.forEach((hop, i) => {
            const ttl = i + 1;
            if (hop.silent) {
              // The archiver turns an unanswered hop into ttl/query/success and carries the last MTU.
              hops.push({ ttl, query: 1, success: 1, ...(lastMtu === undefined ? {} : { mtu: lastMtu }) });
              return;
            }
            lastMtu = hop.mtu;
            // Routers answer from the slow path, so their RTTs wobble more than the hosts' do.
            const rtt = (2 * hop.km) / KM_PER_MS + 0.03 * ttl + rng.exponential(0.05 + 0.4 * load);
            const unreachable = outcome.kind === 'destination-down' && i === path.length - 1;
            hops.push({
              ttl,
              query: 1,
              success: unreachable ? 0 : 1,
              ...(unreachable ? { 'error-message': 'host-unreachable' } : {}),
              ip: hop.ip,
              hostname: hop.hostname,
              as: { number: hop.asn, owner: hop.owner },
              rtt: Math.round(rtt * 1000) / 1000,
              mtu: hop.mtu,
            });
          });
          const mtus = path.filter((h) => !h.silent).map((h) => h.mtu);
          const val: BulkItem['val'] = [{ 'event-type': 'packet-trace', val: hops }];
          if (mtus.length > 0) val.push({ 'event-type': 'path-mtu', val: Math.min(...mtus) });
          val.push(href);
          return { ts, val };
        },
      );
    },
  };
}
