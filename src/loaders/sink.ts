/**
 * Stores loader output through the client library: metadata is created once per distinct body
 * (cached), values are grouped per metadata into bulk PUTs, and a value the archive already holds
 * (409) counts as stored — so re-sending after a failure or a restart never duplicates data.
 * @module
 */
import { isHttpError, isValidationError } from '../http/errors.js';
import { PyFloat } from '../model/py-float.js';
import type { WireNewMetadata } from '../model/wire.js';
import type { EsmondClient } from '../query/types.js';
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
}

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

/** The items of one metadata body, merged into one point per timestamp. */
interface MetadataGroup {
  metadata: WireNewMetadata;
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
      byBody.set(id, (group = { metadata: item.metadata, points: new Map(), items: [], repeated: 0 }));
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

/** Batched, idempotent writes of loader items through an {@link EsmondClient}. */
export class ArchiveSink {
  private readonly keys = new Map<string, string>();
  private readonly cacheSize: number;
  private readonly concurrency: number;
  private readonly batchSize: number;

  constructor(
    private readonly client: EsmondClient,
    options: SinkOptions = {},
  ) {
    this.cacheSize = options.cacheSize ?? 10_000;
    this.concurrency = options.concurrency ?? DEFAULT_SINK_CONCURRENCY;
    this.batchSize = options.batchSize ?? 500;
  }

  /** The key of a metadata body, posting it when it is not cached. */
  async metadataKey(metadata: WireNewMetadata): Promise<string> {
    const id = bodyId(metadata);
    const cached = this.keys.get(id);
    if (cached !== undefined) return cached;
    const m = await this.client.postMetadata(metadata);
    if (this.keys.size >= this.cacheSize) this.keys.delete(this.keys.keys().next().value as string);
    this.keys.set(id, m.key);
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
    await pool(groups, this.concurrency, async (group) => {
      try {
        const key = await this.metadataKey(group.metadata);
        const r = await this.writeAll(
          key,
          [...group.points].map(([ts, val]) => ({ ts, val })),
        );
        counts.written += r.written;
        counts.duplicates += r.duplicates + group.repeated;
      } catch (err) {
        if (onRefused === undefined || !isRefusal(err)) throw err;
        retry.push(...group.items);
      }
    });
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
      if (!isHttpError(err) || err.status !== 409) throw err;
    }
    let written = 0;
    let duplicates = 0;
    for (const { ts, val } of batch) {
      for (const v of val) {
        try {
          await this.client.postPoint(key, v['event-type'], { ts, val: v.val });
          written += 1;
        } catch (err) {
          if (!isHttpError(err) || err.status !== 409) throw err;
          duplicates += 1;
        }
      }
    }
    return { written, duplicates };
  }
}
