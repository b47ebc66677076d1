/**
 * Request authentication of the embedded archive (archive-api.md: Writing): `Token <key>` (DRF's
 * TokenAuthentication, keyword case-insensitive), the legacy tastypie `ApiKey <user>:<key>` that
 * old perfSONAR clients still send, and optional address-based trust for write clients.
 * @module
 */
import type { IncomingMessage } from 'node:http';
import { BlockList, isIP } from 'node:net';
import proxyaddr from 'proxy-addr';
import { ApiError, type KeyCheck } from './types.js';

/** What {@link authenticate} found: who wrote the request, or nobody. */
export type AuthResult = { kind: 'anonymous' } | { kind: 'token' } | { kind: 'address' };

/** The facts of a request that authentication reads. */
export interface AuthRequest {
  /** The raw `Authorization` header, if any. */
  authorization: string | undefined;
  /**
   * The client's address: the TCP peer, or behind trusted proxies the rightmost
   * `X-Forwarded-For` entry that is not a trusted proxy (see {@link clientAddressOf}).
   */
  clientAddress: string | undefined;
}

/** Address-based write permission (esmond's IP authentication, with trusted proxies only). */
export interface AddressTrust {
  /** Client addresses (IPs or CIDRs) allowed to write without a key. */
  writers: BlockList;
}

/** Decides whether an address is a trusted proxy (proxy-addr's compiled form). */
export type ProxyTrust = (address: string, hop: number) => boolean;

/** Compiles trusted proxies (IPs, CIDRs) with proxy-addr; an empty list trusts nobody. */
export function proxyTrust(entries: readonly string[]): ProxyTrust {
  if (entries.length === 0) return () => false;
  for (const entry of entries) addressList([entry]); // same validation and message as --allow-ip
  return proxyaddr.compile([...entries]);
}

/**
 * The client address of a request: the TCP peer, or, when the peer is a trusted proxy, the
 * rightmost `X-Forwarded-For` entry that is not itself a trusted proxy. Never the leftmost:
 * a proxy appends what it saw, so everything left of the last untrusted hop is what the
 * client chose to send (nginx's `$proxy_add_x_forwarded_for` keeps a forged first entry).
 */
export function clientAddressOf(req: IncomingMessage, trust: ProxyTrust): string | undefined {
  if (req.socket.remoteAddress === undefined) return undefined;
  return proxyaddr(req, trust);
}

/** WHY one header for every 401: DRF derives `WWW-Authenticate` from its first authenticator. */
const CHALLENGE = { 'WWW-Authenticate': 'Token' } as const;

function unauthorized(detail: string): ApiError {
  return new ApiError(401, detail, CHALLENGE);
}

/** The 401 a write without credentials gets. */
export function notAuthenticated(): ApiError {
  return unauthorized('Authentication credentials were not provided.');
}

/**
 * Builds a {@link BlockList} from IPs and CIDRs (`10.0.0.0/8`, `::1`). Throws a plain Error
 * naming the bad entry, for configuration (not request) input.
 */
export function addressList(entries: readonly string[]): BlockList {
  const list = new BlockList();
  for (const entry of entries) {
    const [addr = '', bits, extra] = entry.trim().split('/');
    const family = isIP(addr);
    const prefix = bits === undefined ? undefined : Number(bits);
    const max = family === 6 ? 128 : 32;
    if (family === 0 || extra !== undefined || (prefix !== undefined && (!/^\d+$/.test(bits ?? '') || prefix > max))) {
      throw new Error(`invalid address or CIDR: ${entry}`);
    }
    const type = family === 6 ? 'ipv6' : 'ipv4';
    if (prefix === undefined) list.addAddress(addr, type);
    else list.addSubnet(addr, prefix, type);
  }
  return list;
}

/** True when `address` (a peer address as Node reports it) is in `list`. */
export function listHas(list: BlockList, address: string | undefined): boolean {
  if (address === undefined) return false;
  // Node reports v4 peers on a dual-stack socket as `::ffff:a.b.c.d`.
  const plain = address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
  const family = isIP(plain);
  if (family === 0) return false;
  return list.check(plain, family === 6 ? 'ipv6' : 'ipv4');
}

/** Throws the DRF 401 of a key that is not accepted. */
function keyAccepted(check: KeyCheck): void {
  if (check === 'inactive') throw unauthorized('User inactive or deleted.');
  if (check !== 'ok') throw unauthorized('Invalid token.');
}

/**
 * Authenticates one request. Presented credentials are always checked, so a bad `Token` header
 * fails even a GET (esmond behaviour, archive-api.md: Writing); a request without credentials is anonymous, or an
 * address-trusted writer. Throws {@link ApiError} 401 with the exact DRF messages.
 */
export async function authenticate(
  req: AuthRequest,
  checkKey: (key: string, user?: string) => Promise<KeyCheck>,
  trust: AddressTrust | undefined,
): Promise<AuthResult> {
  const header = req.authorization;
  // WHY split on any whitespace run: DRF uses bytes.split(), which does the same.
  const words =
    header === undefined
      ? []
      : header
          .trim()
          .split(/\s+/)
          .filter((w) => w !== '');
  const scheme = words[0]?.toLowerCase();
  if (scheme === 'token') {
    if (words.length === 1) throw unauthorized('Invalid token header. No credentials provided.');
    if (words.length > 2) throw unauthorized('Invalid token header. Token string should not contain spaces.');
    keyAccepted(await checkKey(words[1] ?? ''));
    return { kind: 'token' };
  }
  if (scheme === 'apikey') {
    const creds = words.length === 2 ? (words[1] ?? '') : '';
    const colon = creds.indexOf(':');
    if (colon <= 0 || colon === creds.length - 1) {
      throw unauthorized('Invalid ApiKey header. Expected "ApiKey <username>:<key>".');
    }
    keyAccepted(await checkKey(creds.slice(colon + 1), creds.slice(0, colon)));
    return { kind: 'token' };
  }
  if (trust !== undefined && listHas(trust.writers, req.clientAddress)) return { kind: 'address' };
  return { kind: 'anonymous' };
}
