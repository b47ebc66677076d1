/**
 * The page's requests: its server's config and mesh summary, and the esmond archive API (same
 * origin: the archive itself, or esmond-ps-view's read-only proxy).
 * @module
 */
import type { MeshSummary, PageConfig } from './mesh-types.js';
import { decodeMesh } from './mesh-wire.js';
import type { RouteChanges } from './route-runs.js';

/** A failed request, with the server's `detail` when it gave one. */
export class RequestFailed extends Error {}

/** GETs JSON; `plain` sends no headers of its own, so the request matches the page's preload of it. */
async function getJson<T>(url: string, plain = false): Promise<T> {
  let res: Response;
  try {
    res = await fetch(url, plain ? {} : { headers: { accept: 'application/json' } });
  } catch (err) {
    throw new RequestFailed(`cannot reach the server (${err instanceof Error ? err.message : String(err)})`);
  }
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new RequestFailed(`${res.status} ${res.statusText}: not JSON`);
  }
  if (!res.ok) {
    const detail = typeof body === 'object' && body !== null && 'detail' in body ? String(body.detail) : res.statusText;
    throw new RequestFailed(`${res.status}: ${detail}`);
  }
  return body as T;
}

export const loadConfig = (): Promise<PageConfig> => getJson<PageConfig>('pictures/config.json');
export const loadMesh = async (): Promise<MeshSummary> =>
  decodeMesh(await getJson<unknown>('pictures/mesh.json', true));

/** The route changes of one traceroute test in [start, end] (reduced by the page's server). */
export const loadRouteChanges = (key: string, start: number, end: number): Promise<RouteChanges> =>
  getJson<RouteChanges>(
    `pictures/routes.json?${new URLSearchParams({ key, start: String(start), end: String(end) }).toString()}`,
  );

/** A metadata object as the archive sends it (only what the page reads). */
export interface ApiMetadata {
  'metadata-key': string;
  source?: string;
  destination?: string;
  'input-source'?: string;
  'input-destination'?: string;
  'tool-name'?: string;
  'event-types': Array<{
    'event-type': string;
    'base-uri': string;
    summaries: Array<{ 'summary-type': string; 'summary-window': string | number; uri: string }>;
  }>;
}

/** Every metadata of one direction (names when the tests used names, else addresses). */
export async function searchPair(
  apiBase: string,
  src: { name: string; ip: string },
  dst: { name: string; ip: string },
): Promise<ApiMetadata[]> {
  const q = new URLSearchParams();
  if (src.name !== src.ip) q.set('input-source', src.name);
  else q.set('source', src.ip);
  if (dst.name !== dst.ip) q.set('input-destination', dst.name);
  else q.set('destination', dst.ip);
  q.set('limit', '1000');
  return getJson<ApiMetadata[]>(`${apiBase}?${q.toString()}`);
}

/** Page size of data reads; the page follows `offset` until a short page. */
const PAGE = 10_000;

/** The URL segment of a summary type (`aggregation` → `aggregations`). */
const SEGMENT: Readonly<Record<string, string>> = {
  base: 'base',
  aggregation: 'aggregations',
  average: 'averages',
  statistics: 'statistics',
};

/** Which series of an event type: base, or a summary type and window. */
export interface SeriesRef {
  key: string;
  eventType: string;
  summaryType: 'base' | 'aggregation' | 'average' | 'statistics';
  window: number;
}

/**
 * Every point of one series in [start, end], through this page's API base (the archive's own
 * URIs would name the upstream's paths behind a proxy).
 */
export async function readSeries(
  apiBase: string,
  ref: SeriesRef,
  start: number,
  end: number,
): Promise<Array<{ ts: number; val: unknown }>> {
  const seg = SEGMENT[ref.summaryType] ?? 'base';
  const path = `${apiBase}${encodeURIComponent(ref.key)}/${encodeURIComponent(ref.eventType)}/${seg}${seg === 'base' ? '' : `/${ref.window}`}`;
  const out: Array<{ ts: number; val: unknown }> = [];
  for (let offset = 0; ; offset += PAGE) {
    const q = new URLSearchParams({
      'time-start': String(start),
      'time-end': String(end),
      limit: String(PAGE),
      offset: String(offset),
    });
    const page = await getJson<Array<{ ts: number; val: unknown }>>(`${path}?${q.toString()}`);
    out.push(...page);
    if (page.length < PAGE) return out;
  }
}
