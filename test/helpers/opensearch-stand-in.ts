/**
 * A scripted stand-in for a perfSONAR 5 OpenSearch (which cannot run here): node:http on
 * 127.0.0.1, answering the requests the OpenSearch backend sends — cluster info, `_search` with
 * bool/term/terms/range queries, sort + `search_after`, `composite` aggregations with
 * `top_hits`, point in time (create, search, delete) and scroll — from an in-memory list of
 * documents (made with test/helpers/logstash.ts). Like the real one it rejects what OpenSearch
 * rejects: unknown body keys and query clauses, `from + size > 10000`, an index in the path of a
 * PIT search, a `search_after` that does not match the sort. `pit: false` makes it act as
 * OpenSearch 2.1–2.3 (no point in time).
 * @module
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { filterResponse, pickSource } from './opensearch-filters.js';

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : {});

export interface StandInOptions {
  /** Path prefix of the REST API: `/opensearch` (the Apache proxy) or `''` (bare). @defaultValue '/opensearch' */
  prefix?: string;
  /** Point in time available (OpenSearch ≥ 2.4). @defaultValue true */
  pit?: boolean;
  /** Require this Basic user:password. */
  basicAuth?: { user: string; password: string };
  version?: string;
  /**
   * Answers a `_search` it has answered before (same path, query and body, the point-in-time id
   * aside) with the bytes it sent then, so a benchmark times the client, not the stand-in.
   */
  memoize?: boolean;
}

export interface OpenSearchStandIn {
  /** `http://127.0.0.1:PORT` + prefix. */
  url: string;
  origin: string;
  /** Every request: method, path, query string (`''` or `?…`), parsed body. */
  requests: Array<{ method: string; path: string; query: string; body: unknown }>;
  /** Open points in time. */
  openPits(): number;
  close(): Promise<void>;
}

class BadRequest extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

const MAX_WINDOW = 10_000;
const SEARCH_KEYS = new Set([
  'size',
  'from',
  'query',
  'sort',
  '_source',
  'track_total_hits',
  'search_after',
  'pit',
  'aggs',
  'aggregations',
]);

/** A field's value in a document (`a.b.c`; `.keyword` is the same string here). */
function fieldValue(doc: Obj, field: string): unknown {
  let cur: unknown = doc;
  for (const part of field.replace(/\.keyword$/, '').split('.')) cur = obj(cur)[part];
  return cur;
}

const isDateField = (f: string): boolean => /(^|\.)(start_time|end_time|added|@timestamp)$/.test(f);

/** Sort value as OpenSearch returns it: dates as epoch millis, strings as strings. */
function sortValue(doc: Obj, field: string): unknown {
  const v = fieldValue(doc, field);
  if (isDateField(field) && typeof v === 'string') return Date.parse(v);
  return v ?? null;
}

function rangeMatches(v: unknown, field: string, spec: Obj): boolean {
  for (const k of Object.keys(spec))
    if (!['gte', 'lte', 'gt', 'lt', 'format'].includes(k))
      throw new BadRequest('parsing_exception', `[range] query does not support [${k}]`);
  let x: number;
  if (isDateField(field)) {
    if (typeof v !== 'string') return false;
    x = Date.parse(v);
  } else if (typeof v === 'number') x = v;
  else return false;
  const bound = (b: unknown): number =>
    isDateField(field) && spec.format === 'epoch_second' ? Number(b) * 1000 : Number(b);
  if (spec.gte !== undefined && !(x >= bound(spec.gte))) return false;
  if (spec.lte !== undefined && !(x <= bound(spec.lte))) return false;
  if (spec.gt !== undefined && !(x > bound(spec.gt))) return false;
  if (spec.lt !== undefined && !(x < bound(spec.lt))) return false;
  return true;
}

function single(clause: Obj, name: string): [string, unknown] {
  const entries = Object.entries(clause);
  if (entries.length !== 1)
    throw new BadRequest('parsing_exception', `[${name}] query malformed, no start_object after query name`);
  return entries[0]!;
}

/** Evaluates the query subset the backend may use; anything else is a parsing_exception. */
function matches(doc: Obj, query: unknown): boolean {
  const q = obj(query);
  const [kind, body] = single(q, 'query');
  switch (kind) {
    case 'match_all':
      return true;
    case 'bool': {
      const b = obj(body);
      for (const k of Object.keys(b))
        if (!['filter', 'must', 'must_not', 'should'].includes(k))
          throw new BadRequest('parsing_exception', `[bool] query does not support [${k}]`);
      const list = (v: unknown): unknown[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
      if (![...list(b.filter), ...list(b.must)].every((c) => matches(doc, c))) return false;
      if (list(b.must_not).some((c) => matches(doc, c))) return false;
      const should = list(b.should);
      return should.length === 0 || should.some((c) => matches(doc, c));
    }
    case 'term': {
      const [field, v] = single(obj(body), 'term');
      const want = typeof v === 'object' && v !== null ? obj(v).value : v;
      return fieldValue(doc, field) === want;
    }
    case 'terms': {
      const [field, v] = single(obj(body), 'terms');
      if (!Array.isArray(v)) throw new BadRequest('parsing_exception', '[terms] query requires an array of values');
      if (v.length === 0) throw new BadRequest('parsing_exception', '[terms] query requires at least one value');
      return v.includes(fieldValue(doc, field));
    }
    case 'range': {
      const [field, spec] = single(obj(body), 'range');
      return rangeMatches(fieldValue(doc, field), field, obj(spec));
    }
    default:
      throw new BadRequest('parsing_exception', `unknown query [${kind}]`);
  }
}

/** `[{field: 'asc'}]` or `[{field: {order}}]` → comparator pieces. */
function sortSpec(sort: unknown): Array<{ field: string; desc: boolean }> {
  if (sort === undefined) return [];
  if (!Array.isArray(sort)) throw new BadRequest('parsing_exception', 'sort must be an array');
  return sort.map((s) => {
    const [field, o] = single(obj(s), 'sort');
    const order = typeof o === 'string' ? o : obj(o).order;
    if (order !== 'asc' && order !== 'desc') throw new BadRequest('parsing_exception', `bad sort order for [${field}]`);
    return { field, desc: order === 'desc' };
  });
}

function compareValues(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === null || a === undefined) return 1;
  if (b === null || b === undefined) return -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return JSON.stringify(a) < JSON.stringify(b) ? -1 : 1;
}

function sortedHits(
  docs: Obj[],
  spec: Array<{ field: string; desc: boolean }>,
): Array<{ doc: Obj; sort: unknown[]; seq: number }> {
  const hits = docs.map((doc, seq) => ({ doc, seq, sort: spec.map((s) => sortValue(doc, s.field)) }));
  hits.sort((x, y) => {
    for (let i = 0; i < spec.length; i++) {
      const c = compareValues(x.sort[i], y.sort[i]);
      if (c !== 0) return spec[i]!.desc ? -c : c;
    }
    return x.seq - y.seq;
  });
  return hits;
}

function aggregate(docs: Obj[], aggs: unknown): Obj {
  const out: Obj = {};
  for (const [name, def] of Object.entries(obj(aggs))) {
    const d = obj(def);
    if (d.composite === undefined) throw new BadRequest('parsing_exception', `unsupported aggregation in [${name}]`);
    const c = obj(d.composite);
    for (const k of Object.keys(c))
      if (!['size', 'sources', 'after'].includes(k))
        throw new BadRequest('parsing_exception', `[composite] unknown field [${k}]`);
    const sources = c.sources as unknown[];
    const [srcName, srcDef] = single(obj(sources[0]), 'sources');
    const field = String(obj(obj(srcDef).terms).field);
    const groups = new Map<string, Obj[]>();
    for (const doc of docs) {
      const v = fieldValue(doc, field);
      if (typeof v !== 'string') continue;
      const list = groups.get(v) ?? [];
      list.push(doc);
      groups.set(v, list);
    }
    const after = c.after === undefined ? undefined : String(obj(c.after)[srcName]);
    const keys = [...groups.keys()].sort().filter((k) => after === undefined || k > after);
    const size = Number(c.size ?? 10);
    const page = keys.slice(0, size);
    const buckets = page.map((k) => {
      const bucket: Obj = { key: { [srcName]: k }, doc_count: groups.get(k)!.length };
      for (const [sub, subDef] of Object.entries(obj(d.aggs))) {
        const th = obj(obj(subDef).top_hits);
        const hits = sortedHits(groups.get(k)!, sortSpec(th.sort)).slice(0, Number(th.size ?? 3));
        bucket[sub] = { hits: { hits: hits.map((h) => ({ _source: pickSource(h.doc, th._source), sort: h.sort })) } };
      }
      return bucket;
    });
    const agg: Obj = { buckets };
    if (page.length > 0) agg.after_key = { [srcName]: page[page.length - 1] };
    out[name] = agg;
  }
  return out;
}

/** Starts the stand-in over `docs` (index names are `pscheduler_<test.type>`). */
export async function startOpenSearchStandIn(docs: Obj[], options: StandInOptions = {}): Promise<OpenSearchStandIn> {
  const prefix = options.prefix ?? '/opensearch';
  const pitEnabled = options.pit ?? true;
  const pits = new Map<string, Obj[]>();
  const scrolls = new Map<
    string,
    { hits: Array<{ doc: Obj; sort: unknown[] }>; at: number; size: number; source: unknown }
  >();
  let nextId = 1;
  const requests: OpenSearchStandIn['requests'] = [];
  /** Memoised `_search` answers, split where the point-in-time id goes. */
  const memo = options.memoize === true ? new Map<string, Buffer[]>() : undefined;
  const pitText = (id: string | undefined): Buffer => Buffer.from(JSON.stringify(id ?? ''));

  const searchDocs = (pool: Obj[], body: Obj): Obj => {
    for (const k of Object.keys(body))
      if (!SEARCH_KEYS.has(k)) throw new BadRequest('parsing_exception', `Unknown key for a START_OBJECT in [${k}].`);
    const size = body.size === undefined ? 10 : Number(body.size);
    const from = body.from === undefined ? 0 : Number(body.from);
    if (from + size > MAX_WINDOW) {
      throw new BadRequest(
        'illegal_argument_exception',
        `Result window is too large, from + size must be less than or equal to: [${MAX_WINDOW}] but was [${from + size}].`,
      );
    }
    const matching = pool.filter((d) => body.query === undefined || matches(d, body.query));
    const spec = sortSpec(body.sort);
    let hits = sortedHits(matching, spec);
    if (body.search_after !== undefined) {
      const after = body.search_after;
      if (!Array.isArray(after) || after.length !== spec.length)
        throw new BadRequest(
          'illegal_argument_exception',
          'search_after has a different number of sort fields than the sort',
        );
      if (from !== 0)
        throw new BadRequest(
          'illegal_argument_exception',
          '[from] parameter must be set to 0 when [search_after] is used',
        );
      hits = hits.filter((h) => {
        for (let i = 0; i < spec.length; i++) {
          const c = compareValues(h.sort[i], after[i]);
          if (c !== 0) return spec[i]!.desc ? c < 0 : c > 0;
        }
        return false;
      });
    }
    const out: Obj = {
      took: 1,
      timed_out: false,
      _shards: { total: 1, successful: 1, skipped: 0, failed: 0 },
      hits: {
        hits: hits.slice(from, from + size).map((h, i) => ({
          _index: `.ds-pscheduler_${String(fieldValue(h.doc, 'test.type'))}-000001`,
          _id: String(h.seq + i),
          _source: pickSource(h.doc, body._source),
          sort: h.sort,
        })),
      },
    };
    if (body.aggs !== undefined || body.aggregations !== undefined)
      out.aggregations = aggregate(matching, body.aggs ?? body.aggregations);
    return out;
  };

  const handle = (method: string, path: string, query: URLSearchParams, body: Obj): [number, Obj] => {
    if (path === '/' && method === 'GET') {
      return [
        200,
        {
          name: 'stand-in',
          cluster_name: 'perfsonar',
          version: { distribution: 'opensearch', number: options.version ?? (pitEnabled ? '2.11.1' : '2.3.0') },
          tagline: 'The OpenSearch Project: https://opensearch.org/',
        },
      ];
    }
    const indexSearch = /^\/(pscheduler_[^/]*)\/_search$/.exec(path);
    if (indexSearch && method === 'POST') {
      if (body.pit !== undefined)
        throw new BadRequest(
          'action_request_validation_exception',
          'Validation Failed: 1: [indices] cannot be used with point in time;',
        );
      if (query.has('scroll')) {
        const res = searchDocs(docs, { ...body, size: MAX_WINDOW });
        const all = (obj(res.hits).hits as Obj[]).map((h) => ({ doc: h._source as Obj, sort: h.sort as unknown[] }));
        const id = `scroll-${nextId++}`;
        const size = Number(body.size ?? 10);
        scrolls.set(id, { hits: all, at: size, size, source: body._source });
        return [
          200,
          { ...res, _scroll_id: id, hits: { hits: all.slice(0, size).map((h) => ({ _source: h.doc, sort: h.sort })) } },
        ];
      }
      return [200, searchDocs(docs, body)];
    }
    if (/^\/pscheduler_[^/]*\/_search\/point_in_time$/.test(path) && method === 'POST') {
      if (!pitEnabled)
        throw new BadRequest(
          'illegal_argument_exception',
          `request [${path}] contains unrecognized parameter: [keep_alive]`,
        );
      if (!query.has('keep_alive'))
        throw new BadRequest('action_request_validation_exception', 'Validation Failed: 1: [keep_alive] is missing;');
      const id = `pit-${nextId++}`;
      pits.set(id, [...docs]);
      return [
        200,
        { pit_id: id, _shards: { total: 1, successful: 1, skipped: 0, failed: 0 }, creation_time: Date.now() },
      ];
    }
    if (path === '/_search/point_in_time' && method === 'DELETE') {
      const ids: unknown[] = Array.isArray(body.pit_id) ? body.pit_id : [];
      const found = ids.filter((id) => pits.delete(String(id)));
      return [found.length > 0 ? 200 : 404, { pits: found.map((id) => ({ pit_id: id, successful: true })) }];
    }
    if (path === '/_search' && method === 'POST') {
      const pit = obj(body.pit);
      if (body.pit === undefined) return [200, searchDocs(docs, body)];
      const pool = pits.get(String(pit.id));
      if (pool === undefined)
        throw new BadRequest(
          'search_context_missing_exception',
          `No search context found for id [${String(pit.id)}]`,
          404,
        );
      return [200, { ...searchDocs(pool, body), pit_id: pit.id }];
    }
    if (path === '/_search/scroll' && method === 'POST') {
      const s = scrolls.get(String(body.scroll_id));
      if (s === undefined) throw new BadRequest('search_context_missing_exception', 'No search context found', 404);
      const page = s.hits.slice(s.at, s.at + s.size);
      s.at += s.size;
      return [
        200,
        {
          _scroll_id: body.scroll_id,
          _shards: { total: 1, successful: 1, skipped: 0, failed: 0 },
          hits: { hits: page.map((h) => ({ _source: pickSource(h.doc, s.source), sort: h.sort })) },
        },
      ];
    }
    throw new BadRequest('no_handler', `no handler found for uri [${path}] and method [${method}]`);
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const u = new URL(req.url ?? '/', 'http://x');
      const text = Buffer.concat(chunks).toString('utf8');
      const send = (status: number, body: Obj): void => {
        res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8' });
        res.end(JSON.stringify(body));
      };
      let body: Obj;
      try {
        body = text === '' ? {} : obj(JSON.parse(text));
      } catch {
        send(400, { error: { type: 'parse_exception', reason: 'request body is not JSON' }, status: 400 });
        return;
      }
      requests.push({ method: req.method ?? 'GET', path: u.pathname, query: u.search, body });
      if (options.basicAuth) {
        const want = `Basic ${Buffer.from(`${options.basicAuth.user}:${options.basicAuth.password}`).toString('base64')}`;
        if (req.headers.authorization !== want) {
          res.writeHead(401, {
            'content-type': 'application/json',
            'www-authenticate': 'Basic realm="OpenSearch Security"',
          });
          res.end(JSON.stringify({ error: 'Unauthorized', status: 401 }));
          return;
        }
      }
      if (!u.pathname.startsWith(prefix === '' ? '/' : `${prefix}/`) && u.pathname !== prefix) {
        res.writeHead(404, { 'content-type': 'text/html' });
        res.end('<html><body>Not Found</body></html>');
        return;
      }
      const path = u.pathname.slice(prefix.length) || '/';
      try {
        const method = req.method ?? 'GET';
        const pitId = typeof obj(body.pit).id === 'string' ? String(obj(body.pit).id) : undefined;
        const memoKey =
          memo !== undefined && method === 'POST' && path.endsWith('/_search') && !u.searchParams.has('scroll')
            ? `${path}${u.search} ${JSON.stringify(pitId === undefined ? body : { ...body, pit: { ...obj(body.pit), id: '' } })}`
            : undefined;
        const known = memoKey === undefined ? undefined : memo?.get(memoKey);
        if (known !== undefined && (pitId === undefined || pits.has(pitId))) {
          res.writeHead(200, { 'content-type': 'application/json; charset=UTF-8' });
          res.end(Buffer.concat(known.flatMap((part, i) => (i === 0 ? [part] : [pitText(pitId), part]))));
          return;
        }
        const [status, out] = handle(method, path, u.searchParams, body);
        const filtered = filterResponse(out, u.searchParams.get('filter_path'));
        if (memoKey !== undefined && status === 200) {
          const json = JSON.stringify(filtered);
          const parts = pitId === undefined ? [json] : json.split(pitText(pitId).toString());
          memo?.set(
            memoKey,
            parts.map((part) => Buffer.from(part)),
          );
        }
        send(status, filtered);
      } catch (e) {
        if (e instanceof BadRequest)
          send(e.status, {
            error: { root_cause: [{ type: e.type, reason: e.message }], type: e.type, reason: e.message },
            status: e.status,
          });
        else send(500, { error: { type: 'exception', reason: String(e) }, status: 500 });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: `${origin}${prefix}`,
    origin,
    requests,
    openPits: () => pits.size,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}
