/**
 * The esmond backend of the client (esmond 4.x and elmond): the {@link EsmondClient}
 * implementation over the esmond REST API. Query paging lives in `metadata-search.ts` and
 * `time-cursor.ts`, writes in `post/write.ts`; this module wires them to one transport (one
 * keep-alive pool) and resolves URLs. `createClient` (src/client.ts) picks this backend or
 * another one.
 * @module
 */
import { HttpError, isHttpError, ResponseError, ValidationError } from '../http/errors.js';
import type { JsonResponse, Transport } from '../http/transport.js';
import { dataTypeOf, SUMMARY_URL_SEGMENT } from '../model/event-types.js';
import { parseJsonKeepingOrder } from '../model/ordered-json.js';
import type { WireNewMetadata, WirePoint } from '../model/wire.js';
import { validateKey } from '../post/validate.js';
import { createDataWriterWire } from '../post/data-writer.js';
import { postMetadataWire, postPointWire, putBulkWire, type WriteContext } from '../post/write.js';
import { writeBatchWire } from '../post/write-batch.js';
import { decodeMetadata, decodeSummaryInfo } from './codec.js';
import { searchMetadataPages } from './metadata-search.js';
import { ASYNC_DISPOSE, listedSummaries, metadataResults, pointsOf } from './results.js';
import { transportFor, type ClientTestHooks } from './transport-options.js';
import { checkPageSize, PagingContractError, planWindow, timeCursorPages, type FetchedPage } from './time-cursor.js';
import type {
  CallOptions,
  ClientOptions,
  DataQuery,
  DataWriter,
  DataWriterOptions,
  EsmondClient,
  Metadata,
  MetadataQuery,
  MetadataResults,
  SeriesSelector,
  SummaryInfo,
} from './types.js';
import { resolveArchiveUrl, resolveServerPath, segment, type ArchiveLocation } from './url.js';
import { seriesType, summaryTypeOf } from './series-type.js';

/** Checks an event-type name before it becomes a path segment (unknown names are the server's call). */
function checkEventType(et: unknown): asserts et is string {
  if (typeof et !== 'string' || !/^[\w.-]+$/.test(et))
    throw new ValidationError(`Invalid event type: ${JSON.stringify(et)}`, 'eventType');
}

/** The URL of a series, and a second one to try on 404 (elmond only serves `…/base/0`). */
interface SeriesUrl {
  url: string;
  fallback: string | undefined;
}

function seriesUrl(
  loc: ArchiveLocation,
  metadata: string | Metadata,
  eventType: string,
  series: SeriesSelector | undefined,
): SeriesUrl {
  checkEventType(eventType);
  const st = seriesType(series?.summaryType);
  const w = series?.summaryWindow ?? 0;
  if (!Number.isInteger(w) || w < 0)
    throw new ValidationError(`summaryWindow must be a non-negative integer: ${w}`, 'summaryWindow');
  if (typeof metadata !== 'string') {
    // Prefer the server's own URIs: they are right for elmond (`base/0`) and for any mount. The
    // metadata lists every series it has, so asking for another one is a mistake, not "no data".
    const et = metadata.eventTypes.find((e) => e.eventType === eventType);
    if (et === undefined) {
      const have = metadata.eventTypes.map((e) => e.eventType).join(', ') || 'none';
      throw new ValidationError(
        `Metadata ${metadata.key} has no event type ${eventType} (it has: ${have})`,
        'eventType',
      );
    }
    if (st === 'base' && w === 0) return { url: resolveServerPath(loc, et.baseUri), fallback: undefined };
    const s = et.summaries.find((x) => x.summaryType === st && x.summaryWindow === w);
    if (s !== undefined) return { url: resolveServerPath(loc, s.uri), fallback: undefined };
    if (st !== 'base') {
      const have = ['base', ...et.summaries.map((x) => `${x.summaryType}/${x.summaryWindow}`)].join(', ');
      throw new ValidationError(
        `Metadata ${metadata.key} has no ${st} summary with window ${w} for ${eventType} (it has: ${have})`,
        'summaryWindow',
      );
    }
  }
  const key = typeof metadata === 'string' ? metadata : metadata.key;
  validateKey(key);
  const base = `${loc.archiveUrl}${segment(key)}/${segment(eventType)}/`;
  if (st === 'base')
    return w === 0
      ? { url: `${base}base`, fallback: `${base}base/0` }
      : { url: `${base}base/${w}`, fallback: undefined };
  return { url: `${base}${SUMMARY_URL_SEGMENT[st]}/${w}`, fallback: undefined };
}

/** Link header says there is a next page (esmond's paginator, archive-api.md: Reading data). */
function hasNextLink(link: string | string[] | undefined): boolean {
  const v = Array.isArray(link) ? link.join(',') : link;
  return v !== undefined && /rel="?next"?/.test(v);
}

/**
 * Histogram values keep the archive's bucket order (JSON.parse would put integer-like buckets
 * first); every other series is parsed by the faster JSON.parse.
 */
function parserFor(eventType: string, series: SeriesSelector | undefined): ((text: string) => unknown) | undefined {
  return dataTypeOf(eventType) === 'histogram' && seriesType(series?.summaryType) !== 'statistics'
    ? parseJsonKeepingOrder
    : undefined;
}

/** The `Date` header as UNIX seconds, or `undefined` when absent or unparsable. */
function serverClock(date: string | string[] | undefined): number | undefined {
  const ms = Date.parse(Array.isArray(date) ? (date[0] ?? '') : (date ?? ''));
  return Number.isNaN(ms) ? undefined : Math.floor(ms / 1000);
}

/** Pages of one series: the fetcher the time cursor calls, with the `base` → `base/0` fallback. */
async function* seriesPages<V>(
  transport: Transport,
  target: SeriesUrl,
  query: DataQuery | undefined,
  parse: ((text: string) => unknown) | undefined,
): AsyncGenerator<WirePoint<V>[], void, undefined> {
  const plan = planWindow(query ?? {});
  const pageSize = checkPageSize(query?.pageSize);
  const signal = query?.signal;
  let { url, fallback } = target;
  // Only what an error message needs of the last response: the response itself holds the page's
  // text and parsed points, which would then live on while the next page is fetched (and be
  // promoted to the old generation, which is what makes a long export's heap grow).
  let last: { url: string; status: number } | undefined;
  const fetchPage = async (params: Array<[string, string]>): Promise<FetchedPage<V>> => {
    let r: JsonResponse;
    try {
      r = await transport.sendJson({ url, query: params, signal, parse });
    } catch (e) {
      if (fallback === undefined || !isHttpError(e) || e.status !== 404) throw e;
      url = fallback;
      fallback = undefined;
      r = await transport.sendJson({ url, query: params, signal, parse });
    }
    fallback = undefined; // only the first request may discover the URL form
    last = { url: r.url, status: r.status };
    if (!Array.isArray(r.json)) {
      throw new ResponseError('data answer is not a JSON array', {
        method: 'GET',
        url: r.url,
        status: r.status,
        body: r.text,
      });
    }
    return {
      points: r.json as WirePoint<V>[],
      more: hasNextLink(r.headers['link']),
      serverTime: serverClock(r.headers['date']),
    };
  };
  try {
    yield* timeCursorPages(plan, pageSize, fetchPage);
  } catch (e) {
    if (e instanceof PagingContractError) {
      throw new ResponseError(e.message, { method: 'GET', url: last?.url ?? url, status: last?.status, cause: e });
    }
    throw e;
  }
}

/**
 * A client for one esmond or elmond archive (with test hooks: tests and benches may call this
 * module directly). One keep-alive connection pool per client; call {@link EsmondClient.close}
 * when done.
 * @throws ValidationError for a bad URL or bad credentials (nothing is sent).
 */
export function createEsmondClient(options: ClientOptions & ClientTestHooks): EsmondClient {
  const loc = resolveArchiveUrl(options.url, options.scriptAlias);
  const transport = transportFor(options);
  const ctx: WriteContext = {
    transport,
    archiveUrl: loc.archiveUrl,
    serializeBody: options.serializeBody,
    batch: { state: 'unknown' },
  };

  async function getMetadata(key: string, opts: CallOptions = {}): Promise<Metadata> {
    validateKey(key);
    let r: JsonResponse;
    try {
      r = await transport.sendJson({ url: `${loc.archiveUrl}${segment(key)}/`, signal: opts.signal });
    } catch (e) {
      // esmond wants the trailing slash, elmond refuses it; try the other form before giving up.
      if (!isHttpError(e) || e.status !== 404) throw e;
      try {
        r = await transport.sendJson({ url: `${loc.archiveUrl}${segment(key)}`, signal: opts.signal });
      } catch (e2) {
        throw isHttpError(e2) && e2.status === 404 ? e : e2;
      }
    }
    // Some servers answer the detail route with a one-element list.
    const body = Array.isArray(r.json) && r.json.length === 1 ? (r.json[0] as unknown) : r.json;
    return decodeMetadata(body, { method: 'GET', url: r.url, status: r.status, body: r.text });
  }

  const close = (): Promise<void> => transport.close();

  function dataPages<V = unknown>(
    metadata: string | Metadata,
    eventType: string,
    series?: SeriesSelector,
    query?: DataQuery,
  ): AsyncIterable<WirePoint<V>[]> {
    return {
      [Symbol.asyncIterator]: () =>
        seriesPages<V>(transport, seriesUrl(loc, metadata, eventType, series), query, parserFor(eventType, series)),
    };
  }

  return {
    archiveUrl: loc.archiveUrl,
    origin: loc.origin,

    searchMetadata(query?: MetadataQuery, opts: CallOptions & { pageSize?: number } = {}): MetadataResults {
      return metadataResults(() =>
        searchMetadataPages(transport, loc.archiveUrl, query, { pageSize: opts.pageSize, signal: opts.signal }),
      );
    },

    getMetadata,

    dataPages,

    data<V = unknown>(
      metadata: string | Metadata,
      eventType: string,
      series?: SeriesSelector,
      query?: DataQuery,
    ): AsyncIterable<WirePoint<V>> {
      return pointsOf(dataPages<V>(metadata, eventType, series, query));
    },

    async summaries(
      metadata: string | Metadata,
      eventType: string,
      summaryType: string,
      opts: CallOptions = {},
    ): Promise<SummaryInfo[]> {
      const metadataKey = typeof metadata === 'string' ? metadata : metadata.key;
      validateKey(metadataKey);
      checkEventType(eventType);
      const st = summaryTypeOf(summaryType);
      const url = `${loc.archiveUrl}${segment(metadataKey)}/${segment(eventType)}/${SUMMARY_URL_SEGMENT[st]}`;
      try {
        const r = await transport.sendJson({ url, signal: opts.signal });
        const init = { method: 'GET', url: r.url, status: r.status, body: r.text };
        if (!Array.isArray(r.json)) throw new ResponseError('summary listing is not a JSON array', init);
        return r.json.map((s) => decodeSummaryInfo(s, init));
      } catch (e) {
        // 404 means "no such summary" on esmond and "no such route" on elmond; the metadata
        // object answers both (and 404s itself when the key is unknown).
        if (!(e instanceof HttpError) || e.status !== 404) throw e;
        const m = typeof metadata === 'string' ? await getMetadata(metadataKey, opts) : metadata;
        return listedSummaries(m, eventType, st);
      }
    },

    async postMetadata(body: WireNewMetadata, opts: CallOptions = {}): Promise<Metadata> {
      const wire = await postMetadataWire(ctx, body, opts.signal);
      return decodeMetadata(wire, { method: 'POST', url: loc.archiveUrl });
    },

    postPoint(metadataKey: string, eventType: string, point: WirePoint, opts: CallOptions = {}): Promise<void> {
      return postPointWire(ctx, metadataKey, eventType, point, opts.signal);
    },

    putBulk(metadataKey, data, opts = {}) {
      return putBulkWire(ctx, metadataKey, data, { batchSize: opts.batchSize, signal: opts.signal });
    },

    createDataWriter(metadataKey: string, opts: DataWriterOptions = {}): DataWriter {
      return createDataWriterWire(ctx, metadataKey, { batchSize: opts.batchSize, maxRetryBuffer: opts.maxRetryBuffer });
    },

    writeBatch: (items, opts = {}) => writeBatchWire(ctx, items, opts.signal),

    writeBatchState: () => ctx.batch?.state ?? 'refused',

    close,
    [ASYNC_DISPOSE]: close,
  };
}
