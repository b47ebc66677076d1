/**
 * Computes the mesh grid's summary ({@link MeshSummary}) from any archive the client can read:
 * three metadata searches (one per family) and a few short data reads per test, bounded in
 * concurrency. The same code serves `esmond-ps-archive serve` (reading its own service in
 * process) and `esmond-ps-view` (reading a remote archive with the client), so the page sees the
 * same thing from both.
 * @module
 */
import { pool } from '../util/pool.js';
import type { ArchiveReader } from './archive-reader.js';
import type { Metadata } from '../model/metadata.js';
import type { Family, MeshCell, MeshSummary } from '../web/mesh-types.js';
import { delayOf, fieldOf, hopCount, median, numberOf } from '../web/values.js';

/** The event type whose presence puts a metadata in a family. */
const FAMILY_EVENT: Readonly<Record<Family, string>> = {
  throughput: 'throughput',
  latency: 'histogram-owdelay',
  trace: 'packet-trace',
};

/** Usual cadence when the data has too few points to tell, seconds. */
const DEFAULT_INTERVAL: Readonly<Record<Family, number>> = { throughput: 6 * 3600, latency: 60, trace: 600 };

/** How far back each family's latest-value read looks, seconds: older results count as none (stale). */
const LOOKBACK: Readonly<Record<Family, number>> = { throughput: 7 * 86400, latency: 3600, trace: 3 * 3600 };

/**
 * The recent window read first, seconds: a few results at the usual cadence (10 latency results,
 * 3 traces) instead of the whole look-back, which is only read when this window holds fewer than
 * two. Throughput reads its whole week: the pair's usual value is the median of it.
 */
const RECENT: Readonly<Record<Family, number>> = { throughput: 7 * 86400, latency: 600, trace: 1800 };

/** Clock skew allowed between a result's time and the archive's `time-updated`, seconds. */
const SKEW = 300;

/** Options of {@link computeMeshSummary}. */
export interface MeshSummaryOptions {
  /** UNIX seconds "now" (injectable for tests). */
  now: number;
  /** Data reads in flight at once (default 8). */
  concurrency?: number;
}

/** Reads the mesh from `reader` (see the module docs). */
export async function computeMeshSummary(reader: ArchiveReader, opts: MeshSummaryOptions): Promise<MeshSummary> {
  const began = Date.now();
  const tests: Array<{ family: Family; md: Metadata }> = [];
  for (const family of ['throughput', 'latency', 'trace'] as const) {
    for await (const md of reader.searchMetadata({ eventType: FAMILY_EVENT[family], subjectType: 'point-to-point' })) {
      tests.push({ family, md });
    }
  }
  const cells: MeshCell[] = new Array<MeshCell>(tests.length);
  await pool(tests, opts.concurrency ?? 8, async ({ family, md }, i) => {
    cells[i] = await readCell(reader, family, md, opts.now);
  });
  const kept = newestPerCell(cells);
  return { generated: opts.now, hosts: hostsOf(kept), cells: kept, computeSeconds: (Date.now() - began) / 1000 };
}

async function readCell(reader: ArchiveReader, family: Family, md: Metadata, now: number): Promise<MeshCell> {
  const base: MeshCell = {
    source: md.inputSource ?? md.source ?? '?',
    destination: md.inputDestination ?? md.destination ?? '?',
    sourceIp: md.source ?? '',
    destinationIp: md.destination ?? '',
    family,
    tool: md.toolName ?? '',
    metadataKey: md.key,
    last: null,
    interval: DEFAULT_INTERVAL[family],
    value: null,
  };
  const updated = md.eventTypes.find((e) => e.eventType === FAMILY_EVENT[family])?.timeUpdated ?? null;
  if (updated === null) return base;
  const lastEvent = family === 'latency' ? 'packet-loss-rate' : FAMILY_EVENT[family];
  // Not written for longer than the look-back: no result can be recent (results are written after
  // they are measured), so skip the reads of the recent window and look for the last one directly.
  if (updated + SKEW < now - LOOKBACK[family])
    return { ...base, last: await lastBefore(reader, md, lastEvent, updated + SKEW) };
  const recent = await readLatest(reader, family, md, base, { timeStart: now - RECENT[family], timeEnd: now });
  if (recent.cell.last !== null && recent.points >= 2) return recent.cell;
  const range = { timeStart: now - LOOKBACK[family], timeEnd: now };
  const { cell } = RECENT[family] === LOOKBACK[family] ? recent : await readLatest(reader, family, md, base, range);
  if (cell.last !== null) return cell;
  // Nothing recent: the test is stale; find when its last result was, for the age shown.
  return { ...cell, last: await lastBefore(reader, md, lastEvent, range.timeStart) };
}

/** The latest result in `range` as a cell, with how many results the range held. */
async function readLatest(
  reader: ArchiveReader,
  family: Family,
  md: Metadata,
  base: MeshCell,
  range: { timeStart: number; timeEnd: number },
): Promise<{ cell: MeshCell; points: number }> {
  switch (family) {
    case 'throughput': {
      const points = await collect(reader.dataPages(md, 'throughput', {}, range));
      const values = points.map((p) => numberOf(p.val)).filter((v): v is number => v !== null);
      return {
        cell: { ...base, ...latestOf(points, family), value: values.at(-1) ?? null, usual: median(values) },
        points: points.length,
      };
    }
    case 'latency': {
      const loss = await collect(reader.dataPages(md, 'packet-loss-rate', {}, range));
      // The delay of the latest result only: one statistics point, not the window's.
      const at = loss.at(-1)?.ts;
      const stats = await collect(
        reader.dataPages(
          md,
          'histogram-owdelay',
          { summaryType: 'statistics' },
          at === undefined ? range : { timeStart: at, timeEnd: at },
        ),
      );
      const cell = {
        ...base,
        ...latestOf(loss.length > 0 ? loss : stats, family),
        value: numberOf(loss.at(-1)?.val),
        delay: delayOf(stats.at(-1)?.val),
      };
      return { cell, points: Math.max(loss.length, stats.length) };
    }
    case 'trace': {
      const traces = await collect(reader.dataPages(md, 'packet-trace', {}, range));
      const hops = Array.isArray(traces.at(-1)?.val) ? (traces.at(-1)?.val as unknown[]) : undefined;
      const cell = {
        ...base,
        ...latestOf(traces, family),
        value: hops === undefined ? null : hopCount(hops),
        reached: hops === undefined ? false : hops.some((h) => fieldOf(h, 'ip') === md.destination),
      };
      return { cell, points: traces.length };
    }
  }
}

/** How far back {@link lastBefore} looks for a stale test's last result, seconds. */
const STALE_SEARCH = 64 * 86400;

/**
 * The time of the last result before `end`, looking back in doubling windows (1 h, 2 h, 4 h …
 * up to {@link STALE_SEARCH}), so a long-dead test costs a dozen small reads, not its history.
 */
async function lastBefore(reader: ArchiveReader, md: Metadata, eventType: string, end: number): Promise<number | null> {
  for (let span = 3600, to = end - 1; span <= STALE_SEARCH; to -= span + 1, span *= 2) {
    let last: number | null = null;
    for await (const page of reader.dataPages(md, eventType, {}, { timeStart: to - span, timeEnd: to }))
      last = page.at(-1)?.ts ?? last;
    if (last !== null) return last;
  }
  return null;
}

/** Every point of a read (a few results at the family's cadence: small). */
async function collect<T>(pages: AsyncIterable<readonly T[]>): Promise<T[]> {
  const out: T[] = [];
  for await (const page of pages) for (const p of page) out.push(p);
  return out;
}

/** The time of the latest result (null when none in the window) and the test's cadence (median gap). */
function latestOf(points: ReadonlyArray<{ ts: number }>, family: Family): { last: number | null; interval: number } {
  const gaps: number[] = [];
  for (let i = 1; i < points.length; i++) gaps.push((points[i]?.ts ?? 0) - (points[i - 1]?.ts ?? 0));
  const interval = median(gaps.filter((g) => g > 0)) ?? DEFAULT_INTERVAL[family];
  const last = points.at(-1)?.ts ?? null;
  return { last, interval };
}

/**
 * One cell per (source name, destination name, family): when a pair is tested twice (IPv4 and
 * IPv6, two tools), the one with the newest result wins.
 */
function newestPerCell(cells: readonly MeshCell[]): MeshCell[] {
  const byKey = new Map<string, MeshCell>();
  for (const c of cells) {
    const key = `${c.source}\u0000${c.destination}\u0000${c.family}`;
    const prev = byKey.get(key);
    if (prev === undefined || (c.last ?? -1) > (prev.last ?? -1)) byKey.set(key, c);
  }
  const order = (c: MeshCell): string => `${c.source}\u0000${c.destination}\u0000${c.family}`;
  return [...byKey.values()].sort((a, b) => (order(a) < order(b) ? -1 : order(a) > order(b) ? 1 : 0));
}

/** Every host named as a source or destination, sorted by name, with its addresses. */
function hostsOf(cells: readonly MeshCell[]): MeshSummary['hosts'] {
  const ips = new Map<string, Set<string>>();
  const add = (name: string, ip: string): void => {
    let set = ips.get(name);
    if (set === undefined) ips.set(name, (set = new Set()));
    if (ip !== '') set.add(ip);
  };
  for (const c of cells) {
    add(c.source, c.sourceIp);
    add(c.destination, c.destinationIp);
  }
  return [...ips.entries()]
    .sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true }))
    .map(([name, set]) => ({ name, ips: [...set].sort() }));
}
