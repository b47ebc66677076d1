/**
 * The archive without a socket: {@link createArchiveRequester} answers one request at a time
 * through the very handler `serveArchive` mounts (routing, auth, origin checks, validation,
 * streaming), like hono's `app.request()`. The request and the answer travel as HTTP/1.1 bytes
 * over an in-memory stream pair, so Node's own parser and writer frame them exactly as on a
 * port, but no port is opened and nothing leaves the process. For tests and embedding; the
 * HTTP-only behaviour (slow clients, server limits, keep-alive) needs `serveArchive`.
 * @module
 */
import { createServer, request, type IncomingHttpHeaders } from 'node:http';
import { Duplex } from 'node:stream';
import { createArchiveApp, type ArchiveAppOptions } from './app.js';
import { answerClientError } from './serve.js';
import type { ArchiveService } from './types.js';

/** One request: method, headers and body as sent; the path goes to the requester itself. */
export interface ArchiveRequestInit {
  /** @defaultValue 'GET' */
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer | undefined;
}

/** The answer: status, headers (lower-case names, as Node gives them) and the body text. */
export interface ArchiveResponse {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  /** The body parsed as JSON (throws if it is not JSON). */
  json(): unknown;
}

/** Sends `path` (verbatim, with its query) to the archive and resolves with the whole answer. */
export type ArchiveRequester = (path: string, init?: ArchiveRequestInit) => Promise<ArchiveResponse>;

/** The address the in-memory peer reports (a loopback client, as a local test over HTTP). */
const PEER = {
  remoteAddress: '127.0.0.1',
  remotePort: 40000,
  remoteFamily: 'IPv4',
  localAddress: '127.0.0.1',
  localPort: 80,
} as const;

/** One side of an in-memory connection; what it writes, its peer reads. */
class MemorySocket extends Duplex {
  peer: MemorySocket | undefined;
  readonly remoteAddress = PEER.remoteAddress;
  readonly remotePort = PEER.remotePort;
  readonly remoteFamily = PEER.remoteFamily;
  readonly localAddress = PEER.localAddress;
  readonly localPort = PEER.localPort;

  override _read(): void {
    // Data is pushed by the peer's writes.
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    this.peer?.push(chunk);
    done();
  }

  override _final(done: (error?: Error | null) => void): void {
    this.peer?.push(null);
    done();
  }

  override _destroy(error: Error | null, done: (error?: Error | null) => void): void {
    if (this.peer && !this.peer.destroyed) this.peer.push(null);
    done(error);
  }

  // What Node's HTTP layers call on a net.Socket; nothing to tune in memory.
  setTimeout(): this {
    return this;
  }
  setNoDelay(): this {
    return this;
  }
  setKeepAlive(): this {
    return this;
  }
  ref(): this {
    return this;
  }
  unref(): this {
    return this;
  }
}

function memoryPair(): [MemorySocket, MemorySocket] {
  const a = new MemorySocket();
  const b = new MemorySocket();
  a.peer = b;
  b.peer = a;
  return [a, b];
}

/** Host the requests name (and the app believes): no port, since none is bound. */
const HOST = '127.0.0.1';

/** A socket-free requester over `service` with the app options `serveArchive` would take. */
export function createArchiveRequester(service: ArchiveService, options: ArchiveAppOptions = {}): ArchiveRequester {
  const app = createArchiveApp(service, { boundHost: HOST, ...options });
  const server = createServer(app);
  // Malformed requests (an oversized header) get the same JSON answer as on a port.
  server.on('clientError', answerClientError);
  return (path, init = {}) =>
    new Promise<ArchiveResponse>((resolve, reject) => {
      const [client, serverSide] = memoryPair();
      server.emit('connection', serverSide);
      const body = init.body;
      const req = request(
        {
          host: HOST,
          method: init.method ?? 'GET',
          path,
          headers:
            body === undefined
              ? (init.headers ?? {})
              : { 'Content-Length': String(Buffer.byteLength(body)), ...init.headers },
          createConnection: () => client,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', reject);
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            client.destroy();
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              text,
              json: () => JSON.parse(text) as unknown,
            });
          });
        },
      );
      req.on('error', reject);
      req.end(body);
    });
}
