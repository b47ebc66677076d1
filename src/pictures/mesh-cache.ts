/**
 * The mesh summary and everything served from it (the grid's JSON and the `/metrics` text, each
 * plain and gzipped), computed once per refresh and kept, so a page load or a scrape is a lookup:
 *  - only the very first request waits for a computation (the host warms it at start);
 *  - a summary older than `refreshMs` (and than twice its computation's duration) is recomputed
 *    in the background while the old one is still served (stale while revalidate);
 *  - a write to the archive marks it out of date: a refresh follows in the background, no sooner
 *    than `max(minGapMs, 2 × the last computation's duration)` after the previous one ended, so
 *    a busy archive (writes every second) recomputes at most a third of the time;
 *  - one computation at a time: every request during it shares it.
 * Memory: one summary and its renderings (bounded by the mesh; `/metrics` by its test cap).
 * @module
 */
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import type { MeshSummary } from '../web/mesh-types.js';
import { encodeMesh } from '../web/mesh-wire.js';
import { renderMetrics } from './metrics.js';

const gzipAsync = promisify(gzip);

/** One computed summary with its renderings. */
export interface MeshSnapshot {
  summary: MeshSummary;
  /** `mesh.json`'s body. */
  json: string;
  /** The same, gzipped (for clients that accept it). */
  jsonGzip: Buffer;
  /** `/metrics`' body: fixed for the snapshot (times are timestamps, not ages), so a scrape sends it as is. */
  metrics: Buffer;
  /** The same, gzipped (Prometheus asks for gzip). */
  metricsGzip: Buffer;
  /** Clock (ms) when it was ready. */
  readyAt: number;
}

/** Options of {@link createMeshCache}. */
export interface MeshCacheOptions {
  /** Computes a fresh summary (reads the archive). */
  compute(): Promise<MeshSummary>;
  /** ms since the epoch. */
  clock: () => number;
  /** A snapshot older than this is refreshed in the background when asked for. */
  refreshMs: number;
  /** Shortest pause between the end of one computation and a write-triggered next (default 1 s). */
  minGapMs?: number;
  /** Where background failures are reported. */
  log: (line: string) => void;
}

/** See the module docs. */
export interface MeshCache {
  /** The snapshot to serve: the current one (refreshing it in the background when due), else the first computation. */
  get(): Promise<MeshSnapshot>;
  /** The archive was written to: schedule a background refresh. */
  invalidate(): void;
  /** Starts a refresh now (or joins the one running) and resolves with its snapshot. */
  refresh(): Promise<MeshSnapshot>;
  /** Stops scheduling refreshes (the host is stopping). */
  close(): void;
}

/** Builds the cache (see the module docs). */
export function createMeshCache(opts: MeshCacheOptions): MeshCache {
  const minGap = opts.minGapMs ?? 1000;
  let current: MeshSnapshot | undefined;
  let running: Promise<MeshSnapshot> | undefined;
  let lastDurationMs = 0;
  let lastEnd = -Infinity;
  let dirty = false;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;

  const refresh = (): Promise<MeshSnapshot> => {
    if (running !== undefined) return running;
    const began = opts.clock();
    // Writes from here on are not necessarily seen by this computation: they mark it dirty again.
    dirty = false;
    running = (async () => {
      const summary = await opts.compute();
      const json = JSON.stringify(encodeMesh(summary));
      const metrics = Buffer.from(renderMetrics(summary));
      const [jsonGzip, metricsGzip] = await Promise.all([gzipAsync(json), gzipAsync(metrics)]);
      const snapshot: MeshSnapshot = { summary, json, jsonGzip, metrics, metricsGzip, readyAt: opts.clock() };
      current = snapshot;
      return snapshot;
    })().finally(() => {
      running = undefined;
      lastEnd = opts.clock();
      lastDurationMs = lastEnd - began;
      if (dirty) schedule();
    });
    return running;
  };

  const background = (): void => {
    refresh().catch((err: unknown) => {
      if (!closed) opts.log(`mesh summary refresh failed: ${err instanceof Error ? err.message : String(err)}`);
    });
  };

  /** A write-triggered refresh, once the gap after the previous computation has passed. */
  const schedule = (): void => {
    if (closed || timer !== undefined || running !== undefined) return;
    const wait = Math.max(0, lastEnd + Math.max(minGap, 2 * lastDurationMs) - opts.clock());
    timer = setTimeout(() => {
      timer = undefined;
      if (!closed) background();
    }, wait);
    timer.unref();
  };

  return {
    get(): Promise<MeshSnapshot> {
      if (current === undefined) return refresh();
      // Due after refreshMs, but never sooner than twice the last computation's duration after
      // it ended: a mesh that takes longer to read than refreshMs is not recomputed back to back.
      if (running === undefined && opts.clock() - lastEnd > Math.max(opts.refreshMs, 2 * lastDurationMs)) background();
      return Promise.resolve(current);
    },
    invalidate(): void {
      dirty = true;
      // Before the first summary there is nothing to refresh: the first request computes it.
      if (current !== undefined) schedule();
    },
    refresh,
    close(): void {
      closed = true;
      clearTimeout(timer);
      timer = undefined;
    },
  };
}
