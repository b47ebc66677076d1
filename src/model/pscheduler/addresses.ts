/**
 * Address-family normalisation of the esmond archiver (`ip_normalize_version`): source and
 * destination become addresses of one common family. The lookup is synchronous and injected, so
 * the mapper stays pure; callers that need DNS resolve the names first ({@link hostsToResolve}).
 * @module
 */
import { isIP } from 'node:net';

/** The addresses a host name (or IP literal) stands for, at most one per family. */
export interface HostAddresses {
  v4?: string | undefined;
  v6?: string | undefined;
}

/** Synchronous host → addresses lookup used by the mapper. */
export type AddressLookup = (host: string) => HostAddresses;

/** IP literals stand for themselves (only in their own family); names resolve to nothing. */
export const literalAddresses: AddressLookup = (host) => {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  const family = isIP(bare);
  if (family === 4) return { v4: bare };
  if (family === 6) return { v6: bare };
  return {};
};

/**
 * Host of a URL the way `urlparse(...).hostname` gives it (lower case, no brackets): how the
 * archiver names the ends of a disk-to-disk test.
 */
export function urlHost(url: unknown): string | undefined {
  if (typeof url !== 'string') return undefined;
  const m = /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/?#]*@)?(\[[^\]]*\]|[^:/?#]*)/i.exec(url);
  const host = m?.[1];
  if (host === undefined || host === '') return undefined;
  return (host.startsWith('[') ? host.slice(1, -1) : host).toLowerCase();
}

/**
 * A lookup over a table of pre-resolved names, falling back to {@link literalAddresses}.
 * @param table host → addresses, as built by the caller's asynchronous resolver.
 */
export function tableLookup(table: ReadonlyMap<string, HostAddresses>): AddressLookup {
  return (host) => {
    const literal = literalAddresses(host);
    if (literal.v4 !== undefined || literal.v6 !== undefined) return literal;
    return table.get(host) ?? {};
  };
}

/**
 * Both hosts as addresses of one family: the forced `ipVersion` (4 or 6) if given, else IPv6 when
 * both have one, else IPv4 when both have one, else neither.
 */
export function commonFamily(
  a: string | undefined,
  b: string | undefined,
  lookup: AddressLookup,
  ipVersion?: unknown,
): [string | undefined, string | undefined] {
  const x = a === undefined ? {} : lookup(a);
  const y = b === undefined ? {} : lookup(b);
  // Python's `== 6` also holds for 6.0 (a float marker of the spec).
  const version = typeof ipVersion === 'object' && ipVersion !== null ? Number(ipVersion) : ipVersion;
  if (version === 6 || version === '6') return [x.v6, y.v6];
  if (version === 4 || version === '4') return [x.v4, y.v4];
  if (x.v6 !== undefined && y.v6 !== undefined) return [x.v6, y.v6];
  if (x.v4 !== undefined && y.v4 !== undefined) return [x.v4, y.v4];
  return [undefined, undefined];
}
