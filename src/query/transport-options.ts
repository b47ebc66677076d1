/**
 * The one translation from the client's options to the transport's, shared by the esmond and the
 * OpenSearch backends so both honour the same timeouts, retries, TLS and hooks.
 * @module
 */
import { createTransport, type Transport } from '../http/transport.js';
import type { ClientOptions } from './types.js';

/** Clock and randomness of the retry loop, replaced by tests only (not part of the public API). */
export interface ClientTestHooks {
  sleep?: ((ms: number) => Promise<void>) | undefined;
  random?: (() => number) | undefined;
}

/** The transport a client with these options uses. */
export function transportFor(options: ClientOptions & ClientTestHooks): Transport {
  return createTransport({
    timeoutMs: options.timeoutMs,
    deadlineMs: options.deadlineMs,
    retry: options.retries === undefined ? options.retry : { ...options.retry, limit: options.retries },
    tlsVerify: options.tlsVerify,
    credentials: options.credentials,
    userAgent: options.userAgent,
    connections: options.connections,
    engine: options.httpEngine,
    compression: options.compression,
    maxBodyBytes: options.maxBodyBytes,
    ca: options.ca,
    onRetry: options.onRetry,
    onRequest: options.onRequest,
    sleep: options.sleep,
    random: options.random,
    serializeBody: options.serializeBody,
  });
}
