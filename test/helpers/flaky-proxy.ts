/**
 * A fault-injecting HTTP proxy for tests: forwards every request to a real server (the embedded
 * archive) and makes a seeded share of them fail — a 503 (with `Retry-After: 0`), a connection
 * reset before any answer, a reset in the middle of the body, or a stall that never answers
 * (the client's timeout must give up on it). Binds 127.0.0.1 on a free port.
 *
 *   const proxy = await startFlakyProxy({ target: archive.url, failureRate: 0.2, seed: 7 });
 *   ... point the client at proxy.url ...
 *   await proxy.close();
 * @module
 */
import { Agent, createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/** The kinds of failure the proxy injects. */
export type FaultMode = '503' | 'reset' | 'truncate' | 'stall';

/** Options of {@link startFlakyProxy}. */
export interface FlakyProxyOptions {
  /** `http://127.0.0.1:PORT` of the real server. */
  target: string;
  /** Share of requests that fail, 0..1. @defaultValue 0.2 */
  failureRate?: number;
  /** PRNG seed (which requests fail, and how). @defaultValue 1 */
  seed?: number;
  /** Failure kinds to draw from. @defaultValue all four */
  modes?: readonly FaultMode[];
  /** Only requests for which this is true may fail (e.g. only data requests). @defaultValue all */
  eligible?: (method: string, url: string) => boolean;
  /** Answer 400 to data requests with a larger `limit`, as perfSONAR 5 does above 10 000. */
  maxPageSize?: number;
  /** `Retry-After` seconds sent with injected 503s. @defaultValue 0 */
  retryAfterSeconds?: number;
  /** Keep every forwarded request (method, URL, body text as sent) in `recorded`. @defaultValue false */
  record?: boolean;
}

/** A request as it came over the wire. */
export interface RecordedRequest {
  method: string;
  url: string;
  body: string;
}

/** A running proxy. */
export interface FlakyProxy {
  url: string;
  /** Requests seen, faults injected by kind, and requests forwarded. */
  stats: { requests: number; forwarded: number; refusedPageSize: number; faults: Record<FaultMode, number> };
  /** The forwarded requests, in arrival order (with `record`). */
  recorded: RecordedRequest[];
  /** Stops faulting from now on (the proxy keeps forwarding). */
  heal(): void;
  close(): Promise<void>;
}

/** mulberry32: small, seeded, good enough to pick faults. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Starts the proxy (see the module docs). */
export async function startFlakyProxy(opts: FlakyProxyOptions): Promise<FlakyProxy> {
  const target = new URL(opts.target);
  const rate = opts.failureRate ?? 0.2;
  const modes = opts.modes ?? (['503', 'reset', 'truncate', 'stall'] as const);
  const random = prng(opts.seed ?? 1);
  const agent = new Agent({ keepAlive: true, maxSockets: 16 });
  const stats = {
    requests: 0,
    forwarded: 0,
    refusedPageSize: 0,
    faults: { '503': 0, reset: 0, truncate: 0, stall: 0 } as Record<FaultMode, number>,
  };
  const sockets = new Set<Socket>();
  const recorded: RecordedRequest[] = [];
  let healed = false;

  const forward = (req: IncomingMessage, res: ServerResponse, truncate: boolean): void => {
    stats.forwarded++;
    const headers = { ...req.headers, host: target.host };
    const upstream = request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers, agent },
      (up) => {
        const h = { ...up.headers };
        res.writeHead(up.statusCode ?? 502, h);
        if (!truncate) {
          up.pipe(res);
          return;
        }
        // Half the body, then the connection dies: the client must not keep a torn page.
        const chunks: Buffer[] = [];
        up.on('data', (c: Buffer) => chunks.push(c));
        up.on('end', () => {
          const body = Buffer.concat(chunks);
          res.write(body.subarray(0, Math.floor(body.length / 2)), () => req.socket.destroy());
        });
      },
    );
    upstream.on('error', () => res.destroy());
    if (opts.record) {
      const entry: RecordedRequest = { method: req.method ?? 'GET', url: req.url ?? '/', body: '' };
      recorded.push(entry);
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => (entry.body = Buffer.concat(chunks).toString('utf8')));
    }
    req.pipe(upstream);
  };

  const server = createServer((req, res) => {
    stats.requests++;
    const limit = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('limit') ?? 0);
    if (
      opts.maxPageSize !== undefined &&
      limit > opts.maxPageSize &&
      /\/(base|aggregations|averages|statistics)/.test(req.url ?? '')
    ) {
      stats.refusedPageSize++;
      req.resume();
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(`{"detail": "limit must be an integer <= ${opts.maxPageSize}"}`);
      return;
    }
    const eligible = !healed && (opts.eligible?.(req.method ?? 'GET', req.url ?? '/') ?? true);
    const mode = eligible && random() < rate ? modes[Math.floor(random() * modes.length)]! : undefined;
    if (mode) stats.faults[mode]++;
    switch (mode) {
      case '503':
        req.resume();
        res.writeHead(503, { 'content-type': 'application/json', 'retry-after': String(opts.retryAfterSeconds ?? 0) });
        res.end('{"detail": "injected failure"}');
        return;
      case 'reset':
        req.socket.destroy();
        return;
      case 'stall':
        req.resume(); // never answered; the socket is destroyed on close()
        return;
      case 'truncate':
        forward(req, res, true);
        return;
      default:
        forward(req, res, false);
    }
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      resolve();
    });
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    stats,
    recorded,
    heal() {
      healed = true;
    },
    async close() {
      for (const s of sockets) s.destroy();
      agent.destroy();
      await new Promise<void>((resolve) =>
        server.close(() => {
          resolve();
        }),
      );
    },
  };
}
