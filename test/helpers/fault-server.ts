/**
 * A scripted node:http server on 127.0.0.1 (port 0) for injecting faults the real archive never
 * produces: 5xx, Retry-After, connection resets, stalled bodies, broken JSON, HTML pages, and
 * elmond-shaped answers. Records every request it receives.
 *
 *   const s = await startFaultServer(script(reply(503), json([])));
 *   try { ... s.url ... s.requests ... } finally { await s.close(); }
 * @module
 */
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { listenLocal } from './listen.js';
import { createClientWithHooks } from '../../src/client.js';
import type { ClientOptions, EsmondClient } from '../../src/query/types.js';

/** A request as the server saw it. */
export interface RecordedRequest {
  method: string;
  /** Path and query, e.g. `/esmond/perfsonar/archive/?limit=5`. */
  url: string;
  /** Parsed path and query. */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: string;
}

/** What to do with one request. */
export type FaultReply =
  | { kind: 'reply'; status: number; headers: Record<string, string>; body: string | Buffer }
  /** Destroy the socket without answering (the client sees a reset / "other side closed"). */
  | { kind: 'reset' }
  /** Send headers and `partial` of the body, then go silent (never end). */
  | { kind: 'stall-body'; status: number; headers: Record<string, string>; partial: string | Buffer }
  /** Accept the request and never answer. */
  | { kind: 'stall-headers' };

/** Decides the reply to the `index`-th request (0-based). */
export type FaultHandler = (req: RecordedRequest, index: number) => FaultReply | Promise<FaultReply>;

/** A raw reply. */
export function reply(status: number, body: string | Buffer = '', headers: Record<string, string> = {}): FaultReply {
  return { kind: 'reply', status, headers, body };
}

/** A JSON reply with esmond's exact content type. */
export function json(value: unknown, status = 200, headers: Record<string, string> = {}): FaultReply {
  return reply(status, JSON.stringify(value), { 'content-type': 'application/json', ...headers });
}

/** Replies in order; after the script runs out every request gets a 599 so over-asking shows up. */
export function script(...replies: FaultReply[]): FaultHandler {
  return (_req, i) => replies[i] ?? reply(599, 'script exhausted');
}

/** A running fault server. */
export interface FaultServer {
  /** `http://127.0.0.1:PORT` (no path). */
  url: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

function send(res: ServerResponse, r: Extract<FaultReply, { kind: 'reply' }>): void {
  res.writeHead(r.status, { 'content-length': Buffer.byteLength(r.body), ...r.headers });
  res.end(r.body);
}

/** Starts the server with a handler (see {@link script}). */
export async function startFaultServer(handler: FaultHandler): Promise<FaultServer> {
  const requests: RecordedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const u = new URL(req.url ?? '/', 'http://x');
      const rec: RecordedRequest = {
        method: req.method ?? 'GET',
        url: req.url ?? '/',
        path: u.pathname,
        query: u.searchParams,
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      const index = requests.push(rec) - 1;
      void Promise.resolve(handler(rec, index)).then(
        (r) => {
          switch (r.kind) {
            case 'reply':
              send(res, r);
              break;
            case 'reset':
              req.socket.destroy();
              break;
            case 'stall-body':
              res.writeHead(r.status, r.headers);
              res.write(r.partial);
              break;
            case 'stall-headers':
              break;
          }
        },
        (err: unknown) => {
          send(res, { kind: 'reply', status: 598, headers: {}, body: String(err) });
        },
      );
    });
  });
  const { port, close } = await listenLocal(server);
  return { url: `http://127.0.0.1:${port}`, requests, close };
}

/**
 * Runs `fn` with a client of a fault server answering with `handler` (retries without waiting,
 * no jitter, then `opts`); closes both after it.
 */
export async function withFaultClient(
  handler: FaultHandler,
  opts: Partial<ClientOptions>,
  fn: (c: EsmondClient, s: FaultServer) => Promise<void>,
): Promise<void> {
  const server = await startFaultServer(handler);
  const client = createClientWithHooks({
    url: `${server.url}/esmond`,
    sleep: () => Promise.resolve(),
    random: () => 0,
    ...opts,
  });
  try {
    await fn(client, server);
  } finally {
    await client.close();
    await server.close();
  }
}

/** A port on 127.0.0.1 with nothing listening (was free a moment ago): connecting is refused. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) =>
    server.close(() => {
      resolve();
    }),
  );
  return port;
}
