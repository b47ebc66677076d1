/**
 * The pictures' HTTP routes, put in front of an archive (`esmond-ps-archive serve`) or of the
 * read-only proxy (`esmond-ps-view`): the page at `/`, its assets, the mesh summary the grid is
 * drawn from (one request for the whole grid), a traceroute's route changes over a range (the
 * pair view's longer ranges), and `/metrics`. The mesh summary is computed with an
 * {@link ArchiveReader} (the archive's service in process, or the library client for a remote
 * archive), cached, and refreshed in the background, so neither a page load nor a scrape waits
 * for the archive once it is warm.
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ArchiveReader } from './archive-reader.js';
import { loadPageAssets } from './assets.js';
import { computeMeshSummary } from './mesh-summary.js';
import type { MeshSummary, PageConfig } from '../web/mesh-types.js';
import { createMeshCache, type MeshSnapshot } from './mesh-cache.js';
import { parseRoutesRequest, readRouteChanges } from './routes.js';
import { OPENMETRICS_CONTENT_TYPE } from './metrics.js';
import { PAGE_HTML } from './page-html.js';
import type { ArchiveProxy } from './proxy.js';
import { withTimeout } from '../util/timeout.js';

/** Options of {@link createPicturesSite}. */
export interface PicturesSiteOptions {
  /** Reads the archive (a library client, or the archive's service in process). */
  reader: ArchiveReader;
  /** Same-origin path of the archive API the page calls, ending in `/perfsonar/archive/`. */
  apiBase: string;
  /** Shown in the page header (no credentials). */
  archiveLabel: string;
  /** Forwards GETs under {@link apiBase} (esmond-ps-view); without it the host serves them. */
  proxy?: ArchiveProxy;
  /** Clock, ms since the epoch. */
  now?: () => number;
  /** A summary older than this is recomputed in the background (default 60 s); writes seen by {@link PicturesSite.handle} refresh it sooner. */
  refreshMs?: number;
  /** Data reads in flight while computing the summary (default 8). */
  concurrency?: number;
  /** Where background refresh failures are reported. */
  log?: (line: string) => void;
}

/** The routes, as a handler that says whether it answered. */
export interface PicturesSite {
  /** Answers the request if it is one of the pictures' routes; false to let the host answer it. */
  handle(req: IncomingMessage, res: ServerResponse): boolean;
  /** The current summary (cached; computed when there is none yet). */
  summary(): Promise<MeshSummary>;
  /** Recomputes the summary now (or joins the computation running). */
  refresh(): Promise<MeshSummary>;
  /** Stops the background refreshes (the host is stopping). */
  close(): void;
}

/** Builds the routes (see the module docs). */
export function createPicturesSite(opts: PicturesSiteOptions): PicturesSite {
  const clock = opts.now ?? Date.now;
  const log = opts.log ?? (() => undefined);
  const cache = createMeshCache({
    compute: () =>
      computeMeshSummary(opts.reader, {
        now: Math.floor(clock() / 1000),
        ...(opts.concurrency !== undefined ? { concurrency: opts.concurrency } : {}),
      }),
    clock,
    refreshMs: opts.refreshMs ?? 60_000,
    log,
  });

  /**
   * The snapshot for a request: the cached one, else the first computation if it ends within
   * {@link FIRST_WAIT_MS}; `undefined` while it is still running (a big mesh takes a while), so
   * the request gets 503 + Retry-After rather than outliving the server's request timeout.
   */
  const snapshotForRequest = (): Promise<MeshSnapshot | undefined> =>
    withTimeout(cache.get(), FIRST_WAIT_MS, undefined);

  const config: PageConfig = { apiBase: opts.apiBase, archive: opts.archiveLabel };

  let routesInFlight = 0;
  const routes = async (
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    query: URLSearchParams,
  ): Promise<void> => {
    switch (path) {
      case '/':
      case '/index.html':
        send(req, res, 200, 'text/html; charset=utf-8', PAGE_HTML);
        return;
      case '/pictures/app.js':
        send(req, res, 200, 'text/javascript; charset=utf-8', (await loadPageAssets()).js, 'max-age=300');
        return;
      case '/pictures/app.css':
        send(req, res, 200, 'text/css; charset=utf-8', (await loadPageAssets()).css, 'max-age=300');
        return;
      case '/pictures/config.json':
        send(req, res, 200, 'application/json', JSON.stringify(config));
        return;
      case '/pictures/mesh.json':
        try {
          const mesh = await snapshotForRequest();
          if (mesh === undefined)
            send(req, res, 503, 'application/json', JSON.stringify({ detail: COMPUTING }), 'no-store', RETRY);
          else sendCached(req, res, 'application/json', mesh.json, mesh.jsonGzip);
        } catch (err) {
          send(req, res, 502, 'application/json', JSON.stringify({ detail: `archive unreachable: ${messageOf(err)}` }));
        }
        return;
      case '/pictures/routes.json': {
        const parsed = parseRoutesRequest(query);
        if ('error' in parsed) send(req, res, 400, 'application/json', JSON.stringify({ detail: parsed.error }));
        else if (routesInFlight >= MAX_ROUTES_IN_FLIGHT)
          send(req, res, 503, 'application/json', JSON.stringify({ detail: 'busy; retry shortly' }), 'no-store', RETRY);
        else {
          routesInFlight++;
          try {
            send(req, res, 200, 'application/json', JSON.stringify(await readRouteChanges(opts.reader, parsed)));
          } catch (err) {
            send(
              req,
              res,
              502,
              'application/json',
              JSON.stringify({ detail: `archive unreachable: ${messageOf(err)}` }),
            );
          } finally {
            routesInFlight--;
          }
        }
        return;
      }
      case '/metrics':
        try {
          const mesh = await snapshotForRequest();
          if (mesh === undefined) send(req, res, 503, 'text/plain; charset=utf-8', `${COMPUTING}\n`, 'no-store', RETRY);
          else sendCached(req, res, OPENMETRICS_CONTENT_TYPE, mesh.metrics, mesh.metricsGzip);
        } catch (err) {
          send(req, res, 503, 'text/plain; charset=utf-8', `archive unreachable: ${messageOf(err)}\n`);
        }
        return;
    }
  };

  const handle = (req: IncomingMessage, res: ServerResponse): boolean => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname;
    if (req.method !== 'GET' && req.method !== 'HEAD' && !ROUTES.has(path)) {
      // A write to the archive (API or ingest route): the summary is out of date once it is stored.
      res.once('finish', () => {
        if (res.statusCode < 300) cache.invalidate();
      });
    }
    if (opts.proxy !== undefined && path.startsWith(opts.apiBase)) {
      const proxy = opts.proxy;
      proxy(req, res, path.slice(opts.apiBase.length), url.search).catch(() => res.destroy());
      return true;
    }
    if (!ROUTES.has(path)) return false;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      send(
        req,
        res,
        405,
        'application/json',
        JSON.stringify({ detail: `Method "${req.method ?? ''}" not allowed.` }),
        undefined,
        {
          Allow: 'GET, HEAD',
        },
      );
      return true;
    }
    routes(req, res, path, url.searchParams).catch((err: unknown) => {
      log(`pictures: ${path}: ${messageOf(err)}`);
      if (!res.headersSent)
        send(req, res, 500, 'application/json', JSON.stringify({ detail: 'Internal server error.' }));
      else res.destroy();
    });
    return true;
  };

  return {
    handle,
    summary: async () => (await cache.get()).summary,
    refresh: async () => (await cache.refresh()).summary,
    close: () => {
      cache.close();
    },
  };
}

/** How long a request waits for the first summary before it is told to come back. */
const FIRST_WAIT_MS = 10_000;
const COMPUTING = 'the mesh summary is being computed; retry shortly';
const RETRY = { 'Retry-After': '3' };

const ROUTES = new Set([
  '/',
  '/index.html',
  '/pictures/app.js',
  '/pictures/app.css',
  '/pictures/config.json',
  '/pictures/mesh.json',
  '/pictures/routes.json',
  '/metrics',
]);
/** Route-change reads at once (each streams up to a year of traces); more get 503. */
const MAX_ROUTES_IN_FLIGHT = 4;

function send(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  type: string,
  body: string | Buffer,
  cache = 'no-store',
  extra: Record<string, string> = {},
): void {
  res.writeHead(status, {
    'Content-Type': type,
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': cache,
    'X-Content-Type-Options': 'nosniff',
    ...extra,
  });
  res.end(req.method === 'HEAD' ? undefined : body);
}

/** A body rendered once per summary: gzipped when the client takes it (browsers and Prometheus do). */
function sendCached(
  req: IncomingMessage,
  res: ServerResponse,
  type: string,
  plain: string | Buffer,
  gzipped: Buffer,
): void {
  if (acceptsGzip(req))
    send(req, res, 200, type, gzipped, 'no-store', { 'Content-Encoding': 'gzip', Vary: 'Accept-Encoding' });
  else send(req, res, 200, type, plain, 'no-store', { Vary: 'Accept-Encoding' });
}

/** True when the client takes a gzipped body (every browser does). */
function acceptsGzip(req: IncomingMessage): boolean {
  const accept = req.headers['accept-encoding'];
  return typeof accept === 'string' && /\bgzip\b/.test(accept) && !/\bgzip\s*;\s*q=0(\.0*)?\s*(,|$)/.test(accept);
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
