/**
 * The read-only archive proxy of `esmond-ps-view`: the page asks its own origin, the server asks
 * the archive. So there is no CORS problem, and credentials (and TLS settings) stay on the server.
 * Only GET and HEAD of the archive API are forwarded; the response body is streamed through.
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { Agent, request } from 'undici';
import { authorizationHeader, type AuthCredentials } from '../http/auth.js';
import { DEFAULT_USER_AGENT } from '../http/version.js';

/** Options of {@link createArchiveProxy}. */
export interface ArchiveProxyOptions {
  /** The upstream archive URL, ending in `/perfsonar/archive/`. */
  archiveUrl: string;
  credentials?: AuthCredentials | undefined;
  /** Verify the upstream's TLS certificate (default true). */
  tlsVerify?: boolean;
  /** Headers and body-chunk timeout, ms (default 30 s). */
  timeoutMs?: number;
}

/** Forwards one request; `rest` is the path after the local API base, `search` its query. */
export type ArchiveProxy = ((
  req: IncomingMessage,
  res: ServerResponse,
  rest: string,
  search: string,
) => Promise<void>) & {
  close(): Promise<void>;
};

/** Paths the archive API has: segments of word characters, dots, dashes and `@` (no `..`). */
const SAFE_REST = /^(?:[\w.@-]+\/)*[\w.@-]*$/;

/** Builds the proxy (one keep-alive pool to the upstream). */
export function createArchiveProxy(opts: ArchiveProxyOptions): ArchiveProxy {
  const base = opts.archiveUrl.endsWith('/') ? opts.archiveUrl : `${opts.archiveUrl}/`;
  const timeout = opts.timeoutMs ?? 30_000;
  const agent = new Agent({ connect: { rejectUnauthorized: opts.tlsVerify ?? true }, connections: 8 });
  const auth = opts.credentials === undefined ? undefined : authorizationHeader(opts.credentials);
  const forward = async (req: IncomingMessage, res: ServerResponse, rest: string, search: string): Promise<void> => {
    const method = req.method === 'HEAD' ? 'HEAD' : 'GET';
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      answer(res, 405, 'The archive proxy only reads (GET, HEAD).', { Allow: 'GET, HEAD' });
      return;
    }
    if (!SAFE_REST.test(rest) || rest.split('/').some((s) => s === '..' || s === '.')) {
      answer(res, 404, 'Not found.');
      return;
    }
    const headers: Record<string, string> = { accept: 'application/json', 'user-agent': DEFAULT_USER_AGENT };
    if (auth !== undefined) headers['authorization'] = auth;
    let upstream: Awaited<ReturnType<typeof request>>;
    try {
      upstream = await request(`${base}${rest}${search}`, {
        method,
        headers,
        dispatcher: agent,
        headersTimeout: timeout,
        bodyTimeout: timeout,
      });
    } catch (err) {
      answer(res, 502, `archive unreachable: ${err instanceof Error ? err.message : String(err)}`);
      return;
    }
    const type = upstream.headers['content-type'];
    res.writeHead(upstream.statusCode, {
      'Content-Type': typeof type === 'string' ? type : 'application/json',
      'Cache-Control': 'no-store',
    });
    try {
      await pipeline(upstream.body, res);
    } catch {
      res.destroy();
    }
  };
  return Object.assign(forward, { close: () => agent.close() });
}

function answer(res: ServerResponse, status: number, detail: string, headers: Record<string, string> = {}): void {
  const body = JSON.stringify({ detail });
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body), ...headers });
  res.end(body);
}
