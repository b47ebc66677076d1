/**
 * What every seeded test type has in common: the shape of a test model, the pScheduler esmond
 * archiver's conventions (metadata fields, `pscheduler-run-href`, failure values) and the run
 * schedule with its outages and failures.
 * @module
 */
import type { Mesh, Pair } from './mesh.js';
import { KM_PER_MS, loadAt, lossAt, pathAt, siteDown } from './mesh.js';
import type { Rng } from './prng.js';

/** One value of a bulk-write item. */
export interface BulkValue {
  'event-type': string;
  val: unknown;
}

/** One timestamp of a bulk write (archive-api.md: Writing). */
export interface BulkItem {
  ts: number;
  val: BulkValue[];
}

/** A summary declared in metadata. */
export interface SummarySpec {
  'summary-type': 'aggregation' | 'average' | 'statistics';
  'summary-window': number;
}

/** One declared event type of a metadata body. */
export interface EventTypeSpec {
  'event-type': string;
  summaries?: SummarySpec[];
}

/** A test type the seeder knows how to fake. */
export interface TestModel {
  /** pScheduler test type, e.g. `latencybg`. */
  readonly testType: string;
  /** The metadata POST body the pScheduler esmond archiver would send for this pair. */
  metadata(pair: Pair): Record<string, unknown>;
  /** Every archived run of this pair in [mesh.start, mesh.end], ascending by ts. */
  runs(mesh: Mesh, pair: Pair, rng: Rng): Iterable<BulkItem>;
}

/** The message the archiver stores when a failed run gives no error text (pScheduler's esmond archiver). */
export const UNSPECIFIED_FAILURE =
  'The test failed for an unspecified reason. See the server logs of the testing host(s).';

/** Subject and common fields of a point-to-point metadata body, as the archiver builds them. */
export function subject(pair: Pair, tool: string, testType: string): Record<string, unknown> {
  return {
    'subject-type': 'point-to-point',
    source: pair.sourceIp,
    destination: pair.destinationIp,
    'measurement-agent': pair.sourceIp,
    'input-source': pair.src.hostname,
    'input-destination': pair.dst.hostname,
    'tool-name': `pscheduler/${tool}`,
    'pscheduler-test-type': testType,
  };
}

/** Aggregation summaries for the given windows. */
export function aggregations(...windows: number[]): SummarySpec[] {
  return windows.map((w) => ({ 'summary-type': 'aggregation', 'summary-window': w }));
}

/** Statistics summaries for the given windows. */
export function statistics(...windows: number[]): SummarySpec[] {
  return windows.map((w) => ({ 'summary-type': 'statistics', 'summary-window': w }));
}

/** What happened to one scheduled run. */
export type RunOutcome = { kind: 'ok' } | { kind: 'failed'; error: string } | { kind: 'destination-down' };

/**
 * Walks a test schedule: yields each run time with its outcome. A run whose source host is down
 * is skipped entirely (nobody was there to archive it), which leaves realistic gaps.
 */
export function* schedule(
  mesh: Mesh,
  pair: Pair,
  rng: Rng,
  opts: { interval: () => number; failureRate: number; failures: readonly string[] },
): Generator<{ ts: number; outcome: RunOutcome }> {
  // Stagger pairs so that tests do not all start on the same second, as a real scheduler would.
  let t = mesh.start + Math.floor(rng.next() * opts.interval());
  while (t <= mesh.end) {
    if (!siteDown(mesh, pair.src, t)) {
      let outcome: RunOutcome;
      if (siteDown(mesh, pair.dst, t)) outcome = { kind: 'destination-down' };
      else if (rng.chance(opts.failureRate)) outcome = { kind: 'failed', error: rng.pick(opts.failures) };
      else outcome = { kind: 'ok' };
      yield { ts: t, outcome };
    }
    t += Math.max(1, Math.round(opts.interval()));
  }
}

/** A scheduled run that was not a failure, with its pScheduler run link. */
export interface Run {
  ts: number;
  outcome: Exclude<RunOutcome, { kind: 'failed' }>;
  href: BulkValue;
}

/**
 * What one test archives for a pair over the schedule: one item per run, a failed run as its
 * failure (with the run link), any other as `result` builds it.
 */
export function* archivedRuns(
  mesh: Mesh,
  pair: Pair,
  rng: Rng,
  opts: Parameters<typeof schedule>[3],
  result: (run: Run) => BulkItem,
): Generator<BulkItem> {
  const task = rng.uuid();
  for (const { ts, outcome } of schedule(mesh, pair, rng, opts)) {
    const href = runHref(pair, task, rng);
    yield outcome.kind === 'failed' ? failureItem(ts, outcome.error, href) : result({ ts, outcome, href });
  }
}

/** The `pscheduler-run-href` value of a run led by the pair's source host. */
export function runHref(pair: Pair, taskId: string, rng: Rng): BulkValue {
  return {
    'event-type': 'pscheduler-run-href',
    val: { href: `https://${pair.src.hostname}/pscheduler/tasks/${taskId}/runs/${rng.uuid()}` },
  };
}

/** A failed run: only `failures` and the run href are archived. */
export function failureItem(ts: number, error: string, href: BulkValue): BulkItem {
  return { ts, val: [{ 'event-type': 'failures', val: { error } }, href] };
}

/** Network conditions of a pair at one instant, shared by the latency, rtt and throughput models. */
export interface Conditions {
  /** Propagation plus per-hop forwarding delay, ms. */
  baseDelayMs: number;
  /** Mean extra delay from queues right now, ms. */
  queueMs: number;
  /** Packet loss fraction. */
  loss: number;
  /** Routers between the hosts (TTL decrements). */
  routers: number;
  /** 0 … 1 daily load on the busier end. */
  load: number;
  pathMtu: number;
}

/** Conditions of the path `pair.src → pair.dst` at `t`. */
export function conditionsAt(mesh: Mesh, pair: Pair, t: number): Conditions {
  const path = pathAt(mesh, pair, t);
  const last = path[path.length - 1];
  const load = Math.max(loadAt(pair.src, t), loadAt(pair.dst, t));
  return {
    baseDelayMs: (last?.km ?? 0) / KM_PER_MS + path.length * 0.008,
    queueMs: pair.queueMs * load * load,
    loss: lossAt(pair, t),
    routers: path.length - 1,
    load,
    pathMtu: path.reduce((m, h) => Math.min(m, h.mtu), 9000),
  };
}

/** The reverse pair (b → a) of a pair, for round-trip models. */
export function reversePair(mesh: Mesh, pair: Pair): Pair {
  const back = mesh.pairs.find((p) => p.src === pair.dst && p.dst === pair.src);
  if (back === undefined) throw new Error(`no reverse pair for ${pair.src.hostname} -> ${pair.dst.hostname}`);
  return back;
}

/** Counts samples into a histogram with `decimals`-digit keys, keys in ascending order. */
export function histogram(samples: readonly number[], decimals: number): Record<string, number> {
  const scale = 10 ** decimals;
  const buckets = samples.map((s) => Math.floor(s * scale + 1e-9));
  const out: Record<string, number> = {};
  if (buckets.length === 0) return out;
  let lo = Infinity;
  let hi = -Infinity;
  for (const b of buckets) {
    if (b < lo) lo = b;
    if (b > hi) hi = b;
  }
  // Samples sit in a narrow band, so a dense count array is cheaper than a map plus a sort.
  const counts = new Uint32Array(hi - lo + 1);
  for (const b of buckets) counts[b - lo] = (counts[b - lo] ?? 0) + 1;
  counts.forEach((n, i) => {
    if (n > 0) out[((lo + i) / scale).toFixed(decimals)] = n;
  });
  return out;
}

/** Draws how many of `n` packets are lost at loss fraction `p` (binomial, approximated). */
export function lostPackets(rng: Rng, n: number, p: number): number {
  if (p <= 0) return 0;
  if (p >= 1) return n;
  return Math.min(n, rng.poisson(n * p));
}
