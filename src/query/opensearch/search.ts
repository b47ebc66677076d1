/**
 * Reading many documents from OpenSearch without its 10 000-hit window (reading OpenSearch directly):
 * point in time + `search_after` over a total sort, bounded pages, and plain `search_after`
 * (with the same tie-breaking sort) where point in time is missing (OpenSearch 2.1–2.3). Every
 * request goes through the esmond client's transport (timeouts, retries, TLS, auth). Searches
 * are POSTs that only read, so they are retried like GETs. The next page is fetched while the
 * current one is mapped.
 * @module
 */
import { isHttpError, ResponseError } from '../../http/errors.js';
import type { JsonResponse, Transport } from '../../http/transport.js';
import { isJsonObject, type JsonObject } from '../../model/json-object.js';

/** The index pattern of every perfSONAR test type (a wildcard: missing data streams are no error). */
export const INDEX = 'pscheduler_*';
/** How long a point in time is kept between two pages. */
const KEEP_ALIVE = '2m';

/** Where the OpenSearch REST API is: `https://host/opensearch` or `https://host:9200`, no trailing slash. */
export interface OpenSearchTarget {
  transport: Transport;
  base: string;
  /** Whether point in time works; `undefined` until the first try. Shared by every search of a client. */
  pit: { supported: boolean | undefined };
}

/** One hit as the pager yields it. */
export interface Hit {
  source: JsonObject;
  sort: unknown[];
}

/** The total sort every export uses: measurement time, then the run id as tie-breaker. */
export const TIME_SORT: readonly JsonObject[] = [
  { 'pscheduler.start_time': 'asc' },
  { 'pscheduler.run_id.keyword': 'asc' },
];

function responseInit(r: JsonResponse): { method: string; url: string; status: number; body: string } {
  return { method: 'POST', url: r.url, status: r.status, body: r.text };
}

/**
 * What a page answer is cut down to (`filter_path`): the hits' `_source` and sort values, the
 * point-in-time id, the failed-shard count and any error; not the index, id, score, timings.
 * OpenSearch drops what the filter leaves empty, so a page without hits is `{"_shards": …}`.
 */
export const PAGE_FILTER_PATH = 'pit_id,_shards.failed,hits.hits._source,hits.hits.sort,error,status';

/**
 * A search answer's hits; partial answers (`_shards.failed > 0`) are errors for an export. An
 * answer cut down by {@link PAGE_FILTER_PATH} has no `hits` when nothing matched, but always
 * its `_shards`.
 */
export function hitsOf(r: JsonResponse): Hit[] {
  const body = r.json;
  const empty = isJsonObject(body) && body.hits === undefined && isJsonObject(body._shards);
  if (!isJsonObject(body) || (!empty && (!isJsonObject(body.hits) || !Array.isArray(body.hits.hits)))) {
    throw new ResponseError('OpenSearch answer has no hits list', responseInit(r));
  }
  const shards = isJsonObject(body._shards) ? body._shards : {};
  if (typeof shards.failed === 'number' && shards.failed > 0) {
    throw new ResponseError(
      `OpenSearch answered from only part of the data (${shards.failed} shard(s) failed)`,
      responseInit(r),
    );
  }
  if (!isJsonObject(body.hits) || !Array.isArray(body.hits.hits)) return [];
  return body.hits.hits.map((h: unknown) => {
    const hit = isJsonObject(h) ? h : {};
    return { source: isJsonObject(hit._source) ? hit._source : {}, sort: Array.isArray(hit.sort) ? hit.sort : [] };
  });
}

/** POSTs a search body to `path` (relative to the base). */
export function search(
  target: OpenSearchTarget,
  path: string,
  body: JsonObject,
  signal?: AbortSignal,
  query?: Array<[string, string]>,
): Promise<JsonResponse> {
  return target.transport.sendJson({
    method: 'POST',
    url: `${target.base}/${path}`,
    body,
    signal,
    query,
    idempotent: true,
    okStatus: [200],
  });
}

/** Opens a point in time on every pscheduler index; `undefined` when this OpenSearch has none. */
async function openPit(target: OpenSearchTarget, signal: AbortSignal | undefined): Promise<string | undefined> {
  if (target.pit.supported === false) return undefined;
  try {
    const r = await target.transport.sendJson({
      method: 'POST',
      url: `${target.base}/${INDEX}/_search/point_in_time`,
      query: [['keep_alive', KEEP_ALIVE]],
      signal,
      idempotent: true,
      okStatus: [200],
    });
    const id = isJsonObject(r.json) ? r.json.pit_id : undefined;
    if (typeof id !== 'string' || id === '')
      throw new ResponseError('OpenSearch answered a point-in-time request without pit_id', responseInit(r));
    target.pit.supported = true;
    return id;
  } catch (e) {
    // OpenSearch < 2.4 has no such route (400 "no handler", 404 or 405); a role without the
    // privilege says 403. All of them mean: page without a point in time.
    if (isHttpError(e) && [400, 403, 404, 405].includes(e.status)) {
      target.pit.supported = false;
      return undefined;
    }
    throw e;
  }
}

async function closePit(target: OpenSearchTarget, id: string): Promise<void> {
  try {
    await target.transport.send({
      method: 'DELETE',
      url: `${target.base}/_search/point_in_time`,
      body: { pit_id: [id] },
      okStatus: [200, 404],
    });
  } catch {
    // It expires by itself after KEEP_ALIVE; a failed clean-up must not fail the read.
  }
}

/**
 * Every hit of `query`, in `sort` order, page by page (`size` hits at most per page), each `_source`
 * cut down to `source` (includes/excludes). The sort
 * must be total; hits are never skipped or repeated, however many there are. The next page is
 * requested as soon as a page arrives (its `search_after` is that page's last sort values), so
 * OpenSearch prepares it while the caller maps this one: one page ahead at most.
 */
export async function* searchAfterPages(
  target: OpenSearchTarget,
  query: JsonObject,
  sort: readonly JsonObject[],
  size: number,
  source: JsonObject,
  signal?: AbortSignal,
): AsyncGenerator<Hit[], void, undefined> {
  let pitId = await openPit(target, signal);
  const fetchPage = async (after: unknown[] | undefined): Promise<{ hits: Hit[]; r: JsonResponse }> => {
    const body: JsonObject = { size, query, sort, _source: source, track_total_hits: false };
    if (after !== undefined) body.search_after = after;
    let r: JsonResponse;
    if (pitId !== undefined) {
      body.pit = { id: pitId, keep_alive: KEEP_ALIVE };
      r = await search(target, '_search', body, signal, [['filter_path', PAGE_FILTER_PATH]]);
      const next = isJsonObject(r.json) ? r.json.pit_id : undefined;
      if (typeof next === 'string' && next !== '') pitId = next;
    } else {
      r = await search(target, `${INDEX}/_search`, body, signal, [
        ['ignore_unavailable', 'true'],
        ['filter_path', PAGE_FILTER_PATH],
      ]);
    }
    return { hits: hitsOf(r), r };
  };
  let pending: Promise<{ hits: Hit[]; r: JsonResponse }> | undefined = fetchPage(undefined);
  try {
    while (pending !== undefined) {
      const { hits, r } = await pending;
      pending = undefined;
      const last = hits[hits.length - 1];
      if (hits.length >= size && last !== undefined) {
        if (last.sort.length === 0)
          throw new ResponseError('OpenSearch hit without sort values: cannot page', responseInit(r));
        pending = fetchPage(last.sort);
        // Not awaited when the caller stops early: its failure then means nothing.
        pending.catch(() => undefined);
      }
      if (hits.length > 0) yield hits;
    }
  } finally {
    // A page asked for ahead finishes before its point in time is closed.
    if (pending !== undefined) await pending.catch(() => undefined);
    if (pitId !== undefined) await closePit(target, pitId);
  }
}
