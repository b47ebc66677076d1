/**
 * The batching data writer: values grouped by timestamp (a Map, not the original's linear
 * search, B25), sent as bulk PUTs of `batchSize` timestamps. A batch whose send fails for a reason
 * the client's retry policy retries (5xx, 408, 429, network, timeout) stays in a bounded retry
 * buffer and is sent again after the policy's backoff, up to `retry.limit` times; what cannot be
 * stored is reported, timestamp by timestamp, by the next `flush()` / `close()` (as
 * influxdb-client-js's write API does). `add()` never rejects because of a send, so
 * `void writer.add(…)` leaves no unhandled rejection.
 * @module
 */
import { DataWriterError, EsmondError, isHttpError, ValidationError } from '../http/errors.js';
import { DEFAULT_BATCH_SIZE, putBulkWire, type BulkItem, type WriteContext } from './write.js';
import { validateKey, validateTs, validateWriteEventType } from './validate.js';

/** Timestamps the retry buffer holds unless the caller says otherwise. */
export const DEFAULT_MAX_RETRY_BUFFER = 10_000;

/** Options of {@link createDataWriterWire}. */
export interface DataWriterWireOptions {
  batchSize?: number | undefined;
  maxRetryBuffer?: number | undefined;
}

/** The writer's methods (the public `DataWriter` type in query/types.ts is this shape). */
export interface BatchingWriter {
  add(ts: number, eventType: string, val: unknown): Promise<void>;
  flush(): Promise<void>;
  close(): Promise<void>;
}

/** A batch on its way, with how often it failed and when it may be tried again. */
interface Batch {
  items: BulkItem[];
  failures: number;
  /** `performance.now()` before which it is not retried. */
  notBefore: number;
}

function positiveInteger(n: number, name: string): number {
  if (!Number.isInteger(n) || n < 1) throw new ValidationError(`${name} must be a positive integer: ${n}`, name);
  return n;
}

/** Creates the writer (see the module comment). */
export function createDataWriterWire(
  ctx: WriteContext,
  metadataKey: string,
  options: DataWriterWireOptions = {},
): BatchingWriter {
  validateKey(metadataKey);
  const batchSize = positiveInteger(options.batchSize ?? DEFAULT_BATCH_SIZE, 'batchSize');
  const maxRetryBuffer = positiveInteger(options.maxRetryBuffer ?? DEFAULT_MAX_RETRY_BUFFER, 'maxRetryBuffer');
  const { transport } = ctx;
  // With retryWrites the transport already retried each PUT; trying again here would multiply it.
  const retryLimit = transport.retry.retryWrites ? 0 : transport.retry.limit;
  let queue = new Map<number, BulkItem['val']>();
  let queued = 0;
  let closed = false;
  const retryBuffer: Batch[] = [];
  let buffered = 0; // timestamps in retryBuffer
  let notStored: number[] = [];
  let lastError: Error | undefined;
  // Sends are serialised on this chain, which never rejects.
  let sending: Promise<void> = Promise.resolve();

  const lose = (b: Batch): void => {
    for (const item of b.items) notStored.push(item.ts);
  };

  const keepForRetry = (b: Batch): void => {
    retryBuffer.push(b);
    buffered += b.items.length;
    // Bounded: the oldest batches go first, reported as not stored.
    while (buffered > maxRetryBuffer && retryBuffer.length > 1) {
      const dropped = retryBuffer.shift();
      if (dropped === undefined) break;
      buffered -= dropped.items.length;
      lose(dropped);
    }
  };

  const sendBatch = async (b: Batch): Promise<void> => {
    try {
      await putBulkWire(ctx, metadataKey, b.items, { batchSize: Number.MAX_SAFE_INTEGER });
    } catch (e) {
      // A retry answered 409: an earlier attempt stored the batch and its answer was lost.
      if (b.failures > 0 && isHttpError(e) && e.status === 409) return;
      lastError = e instanceof Error ? e : new EsmondError(String(e));
      b.failures++;
      if (b.failures <= retryLimit && transport.isRetryable(e)) {
        b.notBefore = performance.now() + transport.backoff(b.failures - 1);
        keepForRetry(b);
      } else lose(b);
    }
  };

  /** Sends the queue and the retry batches that are due (all of them, after their backoff, when `all`). */
  const drain = (all: boolean): Promise<void> => {
    const fresh: Batch | undefined =
      queued === 0 ? undefined : { items: [...queue].map(([ts, val]) => ({ ts, val })), failures: 0, notBefore: 0 };
    queue = new Map();
    queued = 0;
    sending = sending.then(async () => {
      const now = performance.now();
      const due = all ? retryBuffer.splice(0) : retryBuffer.filter((b) => b.notBefore <= now);
      if (!all) for (const b of due) retryBuffer.splice(retryBuffer.indexOf(b), 1);
      for (const b of due) {
        buffered -= b.items.length;
        const wait = b.notBefore - performance.now();
        if (wait > 0) await transport.sleep(wait);
        await sendBatch(b);
      }
      if (fresh !== undefined) await sendBatch(fresh);
    });
    return sending;
  };

  const flush = async (): Promise<void> => {
    do await drain(true);
    while (retryBuffer.length > 0 || queued > 0);
    if (notStored.length === 0) return;
    const err = new DataWriterError(notStored, lastError);
    notStored = [];
    lastError = undefined;
    throw err;
  };

  return {
    async add(ts, eventType, val) {
      if (closed) throw new ValidationError('The data writer is closed');
      validateTs(ts);
      validateWriteEventType(eventType);
      if (val === undefined) throw new ValidationError(`Value of ${eventType} at ${ts} is missing`, 'val');
      const vals = queue.get(ts);
      if (vals) vals.push({ 'event-type': eventType, val });
      else queue.set(ts, [{ 'event-type': eventType, val }]);
      if (++queued >= batchSize) await drain(false);
    },
    flush,
    async close() {
      closed = true;
      await flush();
    },
  };
}
