/**
 * Fills an archive with a realistic, reproducible perfSONAR mesh: every ordered pair of hosts runs
 * one-way latency (powstream), ping, traceroute and iperf3 throughput, as the pScheduler esmond
 * archiver would have stored them over the `days` before `now`. The data goes in through the
 * service's own `createMetadata` / `bulkWrite`, the code path of the API's writes, so summaries
 * and `time-updated` come out exactly as for real clients.
 *
 * The same `seed`, `hosts`, `days` and `now` always give the same archive (metadata keys aside:
 * the archive draws those itself). Seeding an archive again skips every test that already holds
 * data, so a second run is harmless.
 * @module
 */
import { buildMesh } from './seed/mesh.js';
import { latencyModel } from './seed/latency.js';
import type { BulkItem, TestModel } from './seed/model.js';
import { Rng } from './seed/prng.js';
import { rttModel } from './seed/rtt.js';
import { throughputModel } from './seed/throughput.js';
import { traceModel } from './seed/trace.js';
import type { ArchiveService, RequestContext } from './types.js';

/** Options of {@link seedArchive}. */
export interface SeedOptions {
  /** perfSONAR hosts (one per site); every ordered pair is tested. At least 2 for any data. */
  hosts: number;
  /** Days of history ending at `now` (0 = metadata only; fractions allowed). */
  days: number;
  /** PRNG seed: same seed (and other options) → same archive. */
  seed: number;
  /** End of the history, UNIX seconds; also the write clock (`time-updated`). */
  now: number;
  /** Progress lines, one per seeded test. */
  onProgress?: (msg: string) => void;
  /**
   * Seconds between latency results (default {@link DEFAULT_LATENCY_INTERVAL}). Real powstream
   * archives one per minute (60); that is about 4× slower to seed.
   */
  latencyInterval?: number;
  /** Timestamps per bulk write (default 500). */
  batchSize?: number;
}

/** What {@link seedArchive} wrote. */
export interface SeedResult {
  /** Metadata records seeded (a test already holding data is skipped, not counted). */
  metadata: number;
  /** Base values written (one per event type per timestamp). */
  points: number;
}

/**
 * Seconds between latency results by default: 5 minutes rather than powstream's 1 so that a
 * 4-host, 2-day archive seeds in a few seconds (every test archive is seeded).
 */
export const DEFAULT_LATENCY_INTERVAL = 300;
/** Seconds between rtt (ping) runs. */
const RTT_INTERVAL = 300;
/** Seconds between traceroute runs. */
const TRACE_INTERVAL = 600;

/** The test types seeded for every pair, in seeding order. */
export function seedModels(latencyInterval = DEFAULT_LATENCY_INTERVAL): TestModel[] {
  return [latencyModel(latencyInterval), rttModel(RTT_INTERVAL), traceModel(TRACE_INTERVAL), throughputModel()];
}

/** Seeds `service` with a synthetic perfSONAR mesh (see the module docs). */
export async function seedArchive(service: ArchiveService, opts: SeedOptions): Promise<SeedResult> {
  checkOptions(opts);
  const end = Math.floor(opts.now);
  const start = end - Math.round(opts.days * 86400);
  const root = new Rng(opts.seed);
  const mesh = buildMesh(root.fork('mesh'), opts.hosts, start, end);
  const ctx: RequestContext = {
    requestUrl: new URL('http://127.0.0.1/esmond/perfsonar/archive/'),
    prefix: '/esmond',
    now: end,
  };
  const batchSize = opts.batchSize ?? 500;
  const models = seedModels(opts.latencyInterval ?? DEFAULT_LATENCY_INTERVAL);
  const total = mesh.pairs.length * models.length;
  let done = 0;
  let metadata = 0;
  let points = 0;
  for (const model of models) {
    for (const pair of mesh.pairs) {
      const { metadata: md } = await service.createMetadata(model.metadata(pair), ctx);
      const key = md['metadata-key'];
      done++;
      // Metadata POST is get-or-create: a test that already holds data was seeded before, and
      // writing it again would only collide (409) with its own points.
      if (md['event-types'].some((e) => typeof e['time-updated'] === 'number')) {
        opts.onProgress?.(
          `[${done}/${total}] ${model.testType} ${pair.src.hostname} -> ${pair.dst.hostname}: already in the archive, skipped`,
        );
        continue;
      }
      metadata++;
      const rng = root.fork(`${model.testType} ${pair.src.index}>${pair.dst.index}`);
      let batch: BulkItem[] = [];
      let runs = 0;
      for (const item of model.runs(mesh, pair, rng)) {
        batch.push(item);
        points += item.val.length;
        runs++;
        if (batch.length >= batchSize) {
          await service.bulkWrite(key, { data: batch }, ctx);
          batch = [];
          // Let the event loop breathe so a server sharing the process stays responsive.
          await new Promise<void>((resolve) => setImmediate(resolve));
        }
      }
      if (batch.length > 0) await service.bulkWrite(key, { data: batch }, ctx);
      opts.onProgress?.(
        `[${done}/${total}] ${model.testType} ${pair.src.hostname} -> ${pair.dst.hostname} (IPv${pair.family}): ${runs} runs`,
      );
    }
  }
  return { metadata, points };
}

function checkOptions(opts: SeedOptions): void {
  const bad = (what: string): never => {
    throw new RangeError(`seedArchive: ${what}`);
  };
  if (!Number.isInteger(opts.hosts) || opts.hosts < 0 || opts.hosts > 500) bad('hosts must be an integer 0..500');
  if (!Number.isFinite(opts.days) || opts.days < 0 || opts.days > 3650) bad('days must be a number 0..3650');
  if (!Number.isInteger(opts.seed)) bad('seed must be an integer');
  if (!Number.isFinite(opts.now) || opts.now < 0) bad('now must be UNIX seconds');
  if (opts.latencyInterval !== undefined && !(opts.latencyInterval >= 1)) bad('latencyInterval must be >= 1 s');
  if (opts.batchSize !== undefined && !(Number.isInteger(opts.batchSize) && opts.batchSize >= 1)) {
    bad('batchSize must be a positive integer');
  }
}
