/**
 * Stores loader output through the client library: metadata is created once per distinct body
 * (cached), values are grouped per metadata into bulk PUTs, and a value the archive already holds
 * (409) counts as stored — so re-sending after a failure or a restart never duplicates data.
 * @module
 */
import { isHttpError, isValidationError, type EsmondError } from '../http/errors.js';
import { PyFloat } from '../model/py-float.js';
import type { WireNewMetadata } from '../model/wire.js';
import type { EsmondClient } from '../query/types.js';
import type { BatchWriteItem } from '../post/write-batch.js';
import type { EsmondItem, EsmondValue } from './esmond-item.js';
import { pool } from '../util/pool.js';

/** What the sink stores: any loader's {@link EsmondItem}. */
export type SinkItem = EsmondItem;

/** What one {@link ArchiveSink.store} call achieved. */
export interface StoreCounts {
  /** Values newly written. */
  written: number;
  /** Values the archive already held (409), or repeated within the batch. */
  duplicates: number;
  /** Distinct metadata the items went to. */
  metadata: number;
}

/** Options of {@link ArchiveSink}. */
export interface SinkOptions {
  /** Metadata keys remembered (bodies → key). @defaultValue 10000 */
  cacheSize?: number;
  /** Metadata handled in parallel. @defaultValue {@link DEFAULT_SINK_CONCURRENCY} */
  concurrency?: number;
  /** Timestamps per bulk PUT. @defaultValue 500 */
  batchSize?: number;
  /**
   * Store through our archive's batch write extension once the archive has said it offers it
   * (the loaders turn this on): many metadata and their values in one request, each with the
   * outcome its two requests would have had. Against any other archive, and without this, each
   * metadata costs a POST and bulk PUTs, which every esmond understands. @defaultValue false
   */
  batchWrites?: boolean;
}

/** Metadata per batch request, and batch requests in flight: the archive sees several at once. */
const BATCH_ITEMS = 50;
const BATCHES_IN_FLIGHT = 4;

/**
 * Metadata stored in parallel by default; the loaders' clients open as many keep-alive sockets
 * (more requests than sockets would only queue in the client). Each transfer costs a metadata
 * POST and a bulk PUT: over a real network the loaders wait on round trips, and an archive that
 * commits the writes arriving together in one transaction (ours, on SQLite) pays each commit's
 * fixed cost once for all of them, so 32 in flight cost it about a fifth less CPU per transfer
 * than 8. An esmond behind a web server just queues what it cannot take at once.
 */
export const DEFAULT_SINK_CONCURRENCY = 32;

/** The archive (400) or the client's own checks before sending refused the item as invalid. */
function isRefusal(err: unknown): err is Error {
  return (isHttpError(err) && err.status === 400) || isValidationError(err);
}

/** The archive answered 409: a value is already stored. */
function isConflict(err: unknown): err is EsmondError {
  return isHttpError(err) && err.status === 409;
}

/** The items of one metadata body, merged into one point per timestamp. */
interface MetadataGroup {
  metadata: WireNewMetadata;
  /** {@link bodyId} of the metadata (the cache key). */
  id: string;
  points: Map<number, EsmondValue[]>;
  /** Indexes of the items in the group. */
  items: number[];
  /** Values dropped for repeating an event type at a timestamp (the archive would keep one). */
  repeated: number;
}

/**
 * Identity of a metadata body: its JSON, with Python floats told apart from ints, since esmond
 * stores `str()` of each value and so keeps `30.0` and `30` as two metadata.
 */
function bodyId(metadata: WireNewMetadata): string {
  return JSON.stringify(metadata, function (this: Record<string, unknown>, key: string, value: unknown) {
    const own = this[key];
    return own instanceof PyFloat ? `\u0000float ${own.value}` : value;
  });
}

/** Groups items by metadata body, so each distinct metadata is posted once. Items without values are left out. */
function groupByMetadata(items: readonly SinkItem[]): MetadataGroup[] {
  const byBody = new Map<string, MetadataGroup>();
  items.forEach((item, i) => {
    if (item.values.length === 0) return;
    const id = bodyId(item.metadata);
    let group = byBody.get(id);
    if (group === undefined)
      byBody.set(id, (group = { metadata: item.metadata, id, points: new Map(), items: [], repeated: 0 }));
    group.items.push(i);
    const at = group.points.get(item.ts) ?? [];
    for (const v of item.values) {
      if (at.some((x) => x['event-type'] === v['event-type'])) group.repeated += 1;
      else at.push(v);
    }
    group.points.set(item.ts, at);
  });
  return [...byBody.values()];
}

/** A group's points as bulk items, in first-seen order. */
function pointsOf(group: MetadataGroup): { ts: number; val: EsmondValue[] }[] {
  return [...group.points].map(([ts, val]) => ({ ts, val }));
}

/** Batched, idempotent writes of loader items through an {@link EsmondClient}. */
export class ArchiveSink {
  private readonly keys = new Map<string, string>();
  private readonly cacheSize: number;
  private readonly concurrency: number;
  private readonly batchSize: number;
  private readonly batchWrites: boolean;

  constructor(
    private readonly client: EsmondClient,
    options: SinkOptions = {},
  ) {
    this.cacheSize = options.cacheSize ?? 10_000;
    this.concurrency = options.concurrency ?? DEFAULT_SINK_CONCURRENCY;
    this.batchSize = options.batchSize ?? 500;
    this.batchWrites = options.batchWrites ?? false;
  }

  private remember(id: string, key: string): void {
    if (this.keys.has(id)) return;
    if (this.keys.size >= this.cacheSize) this.keys.delete(this.keys.keys().next().value as string);
    this.keys.set(id, key);
  }

  /** The key of a metadata body, posting it when it is not cached. */
  async metadataKey(metadata: WireNewMetadata): Promise<string> {
    const id = bodyId(metadata);
    const cached = this.keys.get(id);
    if (cached !== undefined) return cached;
    const m = await this.client.postMetadata(metadata);
    this.remember(id, m.key);
    return m.key;
  }

  /**
   * Stores every item or throws: when this resolves, all values are in the archive — except items
   * the archive (400) or the client's checks refuse as invalid when `onRefused` is given: those are
   * reported through it, in item order, and the rest are stored (a bad item must not block the ones
   * after it forever). Only the items of a metadata that met a refusal are sent again, one by one.
   * Up to `concurrency` metadata are stored at once; counts, refusals and the error thrown do not
   * depend on which of them finishes first.
   * @throws the client's error (after its retries) of the first metadata, in item order, that
   * failed; no request of this call is still running when it throws.
   */
  async store(items: readonly SinkItem[], onRefused?: (index: number, error: Error) => void): Promise<StoreCounts> {
    const groups = groupByMetadata(items);
    const counts: StoreCounts = { written: 0, duplicates: 0, metadata: groups.length };
    const retry: number[] = [];
    /** A group's failure: a refusal sends its items again one by one (when refusals are reported), anything else ends the call. */
    const failed = (group: MetadataGroup, err: unknown): void => {
      if (onRefused === undefined || !isRefusal(err)) throw err;
      retry.push(...group.items);
    };
    /** A group stored the plain way: a metadata POST (unless cached), then bulk PUTs. */
    const plain = async (group: MetadataGroup): Promise<void> => {
      try {
        const key = await this.metadataKey(group.metadata);
        const r = await this.writeAll(key, pointsOf(group));
        counts.written += r.written;
        counts.duplicates += r.duplicates + group.repeated;
      } catch (err) {
        failed(group, err);
      }
    };
    const client = this.client;
    const batchState = (): string => client.writeBatchState?.() ?? 'refused';
    if (!this.batchWrites || client.writeBatch === undefined || batchState() === 'refused') {
      await pool(groups, this.concurrency, plain);
    } else {
      let rest = groups;
      // Until the archive answered a write, nobody knows whether it offers batches: the first
      // metadata goes the plain way (its answer tells), the others follow once it is stored.
      if (batchState() === 'unknown' && rest.length > 0) {
        await plain(rest[0] as MetadataGroup);
        rest = rest.slice(1);
      }
      if (batchState() === 'offered') {
        await pool(this.units(rest), BATCHES_IN_FLIGHT, (unit) =>
          unit.length === 1 && (unit[0]?.points.size ?? 0) > this.batchSize
            ? plain(unit[0] as MetadataGroup)
            : this.storeBatch(unit, counts, plain, failed),
        );
      } else await pool(rest, this.concurrency, plain);
    }
    for (const i of retry.sort((a, b) => a - b)) {
      try {
        const c = await this.store(items.slice(i, i + 1));
        counts.written += c.written;
        counts.duplicates += c.duplicates;
      } catch (err) {
        if (!isRefusal(err)) throw err;
        onRefused?.(i, err);
      }
    }
    return counts;
  }

  /**
   * The groups cut into batch requests, in order: runs of up to {@link BATCH_ITEMS} groups, and
   * on its own each group with more timestamps than one bulk PUT takes (stored the plain way).
   */
  private units(groups: readonly MetadataGroup[]): MetadataGroup[][] {
    const units: MetadataGroup[][] = [];
    let run: MetadataGroup[] = [];
    for (const group of groups) {
      if (group.points.size > this.batchSize) {
        if (run.length > 0) units.push(run);
        units.push([group]);
        run = [];
        continue;
      }
      run.push(group);
      if (run.length >= BATCH_ITEMS) {
        units.push(run);
        run = [];
      }
    }
    if (run.length > 0) units.push(run);
    return units;
  }

  /**
   * Stores groups (each at most one bulk PUT's worth) in one batch request, then handles each
   * outcome in group order as the plain path handles its requests' answers: a key is cached, a
   * 409 is written again value by value, a refusal or another error goes to `failed`, and an
   * item the archive could not serve now (5xx) is stored the plain way, with the client's retries.
   * Falls back to the plain way for all when the archive turned out not to offer batches.
   */
  private async storeBatch(
    groups: readonly MetadataGroup[],
    counts: StoreCounts,
    plain: (group: MetadataGroup) => Promise<void>,
    failed: (group: MetadataGroup, err: unknown) => void,
  ): Promise<void> {
    const items: BatchWriteItem[] = groups.map((g) => ({
      metadata: this.keys.get(g.id) ?? g.metadata,
      data: pointsOf(g),
    }));
    const outcomes = await this.client.writeBatch?.(items);
    if (outcomes === undefined) {
      await pool(groups, this.concurrency, plain);
      return;
    }
    for (const [i, group] of groups.entries()) {
      const { key, error } = outcomes[i] ?? {};
      if (key !== undefined) this.remember(group.id, key);
      if (error === undefined) {
        counts.written += (items[i]?.data ?? []).reduce((n, d) => n + d.val.length, 0);
        counts.duplicates += group.repeated;
      } else if (key !== undefined && isConflict(error)) {
        const r = await this.valueByValue(key, pointsOf(group));
        counts.written += r.written;
        counts.duplicates += r.duplicates + group.repeated;
      } else if (isHttpError(error) && error.status >= 500) await plain(group);
      else failed(group, error);
    }
  }

  /**
   * Bulk PUTs of at most `batchSize` timestamps. A PUT answered 409 (some value already stored) is
   * sent again value by value, skipping those; PUTs before it stay counted as written, not re-sent.
   */
  private async writeAll(
    key: string,
    data: { ts: number; val: EsmondValue[] }[],
  ): Promise<{ written: number; duplicates: number }> {
    let written = 0;
    let duplicates = 0;
    for (let from = 0; from < data.length; from += this.batchSize) {
      const r = await this.writeBatch(key, data.slice(from, from + this.batchSize));
      written += r.written;
      duplicates += r.duplicates;
    }
    return { written, duplicates };
  }

  private async writeBatch(
    key: string,
    batch: { ts: number; val: EsmondValue[] }[],
  ): Promise<{ written: number; duplicates: number }> {
    try {
      await this.client.putBulk(key, batch, { batchSize: batch.length });
      return { written: batch.reduce((n, d) => n + d.val.length, 0), duplicates: 0 };
    } catch (err) {
      if (!isConflict(err)) throw err;
    }
    return this.valueByValue(key, batch);
  }

  /** A batch the archive refused with 409 (some value already stored), sent again value by value, skipping those. */
  private async valueByValue(
    key: string,
    batch: readonly { ts: number; val: EsmondValue[] }[],
  ): Promise<{ written: number; duplicates: number }> {
    let written = 0;
    let duplicates = 0;
    for (const { ts, val } of batch) {
      for (const v of val) {
        try {
          await this.client.postPoint(key, v['event-type'], { ts, val: v.val });
          written += 1;
        } catch (err) {
          if (!isConflict(err)) throw err;
          duplicates += 1;
        }
      }
    }
    return { written, duplicates };
  }
}
