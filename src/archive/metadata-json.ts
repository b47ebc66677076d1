/**
 * Rendering of stored metadata as esmond's JSON (archive-api.md: Metadata objects): paths carry the mount prefix,
 * `url` is absolute, parameters are flattened as strings, event types are sorted by name and
 * summaries by type then window, `summary-window` is a string.
 * @module
 */
import { SUMMARY_URL_SEGMENT, type SeriesType } from '../model/event-types.js';
import type { WireEventType, WireMetadata, WireSummary } from '../model/wire.js';
import type { RequestContext } from './types.js';
import type { StoredEventTypeRow, StoredMetadata } from './storage/store.js';

/** `<prefix>/perfsonar/archive/<key>/` */
export function metadataPath(ctx: RequestContext, key: string): string {
  return `${ctx.prefix}/perfsonar/archive/${key}/`;
}

/** Absolute URL of a server path, from the request's scheme and Host. */
export function absoluteUrl(ctx: RequestContext, path: string): string {
  return `${ctx.requestUrl.protocol}//${ctx.requestUrl.host}${path}`;
}

/** The URL path segment of a summary type (`aggregation` → `aggregations`); unknown types as they are. */
export function segmentOf(summaryType: string): string {
  return Object.prototype.hasOwnProperty.call(SUMMARY_URL_SEGMENT, summaryType)
    ? SUMMARY_URL_SEGMENT[summaryType as SeriesType]
    : summaryType;
}

const bytewise = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** One summary object (archive-api.md: Metadata objects). */
export function renderSummary(ctx: RequestContext, key: string, row: StoredEventTypeRow): WireSummary {
  return {
    uri: `${metadataPath(ctx, key)}${row.eventType}/${segmentOf(row.summaryType)}/${row.window}`,
    'summary-type': row.summaryType,
    'summary-window': String(row.window),
    'time-updated': row.timeUpdated,
  };
}

/** Summaries sorted by type, then window numerically. */
export function renderSummaries(ctx: RequestContext, key: string, rows: readonly StoredEventTypeRow[]): WireSummary[] {
  return sortSummaries(rows).map((r) => renderSummary(ctx, key, r));
}

/** One event type of a metadata as rendered: its base row (if any) and its summaries in order. */
export interface EventTypeGroup {
  eventType: string;
  base: StoredEventTypeRow | undefined;
  summaries: StoredEventTypeRow[];
}

/**
 * The rows of one metadata grouped by event type, sorted by name; in each, the base row and the
 * summaries sorted by type, then window numerically. Both the object and the text renderings
 * use it, so they list the same rows in the same order.
 */
export function eventTypeGroups(rows: readonly StoredEventTypeRow[]): EventTypeGroup[] {
  const groups = new Map<string, StoredEventTypeRow[]>();
  for (const r of rows) {
    const list = groups.get(r.eventType);
    if (list) list.push(r);
    else groups.set(r.eventType, [r]);
  }
  return [...groups.keys()].sort(bytewise).map((eventType) => {
    const group = groups.get(eventType) ?? [];
    return {
      eventType,
      base: group.find((r) => r.summaryType === 'base' && r.window === 0),
      summaries: sortSummaries(group.filter((r) => r.summaryType !== 'base')),
    };
  });
}

function sortSummaries(rows: readonly StoredEventTypeRow[]): StoredEventTypeRow[] {
  return [...rows].sort((a, b) => bytewise(a.summaryType, b.summaryType) || a.window - b.window);
}

/** The `event-types` list of one metadata, grouped by event type and sorted by name. */
export function renderEventTypes(
  ctx: RequestContext,
  key: string,
  rows: readonly StoredEventTypeRow[],
): WireEventType[] {
  return eventTypeGroups(rows).map(({ eventType, base, summaries }) => ({
    'base-uri': `${metadataPath(ctx, key)}${eventType}/base`,
    'event-type': eventType,
    'time-updated': base?.timeUpdated ?? null,
    summaries: summaries.map((r) => renderSummary(ctx, key, r)),
  }));
}

/** A full metadata object (archive-api.md: Metadata objects), without pagination keys. */
export function renderMetadata(ctx: RequestContext, m: StoredMetadata): WireMetadata {
  const path = metadataPath(ctx, m.key);
  const out: WireMetadata = {
    url: absoluteUrl(ctx, path),
    'metadata-key': m.key,
    'subject-type': m.subjectType,
    'event-types': renderEventTypes(ctx, m.key, m.eventTypes),
    uri: path,
  };
  for (const [field, value] of Object.entries(m.subject)) out[field] = value;
  for (const [k, v] of m.parameters) {
    // defineProperty: a parameter may be called `__proto__` and must still be a plain field.
    if (!Object.prototype.hasOwnProperty.call(out, k)) {
      Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
    }
  }
  // A parameter called `uri` is overwritten by the generated path, which goes last as in esmond.
  delete (out as Record<string, unknown>)['uri'];
  out.uri = path;
  return out;
}
