/**
 * The `'undici'` HTTP engine: undici's `request()` on one keep-alive `Agent`.
 * @module
 */
import { Agent, request } from 'undici';
import type { EngineOptions, HttpEngine } from './engine.js';

/** An engine on one undici `Agent`; its header and body timeouts only back up the transport's. */
export function createUndiciEngine(options: EngineOptions): HttpEngine {
  const agent = new Agent({
    connections: options.connections,
    headersTimeout: options.backstopMs,
    bodyTimeout: options.backstopMs,
    connect: {
      rejectUnauthorized: options.tlsVerify,
      timeout: options.connectTimeoutMs,
      ...(options.ca !== undefined ? { ca: options.ca } : {}),
    },
  });
  return {
    async request(url, init) {
      const res = await request(url, {
        dispatcher: agent,
        method: init.method as 'GET',
        headers: init.headers,
        body: init.body,
        signal: init.signal,
        headersTimeout: options.backstopMs,
        bodyTimeout: options.backstopMs,
      });
      return { statusCode: res.statusCode, headers: res.headers, body: res.body };
    },
    close: () => agent.close(),
  };
}
