/**
 * The archive core: implements {@link ArchiveService} (esmond-api §2, §5, §7) over an
 * {@link ArchiveStore}. It validates, searches, renders and writes; it never sees a socket and
 * holds no SQL. Every client error is an {@link ApiError}.
 * @module
 */
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import {
  SUMMARY_TYPE_BY_SEGMENT,
  dataTypeOf,
  type DataType,
  type SeriesType,
} from '../model/event-types.js';
import type { WireEventType, WireMetadata, WirePoint, WireSummary } from '../model/wire.js';
import {
  ApiError,
  type ArchiveService,
  type ArchiveServiceOptions,
  type DataPage,
  type KeyCheck,
  type MetadataPage,
  type Page,
  type RequestContext,
} from './types.js';
import type { ArchiveStore } from './storage/store.js';
import { openSqliteStore } from './storage/sqlite.js';
import { HostResolver, parseDnsMatchRule } from './dns.js';
import { systemForwardResolver } from '../util/dns.js';
import { MAX_METADATA_LIMIT, linkHeader, lastValues, pageLinks, parsePaging, parseSearch, timeWindow } from './search.js';
import { absoluteUrl, metadataPath, renderEventTypes, renderMetadata, renderSummaries } from './metadata-json.js';
import { metadataChecksum } from './checksum.js';
import { parseWriteTimestamp, validateMetadataBody, validateValue, pyStr, type NormalizedValue } from './validate.js';
import { cellValue, iterateCells, rejectsDuplicates, seriesWrite, writeTarget, type WriteTarget } from './series.js';
import { parseIntText, pythonInt } from '../model/pyparse.js';
import { isJsonObject } from '../model/json-object.js';

const DEFAULT_DNS_CACHE_MS = 30_000;

/** Metadata read per slice of a search page (see searchMetadata). */
const SEARCH_SLICE = 250;

const NOT_FOUND = (): ApiError => new ApiError(404, 'Not found.');

/** The 409 of a numeric base point whose ts is already stored. */
function duplicate(eventType: string, ts: number): ApiError {
  return new ApiError(409, `Time series value already exists with event type ${eventType} at time ${ts}`);
}


function has(o: Record<string, unknown>, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(o, key);
}

/** The JSON summary type of a URL segment (`averages` → `average`), own keys only. */
function seriesTypeOf(segment: string): SeriesType | undefined {
  return has(SUMMARY_TYPE_BY_SEGMENT, segment)
    ? SUMMARY_TYPE_BY_SEGMENT[segment]
    : undefined;
}

function keyHash(key: string): Buffer {
  return createHash('sha256').update(key, 'utf8').digest();
}

/** A point ready to be stored, after the whole request validated. */
interface PendingPoint {
  target: WriteTarget;
  ts: number;
  value: NormalizedValue;
}

/** Per-request state of a bulk write. */
interface WriteRequest {
  key: string;
  targets: Map<string, WriteTarget>;
  /** Base series id → numeric timestamps already stored (prefetched). */
  stored: Map<number, Set<number>>;
  /** Base series id → numeric timestamps seen earlier in this request. */
  pending: Map<number, Set<number>>;
}

/** Creates the archive core over `store`. The service owns the store: `close()` closes it. */
export function createArchiveService(store: ArchiveStore, options: ArchiveServiceOptions = {}): ArchiveService {
  return new Service(store, options);
}

/** Opens (creating if needed) a SQLite archive at `dbPath` and returns its service. */
export function openSqliteArchive(dbPath: string, options: ArchiveServiceOptions = {}): ArchiveService {
  return createArchiveService(openSqliteStore(dbPath), options);
}

class Service implements ArchiveService {
  private readonly hosts: HostResolver;

  constructor(
    private readonly store: ArchiveStore,
    options: ArchiveServiceOptions,
  ) {
    const resolver = options.resolver === undefined ? systemForwardResolver() : options.resolver;
    this.hosts = new HostResolver(resolver, options.dnsCacheMs ?? DEFAULT_DNS_CACHE_MS);
  }

  // ---- metadata --------------------------------------------------------------------------

  private async resolveQuery(params: URLSearchParams, ctx: RequestContext) {
    const values = lastValues(params);
    const parsed = parseSearch(values, ctx.now);
    if (parsed.ipFilters.length > 0) {
      const rule = parseDnsMatchRule(parsed.dnsMatchRule);
      // Resolved together; the first failing field (in source, destination, agent order) reports.
      const settled = await Promise.allSettled(parsed.ipFilters.map((f) => this.hosts.addresses(f.value, rule)));
      settled.forEach((r, i) => {
        const field = parsed.ipFilters[i]?.field;
        if (r.status === 'rejected') throw r.reason;
        if (field) parsed.query.addresses.push({ field, anyOf: r.value });
      });
    }
    return { values, query: parsed.query };
  }

  async searchMetadata(params: URLSearchParams, ctx: RequestContext): Promise<Page<WireMetadata>> {
    const page = await this.searchMetadataStream(params, ctx);
    const body: WireMetadata[] = [];
    for await (const slice of page.items) body.push(...slice);
    return page.link === undefined ? { body } : { body, link: page.link };
  }

  async searchMetadataStream(params: URLSearchParams, ctx: RequestContext): Promise<MetadataPage> {
    const { values, query } = await this.resolveQuery(params, ctx);
    const { limit, offset } = parsePaging(values, MAX_METADATA_LIMIT);
    // The first slice is read now, so a failing store is still a proper error answer; the rest
    // is read a slice at a time as the client takes the answer, yielding between slices so a
    // large page neither holds the event loop nor sits in memory.
    const first = await this.store.findMetadata(query, Math.min(limit, SEARCH_SLICE), offset);
    const total = first.total;
    const links = pageLinks(ctx.requestUrl, limit, offset, offset + limit < total);
    const store = this.store;
    async function* slices(): AsyncGenerator<WireMetadata[]> {
      const head = first.items.map((m) => renderMetadata(ctx, m));
      const top = head[0];
      if (top) {
        top['metadata-count-total'] = total;
        top['metadata-previous-page'] = links.previous;
        top['metadata-next-page'] = links.next;
      }
      yield head;
      for (let done = first.items.length; done < limit && offset + done < total; ) {
        await new Promise((resolve) => setImmediate(resolve));
        const slice = (await store.findMetadata(query, Math.min(limit - done, SEARCH_SLICE), offset + done)).items;
        if (slice.length === 0) break;
        yield slice.map((m) => renderMetadata(ctx, m));
        done += slice.length;
      }
    }
    const link = linkHeader(links);
    return link === undefined ? { items: slices() } : { items: slices(), link };
  }

  async getMetadata(key: string, params: URLSearchParams, ctx: RequestContext): Promise<WireMetadata> {
    const { query } = await this.resolveQuery(params, ctx);
    if (query.key !== undefined && query.key !== key) throw NOT_FOUND();
    query.key = key;
    const found = (await this.store.findMetadata(query, 1, 0)).items[0];
    if (!found) throw NOT_FOUND();
    return renderMetadata(ctx, found);
  }

  async createMetadata(body: unknown, ctx: RequestContext): Promise<{ metadata: WireMetadata; location: string }> {
    const spec = validateMetadataBody(body);
    // No store can keep NUL in a text column (PostgreSQL refuses it): one answer for both stores.
    if (JSON.stringify(spec).includes('\\u0000')) throw new ApiError(400, 'Metadata values may not contain NUL characters.');
    const checksum = metadataChecksum({
      subjectType: spec.subjectType,
      subject: spec.rawSubject,
      parameters: spec.parameters,
      rows: spec.rows,
    });
    const stored = await this.store.findOrInsertMetadata({
      key: randomUUID().replace(/-/g, ''),
      checksum,
      subjectType: spec.subjectType,
      subject: spec.subject,
      parameters: spec.parameters,
      eventTypes: spec.rows.map((r) => ({ ...r, timeUpdated: null })),
    });
    return { metadata: renderMetadata(ctx, stored), location: absoluteUrl(ctx, metadataPath(ctx, stored.key)) };
  }

  async eventTypeDetail(key: string, eventType: string, ctx: RequestContext): Promise<WireEventType[]> {
    return renderEventTypes(ctx, key, await this.store.eventTypeRows(key, eventType));
  }

  async summaryListing(key: string, eventType: string, segment: string, ctx: RequestContext): Promise<WireSummary[]> {
    this.checkEventType(eventType);
    const summaryType = this.checkSegment(segment);
    const rows = (await this.store.eventTypeRows(key, eventType)).filter((r) => r.summaryType === summaryType);
    if (rows.length === 0) throw NOT_FOUND();
    return renderSummaries(ctx, key, rows);
  }

  // ---- data reads ------------------------------------------------------------------------

  private checkEventType(eventType: string): DataType {
    const dataType = dataTypeOf(eventType);
    if (dataType === undefined) throw new ApiError(400, `Unsupported event type '${eventType}' provided`);
    return dataType;
  }

  private checkSegment(segment: string): SeriesType {
    const summaryType = seriesTypeOf(segment);
    if (summaryType === undefined) throw new ApiError(400, `Invalid summary type '${segment}'`);
    return summaryType;
  }

  async readData(
    key: string,
    eventType: string,
    segment: string,
    window: string | undefined,
    params: URLSearchParams,
    ctx: RequestContext,
  ): Promise<DataPage> {
    const dataType = this.checkEventType(eventType);
    const summaryType = this.checkSegment(segment);
    const w = window === undefined ? 0 : parseIntText(window);
    if (w === undefined) throw new ApiError(400, 'Summary window parameter must be an integer');
    const values = lastValues(params);
    const { begin, end } = timeWindow(values, ctx.now, 'data');
    const { limit, offset } = parsePaging(values);
    const row = (await this.store.eventTypeRows(key, eventType)).find(
      (r) => r.summaryType === summaryType && r.window === w,
    );
    const hasMore = row !== undefined && (await this.store.hasCellBeyond(row.seriesId, begin, end, offset + limit));
    const link = linkHeader(pageLinks(ctx.requestUrl, limit, offset, hasMore));
    const store = this.store;
    const points: AsyncIterable<WirePoint[]> = {
      async *[Symbol.asyncIterator]() {
        if (!row) return;
        for await (const chunk of iterateCells(store, row.seriesId, begin, end, offset, limit)) {
          yield chunk.map((cell) => ({ ts: cell.ts, val: cellValue(dataType, summaryType, cell) }));
        }
      },
    };
    return link === undefined ? { points } : { points, link };
  }

  // ---- writes ----------------------------------------------------------------------------

  /** 409 for a numeric base point whose ts is already stored or came earlier in the request. */
  private checkDuplicate(target: WriteTarget, ts: number, request: WriteRequest): void {
    const base = target.base;
    if (!base || !rejectsDuplicates(target.dataType)) return;
    const stored = request.stored.get(base.seriesId)?.has(ts) === true;
    let pending = request.pending.get(base.seriesId);
    if (stored || pending?.has(ts)) throw duplicate(target.eventType, ts);
    if (!pending) request.pending.set(base.seriesId, (pending = new Set()));
    pending.add(ts);
  }

  /**
   * Finds, with at most one query per series, which numeric (series, ts) pairs of a bulk body are
   * already stored, so validation does not probe the store point by point. Appending past a
   * series' last ts (the usual case) needs no probe at all. Malformed parts are skipped here;
   * the validation pass reports them.
   */
  private async prefetchStored(request: WriteRequest, data: readonly unknown[]): Promise<void> {
    const wanted = new Map<number, number[]>();
    for (const item of data) {
      if (!isJsonObject(item) || !Array.isArray(item['val'])) continue;
      const ts = pythonInt(item['ts']);
      if (ts === undefined) continue;
      for (const entry of item['val'] as unknown[]) {
        const eventType = isJsonObject(entry) ? entry['event-type'] : undefined;
        const target = typeof eventType === 'string' ? await this.target(request, eventType) : undefined;
        if (!target?.base || !rejectsDuplicates(target.dataType)) continue;
        const list = wanted.get(target.base.seriesId);
        if (list) list.push(ts);
        else wanted.set(target.base.seriesId, [ts]);
      }
    }
    for (const [seriesId, list] of wanted) {
      let min = Infinity;
      for (const t of list) if (t < min) min = t;
      const last = await this.store.lastTimestamp(seriesId);
      const mayOverlap = last !== undefined && min <= last;
      request.stored.set(seriesId, new Set(mayOverlap ? await this.store.existingTimestamps(seriesId, list) : []));
    }
  }

  /** The write target of an event type name (cached per request); undefined when unconfigured. */
  private async target(request: WriteRequest, eventType: string): Promise<WriteTarget | undefined> {
    let t = request.targets.get(eventType);
    if (t === undefined) {
      const dataType = dataTypeOf(eventType);
      if (dataType === undefined) return undefined;
      t = await writeTarget(this.store, request.key, eventType, dataType);
      request.targets.set(eventType, t);
    }
    return t;
  }

  /**
   * Stores validated points in one store transaction. A numeric ts another request stored since
   * validation (another process, or an interleaved request) is the same 409 validation gives.
   */
  private async commit(points: readonly PendingPoint[], now: number): Promise<void> {
    if (points.length === 0) return;
    const byTarget = new Map<WriteTarget, PendingPoint[]>();
    for (const p of points) {
      const list = byTarget.get(p.target);
      if (list) list.push(p);
      else byTarget.set(p.target, [p]);
    }
    const writes = [...byTarget].flatMap(([target, list]) => seriesWrite(target, list) ?? []);
    const outcome = await this.store.writeSeries({
      writes,
      touch: [...byTarget.keys()].flatMap((t) => t.rows.map((r) => r.seriesId)),
      now: Math.floor(now),
    });
    if (!outcome.ok) {
      const target = [...byTarget.keys()].find((t) => t.base?.seriesId === outcome.conflict.baseSeriesId);
      throw duplicate(target?.eventType ?? '', outcome.conflict.ts);
    }
  }

  async writePoint(key: string, eventType: string, segment: string, body: unknown, ctx: RequestContext): Promise<number> {
    if (!isJsonObject(body) || !has(body, 'ts')) throw new ApiError(400, 'Required field ts not provided in request');
    const ts = parseWriteTimestamp(body['ts']);
    if (!has(body, 'val')) throw new ApiError(400, 'Required field val not provided in request');
    const dataType = dataTypeOf(eventType);
    if (dataType === undefined) throw new ApiError(400, `Invalid event type ${eventType}`);
    const summaryType = seriesTypeOf(segment);
    if (summaryType === undefined) throw new ApiError(400, `Invalid summary type ${segment}`);
    if (summaryType !== 'base') {
      throw new ApiError(400, `Only base summary-type allowed for writing. Cannot use ${segment}`);
    }
    const target = await writeTarget(this.store, key, eventType, dataType);
    const request: WriteRequest = { key, targets: new Map(), stored: new Map(), pending: new Map() };
    if (target.base && rejectsDuplicates(dataType)) {
      request.stored.set(target.base.seriesId, new Set(await this.store.existingTimestamps(target.base.seriesId, [ts])));
    }
    this.checkDuplicate(target, ts, request);
    const value = validateValue(dataType, body['val']);
    if (!target.base) return 0;
    await this.commit([{ target, ts, value }], ctx.now);
    return 1;
  }

  async bulkWrite(key: string, body: unknown, ctx: RequestContext): Promise<number> {
    if (!isJsonObject(body) || !has(body, 'data')) throw new ApiError(400, "Request must contain 'data' element");
    const data = body['data'];
    if (!Array.isArray(data)) throw new ApiError(400, "The 'data' element must be an array");
    const request: WriteRequest = { key, targets: new Map(), stored: new Map(), pending: new Map() };
    await this.prefetchStored(request, data as unknown[]);
    const points: PendingPoint[] = [];
    for (let index = 0; index < data.length; index++) {
      const item: unknown = data[index];
      const i = index + 1;
      if (!isJsonObject(item) || !has(item, 'ts')) {
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
        if (!isJsonObject(entry) || !has(entry, 'event-type')) {
          throw new ApiError(400, `Missing event-type field at data item ${i} in value ${j} `);
        }
        if (!has(entry, 'val')) throw new ApiError(400, `Missing val field at data item ${i} in value ${j} `);
        const eventType = entry['event-type'];
        const target = typeof eventType === 'string' ? (request.targets.get(eventType) ?? (await this.target(request, eventType))) : undefined;
        if (!target) throw new ApiError(400, `Invalid event type ${pyStr(eventType)}`);
        this.checkDuplicate(target, ts, request);
        const value = validateValue(target.dataType, entry['val']);
        if (target.base) points.push({ target, ts, value });
      }
    }
    await this.commit(points, ctx.now);
    return points.length;
  }

  // ---- users -----------------------------------------------------------------------------

  async verifyKey(key: string, user?: string): Promise<boolean> {
    return (await this.checkKey(key, user)) === 'ok';
  }

  async checkKey(key: string, user?: string): Promise<KeyCheck> {
    const hash = keyHash(key);
    let result: KeyCheck = 'unknown';
    for (const u of await this.store.usersByKeyHash(hash)) {
      const same = u.keyHash.length === hash.length && timingSafeEqual(u.keyHash, hash);
      if (!same || (user !== undefined && u.name !== user)) continue;
      if (u.active) return 'ok';
      result = 'inactive';
    }
    return result;
  }

  setUserActive(name: string, active: boolean): Promise<boolean> {
    return this.store.setUserActive(name, active);
  }

  listUsers(): Promise<{ name: string; active: boolean }[]> {
    return this.store.listUsers();
  }

  async addUser(name: string, key?: string): Promise<string> {
    const secret = key ?? randomBytes(20).toString('hex');
    await this.store.addUser(name, keyHash(secret));
    return secret;
  }

  close(): Promise<void> {
    return this.store.close();
  }
}
