/**
 * The archive core's data writes (archive-api.md: Writing): a request is validated whole (numeric
 * duplicates found with at most one query per series), then stored in one store transaction.
 * @module
 */
import { dataTypeOf } from '../model/event-types.js';
import { pythonInt } from '../model/pyparse.js';
import { ApiError, type RequestContext } from './types.js';
import type { ArchiveStore, SeriesWrite, WriteRow } from './storage/store.js';
import { parseWriteTimestamp, validateValue, pyStr, type NormalizedValue } from './validate.js';
import { rejectsDuplicates, seriesWrite, writeTargetOf, type WriteTarget } from './series.js';
import { seriesTypeOf } from './service-reads.js';
import { isDataContentType, parseDataJson } from './body.js';
import { scanBulkBody, type ScannedBody } from './bulk-body-scan.js';

/** The 409 of a numeric base point whose ts is already stored. */
function duplicate(eventType: string, ts: number): ApiError {
  return new ApiError(409, `Time series value already exists with event type ${eventType} at time ${ts}`);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function has(o: Record<string, unknown>, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(o, key);
}

/**
 * The validated base points of one event type of a request, in request order (only targets
 * with a base row store anything).
 */
interface TargetPoints {
  target: WriteTarget;
  ts: number[];
  values: NormalizedValue[];
  /**
   * The timestamps seen, built only once they stop rising (numeric types, which refuse a
   * duplicate ts): while each ts is above the previous one, none can repeat.
   */
  seen: Set<number> | undefined;
}

/** Per-request state of a bulk write. */
interface WriteRequest {
  /** Every event-type row of the metadata, read once for the whole request. */
  rows: readonly WriteRow[];
  targets: Map<string, WriteTarget>;
  /** Base series id → numeric timestamps already stored (prefetched). */
  stored: Map<number, Set<number>>;
  /** The points to store, by target, in first-seen order. */
  points: Map<WriteTarget, TargetPoints>;
}

/** A request's state, with the metadata's rows from one store call. */
async function startRequest(store: ArchiveStore, key: string): Promise<WriteRequest> {
  return { rows: await store.writeRows(key), targets: new Map(), stored: new Map(), points: new Map() };
}

/** The points of `target` in a request, created empty on first use. */
function pointsOf(request: WriteRequest, target: WriteTarget): TargetPoints {
  let list = request.points.get(target);
  if (list === undefined) request.points.set(target, (list = { target, ts: [], values: [], seen: undefined }));
  return list;
}

/** The latest stored ts of any numeric base series among `rows` (undefined: all empty). */
function latestStored(rows: readonly WriteRow[]): number | undefined {
  let latest: number | undefined;
  for (const r of rows) if (r.lastTs !== undefined && (latest === undefined || r.lastTs > latest)) latest = r.lastTs;
  return latest;
}

/** Single-point and bulk writes over a store. */
export class DataWrites {
  constructor(private readonly store: ArchiveStore) {}

  /**
   * The point list a point of `target` at `ts` goes to (undefined: the type has no base row, so
   * nothing is stored): 409 for a numeric base point whose ts is already stored or came earlier
   * in the request. Called before the value is validated (esmond's order of checks).
   */
  private checkDuplicate(request: WriteRequest, target: WriteTarget, ts: number): TargetPoints | undefined {
    const base = target.base;
    if (!base) return undefined;
    const list = pointsOf(request, target);
    if (!rejectsDuplicates(target.dataType)) return list;
    // Only a ts at or below the series' last one can be stored already.
    if (base.lastTs !== undefined && ts <= base.lastTs && request.stored.get(base.seriesId)?.has(ts) === true) {
      throw duplicate(target.eventType, ts);
    }
    const previous = list.ts.length > 0 ? list.ts[list.ts.length - 1] : undefined;
    if (list.seen === undefined && previous !== undefined && ts <= previous) list.seen = new Set(list.ts);
    if (list.seen?.has(ts) === true) throw duplicate(target.eventType, ts);
    return list;
  }

  /** Adds a validated point to its list (from {@link checkDuplicate}). */
  private static add(list: TargetPoints | undefined, ts: number, value: NormalizedValue): void {
    if (list === undefined) return;
    list.ts.push(ts);
    list.values.push(value);
    list.seen?.add(ts);
  }

  /**
   * Finds, with at most one query per series, which numeric (series, ts) pairs of a bulk body are
   * already stored, so validation does not probe the store point by point. Appending past every
   * series' last ts (the usual case, known from the request's rows) needs no query at all.
   * Malformed parts are skipped here; the validation pass reports them.
   */
  private async prefetchStored(request: WriteRequest, data: readonly unknown[]): Promise<void> {
    const latest = latestStored(request.rows);
    if (latest === undefined) return;
    let first = Infinity;
    for (const item of data) {
      const ts = isObject(item) ? pythonInt(item['ts']) : undefined;
      if (ts !== undefined && ts < first) first = ts;
    }
    if (first > latest) return;
    const wanted = new Map<WriteRow, number[]>();
    for (const item of data) {
      if (!isObject(item) || !Array.isArray(item['val'])) continue;
      const ts = pythonInt(item['ts']);
      if (ts === undefined) continue;
      for (const entry of item['val'] as unknown[]) {
        const eventType = isObject(entry) ? entry['event-type'] : undefined;
        const target = typeof eventType === 'string' ? this.target(request, eventType) : undefined;
        if (!target?.base || !rejectsDuplicates(target.dataType)) continue;
        const list = wanted.get(target.base);
        if (list) list.push(ts);
        else wanted.set(target.base, [ts]);
      }
    }
    for (const [base, list] of wanted) {
      let min = Infinity;
      for (const t of list) if (t < min) min = t;
      const mayOverlap = base.lastTs !== undefined && min <= base.lastTs;
      request.stored.set(
        base.seriesId,
        new Set(mayOverlap ? await this.store.existingTimestamps(base.seriesId, list) : []),
      );
    }
  }

  /** The write target of an event type name (cached per request); undefined when unconfigured. */
  private target(request: WriteRequest, eventType: string): WriteTarget | undefined {
    let t = request.targets.get(eventType);
    if (t === undefined) {
      const dataType = dataTypeOf(eventType);
      if (dataType === undefined) return undefined;
      t = writeTargetOf(request.rows, eventType, dataType);
      request.targets.set(eventType, t);
    }
    return t;
  }

  /**
   * Stores a request's validated points in one store transaction; returns how many. A numeric
   * ts another request stored since validation (another process, or an interleaved request) is
   * the same 409 validation gives.
   */
  private async commit(request: WriteRequest, now: number): Promise<number> {
    let count = 0;
    const writes: SeriesWrite[] = [];
    const touch: number[] = [];
    for (const { target, ts, values } of request.points.values()) {
      count += ts.length;
      const write = seriesWrite(target, ts, values);
      if (write) writes.push(write);
      for (const r of target.rows) touch.push(r.seriesId);
    }
    if (count === 0) return 0;
    const outcome = await this.store.writeSeries({ writes, touch, now: Math.floor(now) });
    if (!outcome.ok) {
      const targets = [...request.points.keys()];
      const target = targets.find((t) => t.base?.seriesId === outcome.conflict.baseSeriesId);
      throw duplicate(target?.eventType ?? '', outcome.conflict.ts);
    }
    return count;
  }

  async writePoint(
    key: string,
    eventType: string,
    segment: string,
    body: unknown,
    ctx: RequestContext,
  ): Promise<number> {
    if (!isObject(body) || !has(body, 'ts')) throw new ApiError(400, 'Required field ts not provided in request');
    const ts = parseWriteTimestamp(body['ts']);
    if (!has(body, 'val')) throw new ApiError(400, 'Required field val not provided in request');
    const dataType = dataTypeOf(eventType);
    if (dataType === undefined) throw new ApiError(400, `Invalid event type ${eventType}`);
    const summaryType = seriesTypeOf(segment);
    if (summaryType === undefined) throw new ApiError(400, `Invalid summary type ${segment}`);
    if (summaryType !== 'base') {
      throw new ApiError(400, `Only base summary-type allowed for writing. Cannot use ${segment}`);
    }
    const request = await startRequest(this.store, key);
    const target = writeTargetOf(request.rows, eventType, dataType);
    const base = target.base;
    if (base && rejectsDuplicates(dataType) && base.lastTs !== undefined && ts <= base.lastTs) {
      request.stored.set(base.seriesId, new Set(await this.store.existingTimestamps(base.seriesId, [ts])));
    }
    const list = this.checkDuplicate(request, target, ts);
    DataWrites.add(list, ts, validateValue(dataType, body['val']));
    return this.commit(request, ctx.now);
  }

  /**
   * A bulk write of a raw request body. A body of the usual shape (see `bulk-body-scan.ts`)
   * whose points all go to integer or float series, past each one's last stored ts, is stored
   * without the plain parse and validation; every other body, and every error, is decided by
   * {@link bulkWrite} over `parseDataJson`, as before.
   */
  async bulkWriteBody(
    key: string,
    contentType: string | undefined,
    body: Buffer,
    ctx: RequestContext,
  ): Promise<number> {
    const scanned = isDataContentType(contentType) ? scanBulkBody(body) : undefined;
    const stored = scanned && (await this.writeScanned(key, scanned, ctx));
    if (stored !== undefined) return stored;
    return this.bulkWrite(key, parseDataJson(contentType, body), ctx);
  }

  /**
   * {@link bulkWrite} of a scanned body, for the case it covers (undefined: not covered, the
   * plain path decides). The scanner vouches for the shape, the ts range and that no ts
   * repeats within an event type; a ts above the series' last stored one cannot be stored yet.
   */
  private async writeScanned(key: string, body: ScannedBody, ctx: RequestContext): Promise<number | undefined> {
    const request = await startRequest(this.store, key);
    for (const { eventType, ts, values } of body.series) {
      const target = this.target(request, eventType);
      const base = target?.base;
      if (!base || (target.dataType !== 'integer' && target.dataType !== 'float')) return undefined;
      if (base.lastTs !== undefined && (ts[0] as number) <= base.lastTs) return undefined;
      const normalized: NormalizedValue[] = [];
      try {
        for (const value of values) normalized.push(validateValue(target.dataType, value));
      } catch (err) {
        if (err instanceof ApiError) return undefined;
        throw err;
      }
      request.points.set(target, { target, ts, values: normalized, seen: undefined });
    }
    return this.commit(request, ctx.now);
  }

  async bulkWrite(key: string, body: unknown, ctx: RequestContext): Promise<number> {
    if (!isObject(body) || !has(body, 'data')) throw new ApiError(400, "Request must contain 'data' element");
    const data = body['data'];
    if (!Array.isArray(data)) throw new ApiError(400, "The 'data' element must be an array");
    const request = await startRequest(this.store, key);
    await this.prefetchStored(request, data as unknown[]);
    for (let index = 0; index < data.length; index++) {
      const item: unknown = data[index];
      const i = index + 1;
      if (!isObject(item) || !has(item, 'ts')) {
        throw new ApiError(400, `Missing ts field in provided data list at position ${i}`);
      }
      if (!has(item, 'val')) throw new ApiError(400, `Missing val field in provided data list at position ${i}`);
      const values = item['val'];
      if (!Array.isArray(values)) {
        throw new ApiError(400, `'val' field must be an array in provided data list at position ${i}`);
      }
      const ts = parseWriteTimestamp(item['ts']);
      for (let index2 = 0; index2 < values.length; index2++) {
        const entry: unknown = values[index2];
        const j = index2 + 1;
        if (!isObject(entry) || !has(entry, 'event-type')) {
          throw new ApiError(400, `Missing event-type field at data item ${i} in value ${j} `);
        }
        if (!has(entry, 'val')) throw new ApiError(400, `Missing val field at data item ${i} in value ${j} `);
        const eventType = entry['event-type'];
        const target = typeof eventType === 'string' ? this.target(request, eventType) : undefined;
        if (!target) throw new ApiError(400, `Invalid event type ${pyStr(eventType)}`);
        const list = this.checkDuplicate(request, target, ts);
        DataWrites.add(list, ts, validateValue(target.dataType, entry['val']));
      }
    }
    return this.commit(request, ctx.now);
  }
}
