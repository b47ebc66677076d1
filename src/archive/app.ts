/**
 * The embedded archive's HTTP layer as a plain `node:http` request handler: routing, auth,
 * method checks, body parsing, and turning {@link ApiError}s into esmond's `{"detail": …}`
 * answers. It opens no socket ({@link serveArchive} does) and never touches storage (the
 * {@link ArchiveService} does).
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  addressList,
  authenticate,
  clientAddressOf,
  notAuthenticated,
  proxyTrust,
  type AddressTrust,
  type AuthResult,
} from './auth.js';
import { compressWhenAsked } from './compress.js';
import { originPolicy, type OriginOptions } from './origin.js';
import { ClientAbortError, DEFAULT_MAX_BODY_BYTES, parseDataJson, parseDrfJson, readBody } from './body.js';
import { BASE_HEADERS, sendJson, streamJsonArray, streamPoints } from './respond.js';
import { matchRoute, type Route } from './routes.js';
import { ingestPschedulerResult, ingestPschedulerResultResolved, type IngestCounts } from './pscheduler-ingest.js';
import { StoreBusyError } from './storage/store.js';
import { ApiError, type ArchiveService, type RequestContext, type Resolver } from './types.js';
import { StoreUnavailableError } from './storage/store.js';
import { writeBatch } from './write-batch.js';
import { EXTENSIONS_HEADER, WRITE_BATCH_EXTENSION } from '../model/write-batch.js';

/** The pScheduler ingest entry point (see `pscheduler-ingest.ts`). */
export type PschedulerIngest = (
  service: ArchiveService,
  body: unknown,
  ctx: RequestContext,
) => IngestCounts | Promise<IngestCounts>;

/** Options of {@link createArchiveApp}. */
export interface ArchiveAppOptions extends OriginOptions {
  /** Mount prefix, `'/esmond'` by default; `''` serves only `/perfsonar/…`. Plain `/perfsonar/…` always works. */
  prefix?: string;
  /** Clock in ms since the epoch (like `Date.now`), for `ctx.now`. */
  now?: () => number;
  /** Largest request body accepted, bytes (default 64 MiB); more gets 413. */
  maxBodyBytes?: number;
  /** Where unexpected errors are reported (default: stderr). Never receives API keys. */
  log?: (line: string) => void;
  /** IPs/CIDRs allowed to write without a key (esmond's IP authentication). */
  writers?: readonly string[];
  /** Proxies whose `X-Forwarded-For` is trusted for {@link writers}. */
  trustedProxies?: readonly string[];
  /** Resolves host names in ingested pScheduler results; without it only IP literals are stored. */
  resolver?: Resolver | false;
  /** Replaces the pScheduler ingest (tests). */
  ingest?: PschedulerIngest;
  /** Smallest answer compressed for a client that asks (see compress.ts). @defaultValue 4096 */
  compressMinBytes?: number;
  /**
   * Offer the batch write extension (write-batch.ts): its route, and its name in the
   * `X-Esmond-Extensions` header of write answers. `false` makes the archive look like an esmond
   * without it (tests of the clients' fallback). @defaultValue true
   */
  writeBatch?: boolean;
}

/** A `node:http` request listener. */
export type ArchiveHandler = (req: IncomingMessage, res: ServerResponse) => void;

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);
const READ_METHODS = 'GET, HEAD, OPTIONS';

/** Response header of every data write: how many points it stored (`0`: nothing, yet a 201). */
export const STORED_HEADER = 'X-Esmond-Stored';

/** Methods each route answers (DRF's `Allow`, in its order). */
function allowedMethods(route: Route): readonly string[] {
  switch (route.kind) {
    case 'root':
      return ['GET', 'HEAD', 'OPTIONS'];
    case 'detail':
      return ['GET', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];
    case 'pscheduler':
    case 'batch':
      return ['POST', 'OPTIONS'];
    default:
      return ['GET', 'POST', 'HEAD', 'OPTIONS'];
  }
}

/** The 405 of a method a route has no use for (archive-api.md: Routes, Writing); `undefined` when it is served. */
function methodError(route: Route, method: string): ApiError | undefined {
  if (route.kind === 'detail' && method === 'PATCH') return new ApiError(405, 'does not support PATCH verb');
  if (route.kind === 'detail' && method === 'DELETE') return new ApiError(405, 'Method "DELETE" not allowed.');
  if (allowedMethods(route).includes(method)) return undefined;
  return new ApiError(405, `Method "${method}" not allowed.`);
}

/** The request URL on the origin {@link originPolicy} decided (never a raw `Host` echo). */
function requestUrl(req: IncomingMessage, origin: string): URL {
  const target = req.url ?? '/';
  // Absolute-form targets (`GET http://h/p`) are legal HTTP; only their path and query count.
  let path = target;
  if (!target.startsWith('/')) {
    try {
      const abs = new URL(target);
      path = abs.pathname + abs.search;
    } catch {
      throw new ApiError(400, 'Invalid request target.');
    }
  }
  try {
    return new URL(`${origin}${path}`);
  } catch {
    throw new ApiError(400, 'Invalid request target.');
  }
}

/** The last value of a repeated query key, as Django's `QueryDict.get` picks it. */
function lastParam(params: URLSearchParams, name: string): string | undefined {
  return params.getAll(name).at(-1);
}

/** The status and detail of an error's answer (with its headers), and what to log, if anything. */
interface Failure {
  status: number;
  detail: string;
  headers: Readonly<Record<string, string>>;
  log?: string;
}

/** How an error thrown while serving `what` (a method and path) is answered. */
function failureOf(err: unknown, what: string): Failure {
  if (err instanceof ApiError) return { status: err.status, detail: err.detail, headers: err.headers };
  if (err instanceof StoreBusyError) {
    return {
      status: 503,
      detail: 'The archive is busy; retry shortly.',
      headers: { 'Retry-After': '1' },
      log: `esmond-ps-archive: 503 on ${what}: ${err.message}`,
    };
  }
  if (err instanceof StoreUnavailableError) {
    return {
      status: 503,
      detail: 'Archive database unavailable, try again later.',
      headers: { 'Retry-After': '5' },
      log: `esmond-ps-archive: database unavailable on ${what}: ${err.message}`,
    };
  }
  return {
    status: 500,
    detail: 'Internal server error.',
    headers: {},
    log: `esmond-ps-archive: internal error on ${what}: ${describeError(err)}`,
  };
}

/**
 * Builds the archive's request handler over `service`. Every client error is a 4xx JSON answer;
 * only a bug in the archive itself gives 500 (logged).
 */
export function createArchiveApp(service: ArchiveService, options: ArchiveAppOptions = {}): ArchiveHandler {
  const mount = (options.prefix ?? '/esmond').replace(/\/+$/, '');
  const clock = options.now ?? Date.now;
  const limit = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const log = options.log ?? ((line: string) => void process.stderr.write(`${line}\n`));
  const trust: AddressTrust | undefined =
    options.writers !== undefined && options.writers.length > 0 ? { writers: addressList(options.writers) } : undefined;
  const proxies = proxyTrust(options.trustedProxies ?? []);
  const originOf = originPolicy(options);
  const batches = options.writeBatch !== false;
  /** Write answers name the extensions this archive offers (how a client learns it may batch). */
  const extensions: Record<string, string> = batches ? { [EXTENSIONS_HEADER]: WRITE_BATCH_EXTENSION } : {};
  const created = (res: ServerResponse, body: unknown = '', headers: Record<string, string> = {}): void => {
    sendJson(res, 201, body, { ...headers, ...extensions });
  };
  const resolver = options.resolver;
  const ingest: PschedulerIngest =
    options.ingest ??
    (resolver === undefined || resolver === false
      ? ingestPschedulerResult
      : (svc, body, ctx) => ingestPschedulerResultResolved(svc, body, ctx, resolver));

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase();
    const url = requestUrl(req, originOf(req, proxies));
    const match = matchRoute(url.pathname, mount);
    if (match === undefined || (match.route.kind === 'batch' && !batches)) throw new ApiError(404, 'Not found.');
    const allow = { Allow: allowedMethods(match.route).join(', ') };
    try {
      await handleRoute(req, res, method, url, match.route, match.prefix, allow);
    } catch (err) {
      // DRF sends `Allow` with every answer of a matched view, errors included.
      throw err instanceof ApiError ? withHeaders(err, allow) : err;
    }
  }

  /**
   * The 201 of a data write. esmond answers 201 even when it stored nothing (unknown metadata
   * key, undeclared event type) and the original client relies on the status, so it stays; the
   * count says the truth, and a write that stored nothing is logged.
   */
  function createdWrite(res: ServerResponse, stored: number, headers: Record<string, string>): void {
    if (stored === 0)
      log(
        `esmond-ps-archive: warning: ${res.req.method} ${pathOf(res.req)} stored nothing (unknown metadata key or undeclared event type)`,
      );
    created(res, '', { ...headers, [STORED_HEADER]: String(stored) });
  }

  async function handleRoute(
    req: IncomingMessage,
    res: ServerResponse,
    method: string,
    url: URL,
    route: Route,
    prefix: string,
    allow: { Allow: string },
  ): Promise<void> {
    const params = new URLSearchParams(url.searchParams);
    const format = lastParam(params, 'format');
    if (format !== undefined && format !== 'json') throw new ApiError(404, 'Not found.');
    params.delete('format');

    const auth: AuthResult = await authenticate(
      {
        authorization: req.headers.authorization,
        clientAddress: trust === undefined ? undefined : clientAddressOf(req, proxies),
      },
      (key, user) => service.checkKey(key, user),
      trust,
    );
    if (!SAFE.has(method) && auth.kind === 'anonymous') throw notAuthenticated();
    // A browser inside an allowed address range carries that trust to any page it visits:
    // an address-authorised write must come from no foreign page (a key is not ambient).
    const origin = req.headers.origin;
    if (!SAFE.has(method) && auth.kind === 'address' && origin !== undefined && origin !== url.origin) {
      throw new ApiError(403, 'Cross-origin writes need an API key.');
    }
    const refused = methodError(route, method);
    if (refused !== undefined) throw refused;

    const ctx: RequestContext = { requestUrl: url, prefix, now: Math.floor(clock() / 1000) };
    if (method === 'OPTIONS') {
      sendJson(res, 200, describe(route), {
        ...allow,
        // CORS is for reads only: no preflight lets a foreign page write.
        'Access-Control-Allow-Methods': READ_METHODS,
        'Access-Control-Allow-Headers': 'Authorization, Content-Type',
      });
      return;
    }
    const read = method === 'GET' || method === 'HEAD';
    const body = async (): Promise<Buffer> => readBody(req, limit);
    const contentType = req.headers['content-type'];

    switch (route.kind) {
      case 'root':
        sendJson(res, 200, { archive: `${url.origin}${prefix}/perfsonar/archive/` }, allow);
        return;
      case 'list':
        if (read) {
          const page = await service.searchMetadataStream(params, ctx);
          const headers = linkHeader(page.link, allow);
          if (page.json) await streamJsonArray(res, page.json, (text) => text, headers, method === 'HEAD');
          else await streamJsonArray(res, page.items, (m) => JSON.stringify(m), headers, method === 'HEAD');
        } else {
          const made = await service.createMetadata(parseDrfJson(contentType, await body(), 'metadata'), ctx);
          created(res, made.metadata, { ...allow, Location: made.location });
        }
        return;
      case 'detail':
        if (read) {
          sendJson(res, 200, await service.getMetadata(route.key, params, ctx), allow);
        } else {
          const stored = await service.bulkWriteBody(route.key, contentType, await body(), ctx);
          createdWrite(res, stored, allow);
        }
        return;
      case 'event-type':
        if (read) {
          sendJson(res, 200, await service.eventTypeDetail(route.key, route.eventType, ctx), allow);
        } else {
          // R8: a stub upstream too; it only checks that a JSON body came (and stores nothing).
          parseDataJson(contentType, await body());
          createdWrite(res, 0, allow);
        }
        return;
      case 'series':
        if (read && route.segment !== 'base' && route.window === undefined) {
          sendJson(res, 200, await service.summaryListing(route.key, route.eventType, route.segment, ctx), allow);
        } else if (read) {
          const page = await service.readData(route.key, route.eventType, route.segment, route.window, params, ctx);
          await streamPoints(res, page, linkHeader(page.link, allow), method === 'HEAD');
        } else {
          const parsed = parseDataJson(contentType, await body());
          const stored = await service.writePoint(route.key, route.eventType, route.segment, parsed, ctx);
          createdWrite(res, stored, allow);
        }
        return;
      case 'pscheduler': {
        const parsed = parseDrfJson(contentType, await body());
        created(res, await ingest(service, parsed, ctx), allow);
        return;
      }
      case 'batch': {
        const what = `${method} ${pathOf(req)}`;
        const answer = await writeBatch(service, contentType, await body(), ctx, (err) => {
          const f = failureOf(err, what);
          if (f.log !== undefined) log(f.log);
          return { status: f.status, detail: f.detail };
        });
        answer.items.forEach((item, i) => {
          if (item.stored === 0)
            log(
              `esmond-ps-archive: warning: item ${i + 1} of ${what} stored nothing (unknown metadata key or undeclared event type)`,
            );
        });
        sendJson(res, 200, answer, { ...allow, ...extensions });
        return;
      }
    }
  }

  return (req, res) => {
    compressWhenAsked(req, res, options.compressMinBytes);
    handle(req, res).catch((err: unknown) => {
      if (err instanceof ClientAbortError) {
        log(`esmond-ps-archive: client aborted ${req.method} ${pathOf(req)} before its body arrived (${err.message})`);
        res.destroy();
        return;
      }
      if (res.headersSent) {
        if (!(err instanceof ApiError))
          log(`esmond-ps-archive: error while streaming ${req.method} ${pathOf(req)}: ${describeError(err)}`);
        res.destroy();
        return;
      }
      const f = failureOf(err, `${req.method} ${pathOf(req)}`);
      if (f.log !== undefined) log(f.log);
      // An early answer (401, 413, …) to a request whose body is still coming closes the
      // connection, so Node does not read (and discard) a body of any declared size.
      const close: Record<string, string> = err instanceof ApiError && !req.complete ? { Connection: 'close' } : {};
      sendJson(res, f.status, { detail: f.detail }, { ...f.headers, ...close });
    });
  };
}

function withHeaders(err: ApiError, headers: Record<string, string>): ApiError {
  return new ApiError(err.status, err.detail, { ...headers, ...err.headers });
}

function linkHeader(link: string | undefined, headers: Record<string, string>): Record<string, string> {
  return link === undefined || link === '' ? headers : { ...headers, Link: link };
}

/** The path without the query (queries may carry nothing secret, but logs stay short). */
function pathOf(req: IncomingMessage): string {
  return (req.url ?? '').split('?')[0] ?? '';
}

function describeError(err: unknown): string {
  return err instanceof Error ? (err.stack ?? err.message) : String(err);
}

/** The OPTIONS self-description, in DRF's shape (no client reads it). */
function describe(route: Route): Record<string, unknown> {
  const names: Record<Route['kind'], string> = {
    root: 'Api Root',
    list: 'Archive List',
    detail: 'Archive Instance',
    'event-type': 'Event Type Detail',
    series: 'Time Series',
    pscheduler: 'pScheduler Result Ingest',
    batch: 'Batch Write',
  };
  return {
    name: names[route.kind],
    description: '',
    renders: [BASE_HEADERS['Content-Type']],
    parses: ['application/json'],
  };
}
