/**
 * A raw HTTP client for archive tests: exact control of method, path, headers and body (fetch
 * adds its own Content-Type and refuses some methods), over one keep-alive agent.
 * @module
 */
import { Agent, request, type IncomingHttpHeaders } from 'node:http';

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  /** The body parsed as JSON (throws if it is not JSON). */
  json(): unknown;
}

export interface RawOptions {
  headers?: Record<string, string>;
  body?: string | Buffer | undefined;
  agent?: Agent;
}

const shared = new Agent({ keepAlive: true, maxSockets: 8 });

/** Sends one request to `base` (`http://127.0.0.1:PORT`) + `path` (sent verbatim). */
export function raw(base: string, method: string, path: string, opts: RawOptions = {}): Promise<RawResponse> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        method,
        path,
        // Explicit length: Node sends DELETE/OPTIONS bodies unframed otherwise.
        headers:
          opts.body === undefined
            ? (opts.headers ?? {})
            : { 'Content-Length': String(Buffer.byteLength(opts.body)), ...opts.headers },
        agent: opts.agent ?? shared,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: () => JSON.parse(text) as unknown });
        });
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

/** JSON write headers with a token. */
export function jsonAuth(key: string): Record<string, string> {
  return { Authorization: `Token ${key}`, 'Content-Type': 'application/json' };
}

/** Closes the shared keep-alive sockets (call in `after`). */
export function closeRawAgent(): void {
  shared.destroy();
}
