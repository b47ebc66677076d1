/**
 * The `'node'` HTTP engine: node:http (node:https for https URLs, loaded with the first one) on
 * keep-alive agents. Node's HTTP parser is native code: nothing to compile before the first
 * request, which is most of a short tool run on undici.
 * @module
 */
import { Agent, request, type ClientRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import type { Socket } from 'node:net';
import { CONNECT_TIMEOUT_CODE, type EngineOptions, type EngineRequest, type HttpEngine } from './engine.js';

/** One scheme's agent and request function. */
interface Scheme {
  agent: Agent;
  request: (url: URL, options: RequestOptions, onResponse: (res: IncomingMessage) => void) => ClientRequest;
  /** The socket event after which the connection is made (TLS: once the handshake is done). */
  connected: 'connect' | 'secureConnect';
}

/** An engine on one keep-alive agent per scheme. */
export function createNodeEngine(options: EngineOptions): HttpEngine {
  const plain: Scheme = {
    agent: new Agent({ keepAlive: true, maxSockets: options.connections }),
    request,
    connected: 'connect',
  };
  let tls: Promise<Scheme> | undefined;
  const tlsScheme = async (): Promise<Scheme> => {
    const https = await import('node:https');
    return {
      agent: new https.Agent({
        keepAlive: true,
        maxSockets: options.connections,
        rejectUnauthorized: options.tlsVerify,
        ...(options.ca !== undefined ? { ca: options.ca } : {}),
      }),
      request: https.request,
      connected: 'secureConnect',
    };
  };
  return {
    async request(url, init) {
      const target = new URL(url);
      const scheme = target.protocol === 'https:' ? await (tls ??= tlsScheme()) : plain;
      return send(scheme, target, init, options.connectTimeoutMs);
    },
    async close() {
      plain.agent.destroy();
      if (tls !== undefined) (await tls).agent.destroy();
    },
  };
}

/** Sends one request; resolves once the response headers are in. */
function send(scheme: Scheme, target: URL, init: EngineRequest, connectTimeoutMs: number) {
  return new Promise<{ statusCode: number; headers: IncomingMessage['headers']; body: IncomingMessage }>(
    (resolve, reject) => {
      const req = scheme.request(
        target,
        { agent: scheme.agent, method: init.method, headers: init.headers, signal: init.signal },
        (res) => {
          resolve({ statusCode: res.statusCode ?? 0, headers: res.headers, body: res });
        },
      );
      req.on('error', reject);
      req.on('socket', (socket: Socket) => {
        if (!socket.connecting) return;
        const timer = setTimeout(() => {
          req.destroy(connectTimeout(target, connectTimeoutMs));
        }, connectTimeoutMs);
        const done = (): void => {
          clearTimeout(timer);
        };
        socket.once(scheme.connected, done);
        socket.once('close', done);
      });
      req.end(init.body ?? undefined);
    },
  );
}

/** The error of a connection not made in time (the transport maps the code to a connect timeout). */
function connectTimeout(target: URL, ms: number): Error {
  const e = new Error(`Connect Timeout Error (attempted address: ${target.host}, timeout: ${ms}ms)`);
  return Object.assign(e, { code: CONNECT_TIMEOUT_CODE });
}
