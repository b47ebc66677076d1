/**
 * Stores loader output through the client library: metadata is created once per distinct body
 * (cached), values are grouped per metadata into bulk PUTs, and a value the archive already holds
 * (409) counts as stored — so re-sending after a failure or a restart never duplicates data.
 * @module
 */
import { isHttpError, isValidationError } from '../http/errors.js';
import type { WireNewMetadata } from '../model/wire.js';
import type { EsmondClient } from '../query/types.js';
import type { EsmondItem, EsmondValue } from './esmond-item.js';

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
  /** Metadata handled in parallel. @defaultValue 4 */
  concurrency?: number;
  /** Timestamps per bulk PUT. @defaultValue 500 */
  batchSize?: number;
}

/** The archive (400) or the client's own checks before sending refused the item as invalid. */
function isRefusal(err: unknown): err is Error {
  return (isHttpError(err) && err.status === 400) || isValidationError(err);
}

/** Runs `fn` over `items`, at most `limit` at a time; rejects with the first error. */
async function pool<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await fn(items[next++]!);
  });
  await Promise.all(workers);
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
    this.concurrency = options.concurrency ?? 4;
    this.batchSize = options.batchSize ?? 500;
  }

  /** The key of a metadata body, posting it when it is not cached. */
  async metadataKey(metadata: WireNewMetadata): Promise<string> {
    const id = JSON.stringify(metadata);
    const cached = this.keys.get(id);
    if (cached !== undefined) return cached;
    const m = await this.client.postMetadata(metadata);
    if (this.keys.size >= this.cacheSize) this.keys.delete(this.keys.keys().next().value as string);
    this.keys.set(id, m.key);
    return m.key;
  }

  /**
   * Stores every item or throws: when this resolves, all values are in the archive — except items
   * the archive (400) or the client's checks refuse as invalid when `onRefused` is given: those are reported through it,
   * one by one, and the rest are stored (a bad item must not block the ones after it forever).
   * @throws the client's error (after its retries) for the first failed request.
   */
  async store(items: readonly SinkItem[], onRefused?: (index: number, error: Error) => void): Promise<StoreCounts> {
    try {
      return await this.storeAll(items);
    } catch (err) {
      if (onRefused === undefined || !isRefusal(err)) throw err;
    }
    const total: StoreCounts = { written: 0, duplicates: 0, metadata: 0 };
    for (let i = 0; i < items.length; i++) {
      try {
        const c = await this.storeAll([items[i]!]);
        total.written += c.written;
        total.duplicates += c.duplicates;
        total.metadata += c.metadata;
      } catch (err) {
        if (!isRefusal(err)) throw err;
        onRefused(i, err);
      }
    }
    return total;
  }

  private async storeAll(items: readonly SinkItem[]): Promise<StoreCounts> {
    const counts: StoreCounts = { written: 0, duplicates: 0, metadata: 0 };
    // Group by metadata body first, so each distinct metadata is posted once.
    const byBody = new Map<string, { metadata: WireNewMetadata; points: Map<number, EsmondValue[]> }>();
    for (const item of items) {
      if (item.values.length === 0) continue;
      const id = JSON.stringify(item.metadata);
      let group = byBody.get(id);
      if (group === undefined) byBody.set(id, (group = { metadata: item.metadata, points: new Map() }));
      const at = group.points.get(item.ts) ?? [];
      for (const v of item.values) {
        // Two values of one event type at one second of one metadata: the archive keeps one.
        if (at.some((x) => x['event-type'] === v['event-type'])) counts.duplicates += 1;
        else at.push(v);
      }
      group.points.set(item.ts, at);
    }
    counts.metadata = byBody.size;
    await pool([...byBody.values()], this.concurrency, async (group) => {
      const key = await this.metadataKey(group.metadata);
      const data = [...group.points].map(([ts, val]) => ({ ts, val }));
      const r = await this.writeAll(key, data);
      counts.written += r.written;
      counts.duplicates += r.duplicates;
    });
    return counts;
  }

  /**
   * Bulk PUTs of at most `batchSize` timestamps. A PUT answered 409 (some value already stored) is
   * sent again value by value, skipping those; PUTs before it stay counted as written, not re-sent.
   */
  private async writeAll(key: string, data: { ts: number; val: EsmondValue[] }[]): Promise<{ written: number; duplicates: number }> {
    let written = 0;
    let duplicates = 0;
    for (let from = 0; from < data.length; from += this.batchSize) {
      const r = await this.writeBatch(key, data.slice(from, from + this.batchSize));
      written += r.written;
      duplicates += r.duplicates;
    }
    return { written, duplicates };
  }

  private async writeBatch(key: string, batch: { ts: number; val: EsmondValue[] }[]): Promise<{ written: number; duplicates: number }> {
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
