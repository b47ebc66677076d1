/**
 * URL routing of the embedded archive (archive-api.md: Mount point, Routes): which route a path names, under
 * which mount prefix. Pure; knows nothing of methods or the service.
 * @module
 */

/** A matched route (the R-numbers of archive-api.md: Routes). */
export type Route =
  /** R0: the API root. */
  | { kind: 'root' }
  /** R1/R2: metadata search and create. */
  | { kind: 'list' }
  /** R3–R6: one metadata object; bulk write. */
  | { kind: 'detail'; key: string }
  /** R7/R8: event-type detail; the no-op POST stub. */
  | { kind: 'event-type'; key: string; eventType: string }
  /** R9–R14: data, summary listing and single-point writes. */
  | { kind: 'series'; key: string; eventType: string; segment: string; window: string | undefined }
  /** pScheduler result ingest (this archive's own extension). */
  | { kind: 'pscheduler' }
  /** Batch writes (this archive's own extension, see write-batch.ts). */
  | { kind: 'batch' };

/** A route plus the mount prefix the request used (`''` for plain `/perfsonar/…`). */
export interface RouteMatch {
  route: Route;
  prefix: string;
}

// WHY these classes: the Django patterns use \w (Unicode in Python 3) plus the listed punctuation.
const KEY_ET = /^[\p{L}\p{N}\p{M}_.-]+$/u;
const SUMMARY_PART = /^[\p{L}\p{N}\p{M}_.@-]+$/u;
export const DETAIL_KEY = /^[^/.]+$/;
/** A DRF format suffix (`archive.json`, `{key}.json`): only the short, final segments carry one. */
const SUFFIX = /^(.*)\.([a-z0-9]+)$/;

function decode(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

/**
 * Matches a request path (still percent-encoded, without query) against the route table, under
 * `mountPrefix` (e.g. `'/esmond'`) or with no prefix. Both slash forms match; `.json` format
 * suffixes are accepted on the root, list and detail routes. `undefined` means 404.
 */
export function matchRoute(pathname: string, mountPrefix: string): RouteMatch | undefined {
  let prefix = '';
  let rest = pathname;
  if (mountPrefix !== '' && pathname.startsWith(`${mountPrefix}/`)) {
    prefix = mountPrefix;
    rest = pathname.slice(mountPrefix.length);
  }
  if (!rest.startsWith('/')) return undefined;
  const raw = rest.slice(1).split('/');
  if (raw.length > 1 && raw[raw.length - 1] === '') raw.pop();
  const segs: string[] = [];
  for (const s of raw) {
    const d = decode(s);
    if (d === undefined || d === '') return undefined;
    segs.push(d);
  }
  if (segs.length <= 3) {
    const last = segs[segs.length - 1] ?? '';
    const m = SUFFIX.exec(last);
    if (m !== null) {
      if (m[2] !== 'json') return undefined;
      const base = m[1] ?? '';
      if (base === '') {
        // `/perfsonar/.json`: the suffix form of the root.
        if (segs.length !== 2 || segs[0] !== 'perfsonar') return undefined;
        segs.pop();
      } else {
        segs[segs.length - 1] = base;
      }
    }
  }
  const route = routeOf(segs);
  return route === undefined ? undefined : { route, prefix };
}

function routeOf(segs: readonly string[]): Route | undefined {
  if (segs[0] !== 'perfsonar') return undefined;
  if (segs.length === 1) return { kind: 'root' };
  if (segs[1] === 'pscheduler') return segs.length === 2 ? { kind: 'pscheduler' } : undefined;
  if (segs[1] === 'batch') return segs.length === 2 ? { kind: 'batch' } : undefined;
  if (segs[1] !== 'archive') return undefined;
  const [, , key, eventType, segment, window] = segs;
  if (key === undefined) return { kind: 'list' };
  if (eventType === undefined) return DETAIL_KEY.test(key) ? { kind: 'detail', key } : undefined;
  if (!KEY_ET.test(key) || !KEY_ET.test(eventType)) return undefined;
  if (segment === undefined) return { kind: 'event-type', key, eventType };
  if (segs.length > 6 || !SUMMARY_PART.test(segment)) return undefined;
  if (window !== undefined && !SUMMARY_PART.test(window)) return undefined;
  return { kind: 'series', key, eventType, segment, window };
}
