/**
 * The origin (`scheme://host[:port]`) of the absolute URLs the archive emits (`url`,
 * `Location`, paging links), decided without trusting the client: a configured public URL
 * wins; otherwise the `Host` header counts only when it names the bound address or an allowed
 * host, and anything else falls back to the bound address. A forged `Host: evil.example.com`
 * therefore never reaches a `Location` or `Link` a client follows.
 * @module
 */
import type { IncomingMessage } from 'node:http';
import { ApiError } from './types.js';
import type { ProxyTrust } from './auth.js';

/** What {@link originPolicy} needs to know. */
export interface OriginOptions {
  /** The URL clients use (`https://archive.example.org`); its origin is used for every request. */
  publicUrl?: string;
  /** Extra `Host` values believed (`name` for any port, or `name:port`). */
  allowedHosts?: readonly string[];
  /** `host:port` the server is bound to (set by `serveArchive`); without it `Host` is believed. */
  boundHost?: string;
  /** Scheme when no public URL is set (behind a TLS proxy: `'https'`). */
  scheme?: 'http' | 'https';
}

/** Computes the origin of one request. */
export type OriginOf = (req: IncomingMessage, proxies: ProxyTrust) => string;

const HOST = /^(?:[A-Za-z0-9._~-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;
const LOOPBACK = new Set(['127.0.0.1', '[::1]', 'localhost']);

/**
 * Parses `--public-url`: an absolute http(s) URL with no path, query or credentials. Throws a
 * plain Error naming the fault (configuration input).
 */
export function parsePublicUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error(`invalid public URL: ${text}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new Error(`public URL must be http or https: ${text}`);
  if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '' || url.pathname !== '/') {
    throw new Error(`public URL must be scheme://host[:port] only: ${text}`);
  }
  return url;
}

function splitHost(host: string): { name: string; port: string } {
  const colon = host.lastIndexOf(':');
  if (colon > host.lastIndexOf(']')) return { name: host.slice(0, colon), port: host.slice(colon + 1) };
  return { name: host, port: '' };
}

/** Builds the per-request origin function of `options`. */
export function originPolicy(options: OriginOptions): OriginOf {
  const configured = options.scheme ?? 'http';
  if (options.publicUrl !== undefined) {
    const origin = parsePublicUrl(options.publicUrl).origin;
    return (req) => {
      checkHost(req);
      return origin;
    };
  }
  const bound = options.boundHost?.toLowerCase();
  const allowed = new Set((options.allowedHosts ?? []).map((h) => h.trim().toLowerCase()));
  const boundParts = bound === undefined ? undefined : splitHost(bound);
  const believed = (host: string): boolean => {
    if (bound === undefined || host === bound || allowed.has(host)) return true;
    const { name, port } = splitHost(host);
    if (allowed.has(name)) return true;
    // A loopback bind is reachable as localhost, 127.0.0.1 or [::1] on its port, nothing else.
    return boundParts !== undefined && LOOPBACK.has(boundParts.name) && LOOPBACK.has(name) && port === boundParts.port;
  };
  return (req, proxies) => {
    const host = checkHost(req).toLowerCase();
    const scheme = schemeOf(req, configured, proxies);
    return `${scheme}://${believed(host) ? host : (bound ?? host)}`;
  };
}

/** The `Host` header, validated (a 400 for garbage); `localhost` when absent (HTTP/1.0). */
function checkHost(req: IncomingMessage): string {
  const host = req.headers.host ?? 'localhost';
  if (!HOST.test(host)) throw new ApiError(400, 'Invalid Host header.');
  return host;
}

/**
 * The scheme the client used: `X-Forwarded-Proto` when the peer is a trusted proxy (a TLS
 * terminating nginx in front of the archive), else the configured one.
 */
function schemeOf(req: IncomingMessage, configured: string, proxies: ProxyTrust): string {
  const forwarded = req.headers['x-forwarded-proto'];
  const peer = req.socket.remoteAddress;
  if (typeof forwarded !== 'string' || peer === undefined || !proxies(peer, 0)) return configured;
  const proto = forwarded.split(',')[0]?.trim().toLowerCase();
  return proto === 'http' || proto === 'https' ? proto : configured;
}
