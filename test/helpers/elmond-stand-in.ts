/**
 * A scripted stand-in for perfSONAR 5's elmond (elmond), which cannot run here:
 * metadata as elmond builds them (elmond's metadata: 64-hex keys, number windows, `time-updated` from the
 * run, summaries without `time-updated`, `base-uri` ending in `base/0`, `url` with the doubled
 * mount and the request's query string, keys sorted, count on the first element only, newest
 * first, a skipped test keeping its slot), data routes with only four segments (elmond's data: `limit`
 * ≤ 10 000 else 400, `offset + limit` > 10 000 → 500, no default window), Werkzeug HTML error
 * pages, 404 for trailing slashes and the 308 redirect of the slashless mount (elmond's routes).
 * @module
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { listenLocal } from './listen.js';

const MOUNT = '/esmond/perfsonar/archive';

/** One elmond test: key, event types, and its points per event type. */
export interface ElmondTest {
  key: string;
  toolName: string;
  /** Newest run, UNIX seconds (`time-updated`; tests are listed newest first). */
  updated: number | null;
  /** Listed but skipped (no observer IP): takes a slot in the page, yields no object. */
  skipped?: boolean;
  series: Record<string, Array<{ ts: number; val: unknown }>>;
}

export interface ElmondStandIn {
  /** `http://127.0.0.1:PORT` */
  origin: string;
  requests: string[];
  close(): Promise<void>;
}

function html(status: number, title: string, message: string): { status: number; type: string; body: string } {
  return {
    status,
    type: 'text/html; charset=utf-8',
    body: `<!doctype html>\n<html lang=en>\n<title>${status} ${title}</title>\n<h1>${title}</h1>\n<p>${message}</p>\n`,
  };
}

/** elmond's JSON: keys sorted, 4-space indent, trailing newline. */
function sortedJson(v: unknown): string {
  const sort = (x: unknown): unknown =>
    Array.isArray(x)
      ? x.map(sort)
      : typeof x === 'object' && x !== null
        ? Object.fromEntries(
            Object.keys(x)
              .sort()
              .map((k) => [k, sort((x as Record<string, unknown>)[k])]),
          )
        : x;
  return `${JSON.stringify(sort(v), null, 4)}\n`;
}

function metadataObject(t: ElmondTest, host: string, requestPath: string): Record<string, unknown> {
  const uri = `${MOUNT}/${t.key}`;
  return {
    'metadata-key': t.key,
    uri,
    // item 12: PROXY_PATH prefixed to a path that already has the mount, plus the query string.
    url: `https://${host}${MOUNT}${requestPath}`,
    'subject-type': 'point-to-point',
    source: '10.0.0.1',
    destination: '10.0.0.2',
    'measurement-agent': '10.0.0.1',
    'tool-name': t.toolName,
    'time-duration': 30.0,
    'input-source': '10.0.0.1',
    'input-destination': '10.0.0.2',
    'pscheduler-test-type': t.toolName === 'pscheduler/iperf3' ? 'throughput' : 'rtt',
    'event-types': Object.keys(t.series).map((et) => ({
      'event-type': et,
      'base-uri': `${uri}/${et}/base/0`,
      'time-updated': t.updated,
      summaries:
        et === 'throughput'
          ? [
              {
                'event-type': et,
                'summary-type': 'average',
                'summary-window': 86400,
                uri: `${uri}/${et}/averages/86400`,
              },
            ]
          : [],
    })),
  };
}

export async function startElmondStandIn(tests: ElmondTest[]): Promise<ElmondStandIn> {
  const requests: string[] = [];
  const ordered = [...tests].sort((a, b) => (b.updated ?? 0) - (a.updated ?? 0));
  const server = createServer((req, res): void => {
    handle(req, res);
  });
  function handle(req: IncomingMessage, res: ServerResponse): boolean {
    const u = new URL(req.url ?? '/', 'http://x');
    requests.push(`${req.method ?? 'GET'} ${u.pathname}${u.search}`);
    // Both return true so that a branch can end with `return reply(…)`.
    const reply = (r: { status: number; type: string; body: string; location?: string }): true => {
      res.writeHead(r.status, { 'content-type': r.type, ...(r.location ? { location: r.location } : {}) });
      res.end(r.body);
      return true;
    };
    const json = (v: unknown): true => reply({ status: 200, type: 'application/json', body: sortedJson(v) });
    const int = (name: string, dflt: number): number | undefined => {
      const v = u.searchParams.get(name);
      return v === null ? dflt : /^\d+$/.test(v) ? Number(v) : undefined;
    };
    if (u.pathname === MOUNT)
      return reply({ ...html(308, 'Permanent Redirect', 'Redirecting...'), location: `${MOUNT}/${u.search}` });
    if (!u.pathname.startsWith(`${MOUNT}/`))
      return reply(html(404, 'Not Found', 'The requested URL was not found on the server.'));
    const rest = u.pathname.slice(MOUNT.length + 1);
    const limit = int('limit', 1000);
    const offset = int('offset', 0);
    if (limit === undefined || offset === undefined)
      return reply(html(400, 'Bad Request', 'limit and offset must be integers'));
    if (limit > 10000) return reply(html(400, 'Bad Request', 'limit parameter cannot exceed 10000'));
    if (rest === '') {
      const page = ordered.slice(offset, offset + limit);
      const out = page.filter((t) => !t.skipped).map((t) => metadataObject(t, req.headers.host ?? 'x', `/${u.search}`));
      if (out[0] !== undefined) {
        out[0]['metadata-count-total'] = ordered.length;
        out[0]['metadata-next-page'] =
          offset + limit >= ordered.length ? null : `https://x${MOUNT}/?limit=${limit}&offset=${offset + limit}`;
        out[0]['metadata-previous-page'] = null;
      }
      return json(out);
    }
    const parts = rest.split('/');
    if (parts.some((p) => p === ''))
      return reply(html(404, 'Not Found', 'The requested URL was not found on the server.'));
    const t = tests.find((x) => x.key === parts[0]);
    if (parts.length === 1)
      return t && !t.skipped
        ? json(metadataObject(t, req.headers.host ?? 'x', `/${t.key}${u.search}`))
        : reply(html(404, 'Not Found', 'Not found'));
    if (parts.length !== 4) return reply(html(404, 'Not Found', 'The requested URL was not found on the server.'));
    const [, et, st, sw] = parts as [string, string, string, string];
    if (!/^\d+$/.test(sw)) return reply(html(400, 'Bad Request', 'Summary window must be an integer'));
    if (st === 'base' && sw !== '0') return reply(html(400, 'Bad Request', 'Base data has no summary window'));
    if (offset + limit > 10000)
      return reply(
        html(
          500,
          'Internal Server Error',
          'The server encountered an internal error and was unable to complete your request.',
        ),
      );
    const start = u.searchParams.get('time-start');
    const end = u.searchParams.get('time-end');
    const points = (t?.series[et] ?? []).filter(
      (p) => (start === null || p.ts >= Number(start)) && (end === null || p.ts <= Number(end)),
    );
    if (st === 'base') return json(points.slice(offset, offset + limit));
    if (st === 'averages' && sw === '86400') {
      const bins = new Map<number, number[]>();
      for (const p of points) {
        const b = Math.floor(p.ts / 86400) * 86400;
        bins.set(b, [...(bins.get(b) ?? []), Number(p.val)]);
      }
      return json([...bins].map(([ts, vs]) => ({ ts, val: vs.reduce((a, b) => a + b, 0) / vs.length })));
    }
    return reply(html(400, 'Bad Request', 'Unrecognized event type'));
  }
  const { port, close } = await listenLocal(server);
  return { origin: `http://127.0.0.1:${port}`, requests, close };
}
