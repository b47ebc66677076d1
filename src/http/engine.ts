/**
 * The HTTP client under the transport, in one of two engines with the same narrow surface (one
 * request, its status, headers and body stream; a keep-alive pool per engine):
 * * `'undici'` (the default): undici's `request()` on an `Agent`, 2-3x node:http's request rate
 *   with requests in flight, for exports and loaders that send many;
 * * `'node'`: node:http(s) on a keep-alive `Agent`. Its parser is native, where undici compiles
 *   llhttp to WebAssembly in every new process and loads about half a megabyte of code first;
 *   a tool that sends a handful of requests starts about twice as fast on it.
 * Timeouts, retries, decoding and errors stay in the transport, the same for both; each engine
 * is imported on first use, so a process loads only the one it sends with.
 * @module
 */
import type { Readable } from 'node:stream';

/** Which HTTP engine a transport sends with. */
export type HttpEngineName = 'undici' | 'node';

/** One request as the transport sends it. */
export interface EngineRequest {
  method: string;
  headers: Record<string, string>;
  body: string | null;
  signal: AbortSignal;
}

/** A response whose status and headers have arrived; `body` still streams. */
export interface EngineResponse {
  statusCode: number;
  /** Lower-case names. */
  headers: Readonly<Record<string, string | string[] | undefined>>;
  body: Readable;
}

/** An engine's connection pool. */
export interface HttpEngine {
  request(url: string, init: EngineRequest): Promise<EngineResponse>;
  /** Closes the pool. */
  close(): Promise<void>;
}

/** What an engine is built from. */
export interface EngineOptions {
  /** Max sockets per origin. */
  connections: number;
  /** A connection not made within this many ms fails with {@link CONNECT_TIMEOUT_CODE}. */
  connectTimeoutMs: number;
  /** The engine's own header and body timeouts, when it has them: a backstop of the transport's timers. */
  backstopMs: number;
  tlsVerify: boolean;
  /** PEM text of the CA(s) to trust instead of the system store. */
  ca?: string | undefined;
}

/** The code of a connect timeout, whichever engine saw it (undici's own name for it). */
export const CONNECT_TIMEOUT_CODE = 'UND_ERR_CONNECT_TIMEOUT';
