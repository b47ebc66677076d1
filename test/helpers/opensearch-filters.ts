/**
 * The response filters of the OpenSearch stand-in, as OpenSearch applies them: `_source`
 * includes/excludes (dotted paths, `*` wildcards, a path naming an object takes all of it) and
 * the `filter_path` query parameter (comma-separated paths, `-` for an exclusion; objects and
 * arrays left empty by the filter are dropped, so a page without hits comes back as `{}`).
 * @module
 */
type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A path pattern split at its dots; each segment may hold `*` wildcards. */
type Pattern = readonly string[];

function segmentMatches(pattern: string, key: string): boolean {
  if (!pattern.includes('*')) return pattern === key;
  const re = new RegExp(`^${pattern.split('*').map(escapeRegExp).join('.*')}$`);
  return re.test(key);
}

function escapeRegExp(s: string): string {
  return s.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * `value` with only what `includes` names (`null`: everything) and nothing `excludes` names.
 * A container the includes only partly reach is dropped when nothing of it is left.
 */
function filterValue(value: unknown, includes: Pattern[] | null, excludes: Pattern[]): unknown {
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (const item of value) {
      const kept = filterValue(item, includes, excludes);
      if (kept !== undefined) out.push(kept);
    }
    return includes !== null && out.length === 0 ? undefined : out;
  }
  if (!isObj(value)) return includes === null ? value : undefined;
  const out: Obj = {};
  for (const [k, v] of Object.entries(value)) {
    const exc = excludes.filter((p) => segmentMatches(p[0]!, k));
    if (exc.some((p) => p.length === 1)) continue;
    let inc: Pattern[] | null = null;
    if (includes !== null) {
      const matched = includes.filter((p) => segmentMatches(p[0]!, k));
      if (matched.length === 0) continue;
      inc = matched.some((p) => p.length === 1) ? null : matched.map((p) => p.slice(1));
    }
    const rest = exc.map((p) => p.slice(1));
    const kept = inc === null && rest.length === 0 ? v : filterValue(v, inc, rest);
    if (kept !== undefined) out[k] = kept;
  }
  return includes !== null && Object.keys(out).length === 0 ? undefined : out;
}

const patterns = (list: unknown): Pattern[] =>
  (Array.isArray(list) ? list : typeof list === 'string' ? [list] : [])
    .filter((p): p is string => typeof p === 'string' && p !== '')
    .map((p) => p.split('.'));

/** `_source` filtering of one document: `true`/absent = all, a list or string = includes, or `{includes, excludes}`. */
export function pickSource(doc: Obj, source: unknown): Obj {
  if (source === undefined || source === true) return doc;
  if (source === false) return {};
  const spec = Array.isArray(source) || typeof source === 'string' ? { includes: source } : isObj(source) ? source : {};
  const includes = patterns(spec.includes);
  const filtered = filterValue(doc, includes.length === 0 ? null : includes, patterns(spec.excludes));
  return isObj(filtered) ? filtered : {};
}

/** A response body after `filter_path` (`undefined`/empty: unfiltered). */
export function filterResponse(body: Obj, filterPath: string | null | undefined): Obj {
  if (filterPath === null || filterPath === undefined || filterPath === '') return body;
  const all = filterPath.split(',').map((p) => p.trim());
  const includes = patterns(all.filter((p) => !p.startsWith('-')));
  const excludes = patterns(all.filter((p) => p.startsWith('-')).map((p) => p.slice(1)));
  const filtered = filterValue(body, includes.length === 0 ? null : includes, excludes);
  return isObj(filtered) ? filtered : {};
}
