/**
 * Query-string handling shared by metadata search and data reads: parameter classification
 * (archive-api.md: Metadata search), the time-window tables (archive-api.md: Metadata search for metadata, archive-api.md: Reading data for data), limit/offset
 * paging and DRF-style page links (archive-api.md: Metadata search, Reading data).
 * @module
 */
import { ApiError } from './types.js';
import { parseIntText } from '../model/pyparse.js';
import { MAX_TIMESTAMP, MIN_TIMESTAMP } from './validate.js';
import type { MetadataQuery } from './storage/store.js';

/** Default and fallback page size of every paginated GET. */
export const DEFAULT_LIMIT = 1500;

/**
 * Most free-form parameter filters one search may carry (real searches use a handful); more is
 * a 400, so no anonymous query string can make the database work without bound.
 */
export const MAX_PARAMETER_FILTERS = 100;

/** IP-valued subject filters; values may be names resolved through DNS (archive-api.md: Metadata search). */
export const IP_FILTERS = ['source', 'destination', 'measurement-agent'] as const;
export type IpFilterField = (typeof IP_FILTERS)[number];
const STRING_FILTERS = ['tool-name', 'input-source', 'input-destination'] as const;
const TIME_PARAMS = ['time', 'time-start', 'time-end', 'time-range'] as const;
const ROW_PARAMS = ['event-type', 'summary-type', 'summary-window'] as const;

/** Names with a fixed meaning in a metadata search; every other name is a free-form parameter. */
export const RESERVED_SEARCH_PARAMS: ReadonlySet<string> = new Set([
  ...IP_FILTERS,
  ...STRING_FILTERS,
  ...TIME_PARAMS,
  ...ROW_PARAMS,
  'subject-type',
  'metadata-key',
  'dns-match-rule',
  'limit',
  'offset',
  'format',
]);

/** Query parameters with repeated names collapsed: the last value wins (archive-api.md: Metadata search). */
export function lastValues(params: URLSearchParams): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of params) out.set(k, v);
  return out;
}

/** A metadata search with IP filters still unresolved (they need DNS). */
export interface ParsedSearch {
  query: MetadataQuery;
  ipFilters: Array<{ field: IpFilterField; value: string }>;
  dnsMatchRule: string | undefined;
}

/** Classifies search parameters and validates the non-DNS ones (archive-api.md: Metadata search). */
export function parseSearch(values: Map<string, string>, now: number): ParsedSearch {
  const query: MetadataQuery = { addresses: [], strings: [], parameters: [] };
  const ipFilters: ParsedSearch['ipFilters'] = [];
  for (const field of IP_FILTERS) {
    const v = values.get(field);
    if (v !== undefined) ipFilters.push({ field, value: v });
  }
  for (const field of STRING_FILTERS) {
    const v = values.get(field);
    if (v !== undefined) query.strings.push({ field, value: v });
  }
  const subjectType = values.get('subject-type');
  if (subjectType !== undefined) query.subjectType = subjectType;
  const key = values.get('metadata-key');
  if (key !== undefined) query.key = key;
  const row: NonNullable<MetadataQuery['row']> = {};
  const eventType = values.get('event-type');
  if (eventType !== undefined) row.eventType = eventType;
  const summaryType = values.get('summary-type');
  if (summaryType !== undefined) row.summaryType = summaryType;
  const window = values.get('summary-window');
  if (window !== undefined) {
    const w = parseIntText(window);
    if (w === undefined || Math.abs(w) > Number.MAX_SAFE_INTEGER) {
      throw new ApiError(400, 'Summary window must be an integer');
    }
    row.window = w;
  }
  const time = timeWindow(values, now, 'metadata');
  if (time) {
    row.updatedFrom = time.begin;
    if (time.end !== undefined) row.updatedTo = time.end;
  }
  if (Object.keys(row).length > 0) query.row = row;
  for (const [k, v] of values) {
    if (!RESERVED_SEARCH_PARAMS.has(k)) query.parameters.push([k, v]);
  }
  if (query.parameters.length > MAX_PARAMETER_FILTERS) {
    throw new ApiError(400, `At most ${MAX_PARAMETER_FILTERS} parameter filters are allowed in one search.`);
  }
  return { query, ipFilters, dnsMatchRule: values.get('dns-match-rule') };
}

/** An inclusive time window; `end` undefined means open-ended. */
export interface TimeWindow {
  begin: number;
  end: number | undefined;
}

function timeParam(values: Map<string, string>, name: string): number | undefined {
  const raw = values.get(name);
  if (raw === undefined) return undefined;
  const v = parseIntText(raw);
  if (v === undefined) throw new ApiError(400, 'Time parameter must be an integer');
  if (Math.abs(v) > MAX_TIMESTAMP) throw new ApiError(400, 'Time parameter out of range');
  return v;
}

/**
 * The time window of archive-api.md: Metadata search (`mode` metadata: `undefined` when no time parameter is present) or
 * (`mode` data: defaults `[0, now]`, open ends become `now + 3600`). Every present time
 * parameter is validated, even one the precedence ignores (stricter than esmond).
 */
export function timeWindow(values: Map<string, string>, now: number, mode: 'metadata'): TimeWindow | undefined;
export function timeWindow(values: Map<string, string>, now: number, mode: 'data'): { begin: number; end: number };
export function timeWindow(
  values: Map<string, string>,
  now: number,
  mode: 'metadata' | 'data',
): TimeWindow | undefined {
  const time = timeParam(values, 'time');
  const start = timeParam(values, 'time-start');
  const end = timeParam(values, 'time-end');
  const range = timeParam(values, 'time-range');
  const openEnd = mode === 'data' ? now + 3600 : undefined;
  let w: TimeWindow;
  if (time !== undefined) w = { begin: time, end: time };
  else if (start !== undefined && end !== undefined) w = { begin: start, end };
  else if (start !== undefined && range !== undefined) w = { begin: start, end: start + range };
  else if (end !== undefined && range !== undefined) w = { begin: end - range, end };
  else if (start !== undefined) w = { begin: start, end: openEnd };
  else if (end !== undefined) w = { begin: 0, end };
  else if (range !== undefined) w = { begin: now - range, end: openEnd };
  else if (mode === 'data') w = { begin: 0, end: now };
  else return undefined;
  if (w.end !== undefined && w.end < w.begin) {
    throw new ApiError(400, 'Requested start time must be less than end time');
  }
  for (const bound of [w.begin, w.end]) {
    if (bound !== undefined && (bound > MAX_TIMESTAMP + 3600 || bound < MIN_TIMESTAMP)) {
      throw new ApiError(400, 'Time parameter out of range');
    }
  }
  return w;
}

/**
 * Largest metadata page (DRF's `max_limit`: a bigger `limit` is clamped, and the paging links
 * carry the clamped value, so esmond-style offset paging walks everything). Bounds the memory
 * of one search answer to a few MB.
 */
export const MAX_METADATA_LIMIT = 2_000;

/**
 * limit/offset of DRF's LimitOffsetPagination; bad values fall back to the defaults (stricter than esmond), and a
 * limit above `maxLimit` is clamped to it.
 */
export function parsePaging(
  values: Map<string, string>,
  maxLimit = Number.MAX_SAFE_INTEGER,
): { limit: number; offset: number } {
  const rawLimit = values.get('limit');
  const rawOffset = values.get('offset');
  const l = rawLimit === undefined ? undefined : parseIntText(rawLimit);
  const o = rawOffset === undefined ? undefined : parseIntText(rawOffset);
  return {
    limit: l !== undefined && l > 0 ? Math.min(l, maxLimit) : Math.min(DEFAULT_LIMIT, maxLimit),
    offset: o !== undefined && o >= 0 ? Math.min(o, Number.MAX_SAFE_INTEGER) : 0,
  };
}

/** Python's `quote_plus` with an empty safe set, as DRF's `urlencode` uses. */
function quotePlus(text: string): string {
  return encodeURIComponent(text)
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');
}

/** The request URL with `key` set (or removed when `value` undefined) and all keys re-sorted. */
function rewriteQuery(url: URL, changes: Record<string, string | undefined>): string {
  const grouped = new Map<string, string[]>();
  for (const [k, v] of url.searchParams) {
    const list = grouped.get(k);
    if (list) list.push(v);
    else grouped.set(k, [v]);
  }
  for (const [k, v] of Object.entries(changes)) {
    if (v === undefined) grouped.delete(k);
    else grouped.set(k, [v]);
  }
  const keys = [...grouped.keys()].sort();
  const query = keys.flatMap((k) => (grouped.get(k) ?? []).map((v) => `${quotePlus(k)}=${quotePlus(v)}`)).join('&');
  return `${url.protocol}//${url.host}${url.pathname}${query ? `?${query}` : ''}`;
}

/** DRF's next/previous links for a page; `hasMore` says whether items exist past the page. */
export function pageLinks(
  url: URL,
  limit: number,
  offset: number,
  hasMore: boolean,
): { next: string | null; previous: string | null } {
  const next = hasMore ? rewriteQuery(url, { limit: String(limit), offset: String(offset + limit) }) : null;
  let previous: string | null = null;
  if (offset > 0) {
    previous =
      offset - limit <= 0
        ? rewriteQuery(url, { limit: String(limit), offset: undefined })
        : rewriteQuery(url, { limit: String(limit), offset: String(offset - limit) });
  }
  return { next, previous };
}

/** The `Link` header for page links, or `undefined` when there is neither. */
export function linkHeader(links: { next: string | null; previous: string | null }): string | undefined {
  const parts: string[] = [];
  if (links.next !== null) parts.push(`<${links.next}>; rel="next"`);
  if (links.previous !== null) parts.push(`<${links.previous}>; rel="prev"`);
  return parts.length > 0 ? parts.join(', ') : undefined;
}
