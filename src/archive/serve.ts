/**
 * Puts the archive app on a socket. The only file of the archive that listens.
 * @module
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { createArchiveApp, type ArchiveAppOptions } from './app.js';
import type { ArchiveService } from './types.js';
import { SERVER_LIMITS } from './server-limits.js';

export { SERVER_LIMITS };

/** Options of {@link serveArchive}: the app's options plus where to listen. */
export interface ServeArchiveOptions extends ArchiveAppOptions {
  service: ArchiveService;
  /** Interface to bind; loopback by default so nothing is exposed by accident. */
  host?: string;
  /** TCP port; `0` picks a free one. Default 8080. */
  port?: number;
  /** How long an idle keep-alive connection stays open, ms (default 65 s, above common proxy timeouts). */
  keepAliveMs?: number;
  /** Longest wait for a request's headers, ms (default {@link SERVER_LIMITS}); then 408. */
  headersTimeoutMs?: number;
  /** Longest time to receive a whole request, body included, ms; then 408. */
  requestTimeoutMs?: number;
  /** Longest time a connection may go without sending or receiving a byte, ms (a stalled answer too). */
  socketTimeoutMs?: number;
  /** Most open connections; more are refused at once. */
  maxConnections?: number;
  /** How long {@link RunningArchive.close} lets in-flight requests finish before cutting them, ms. */
  closeGraceMs?: number;
  /** Routes served beside the API (the web page, `/metrics`): true when it answered the request. */
  front?: (req: IncomingMessage, res: ServerResponse) => boolean;
}

/** A listening archive. */
export interface RunningArchive {
  /** `http://HOST:PORT`, no path. */
  url: string;
  port: number;
  /** Stops listening, lets in-flight requests finish (bounded), closes every connection. Does not close the service. */
  close(): Promise<void>;
}

/** Listens with the archive app; resolves once the socket is bound. */
export async function serveArchive(options: ServeArchiveOptions): Promise<RunningArchive> {
  const {
    service,
    host = '127.0.0.1',
    port = 8080,
    keepAliveMs = SERVER_LIMITS.keepAliveMs,
    headersTimeoutMs = SERVER_LIMITS.headersTimeoutMs,
    requestTimeoutMs = SERVER_LIMITS.requestTimeoutMs,
    socketTimeoutMs = SERVER_LIMITS.socketTimeoutMs,
    maxConnections = SERVER_LIMITS.maxConnections,
    closeGraceMs = 5_000,
    front,
    ...appOptions
  } = options;
  // Node requires headersTimeout ≤ requestTimeout.
  const headersTimeout = Math.min(headersTimeoutMs, requestTimeoutMs);
  const server = createServer({
    keepAlive: true,
    requestTimeout: requestTimeoutMs,
    headersTimeout,
    // How often Node looks for timed-out requests: a fraction of the shortest timeout.
    connectionsCheckingInterval: Math.max(100, Math.min(5_000, Math.floor(headersTimeout / 4))),
  });
  server.on('clientError', answerClientError);
  server.keepAliveTimeout = keepAliveMs;
  server.timeout = socketTimeoutMs;
  server.maxConnections = maxConnections;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = (server.address() as AddressInfo).port;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  // Attached once bound, so the app knows the address a believed Host must match.
  const app = createArchiveApp(service, { ...appOptions, boundHost: `${shownHost}:${bound}` });
  server.on(
    'request',
    front === undefined
      ? app
      : (req: IncomingMessage, res: ServerResponse) => {
          if (!front(req, res)) app(req, res);
        },
  );
  let closing: Promise<void> | undefined;
  return {
    url: `http://${shownHost}:${bound}`,
    port: bound,
    close() {
      closing ??= new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          server.closeAllConnections();
        }, closeGraceMs);
        timer.unref();
        server.close(() => {
          clearTimeout(timer);
          resolve();
        });
        server.closeIdleConnections();
      });
      return closing;
    },
  };
}

/**
 * Requests Node's parser rejects before the app sees them (oversized headers, garbage) still get
 * esmond's JSON error shape instead of Node's bare status line.
 */
export function answerClientError(err: NodeJS.ErrnoException, socket: Socket): void {
  if (err.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const [status, reason, detail] =
    err.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'Request Header Fields Too Large', 'Request header fields too large.']
      : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'Request Timeout', 'Request timed out.']
        : [400, 'Bad Request', 'Bad request.'];
  const body = JSON.stringify({ detail });
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json\r\nAccess-Control-Allow-Origin: *\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
