/**
 * The one way this toolkit asks the system resolver, forward and reverse: `getaddrinfo` and
 * `getnameinfo` (so /etc/hosts counts, as with Python's socket module), each bounded by a time
 * limit and never rejecting. Everything that resolves names takes these as injectable functions,
 * so tests pass their own and never touch real DNS.
 * @module
 */
import { nodeDnsPromises } from './builtin.js';
import { withTimeout } from './timeout.js';

/** One address of a family for a host name; `undefined` when it has none. */
export type ForwardResolver = (host: string, family: 4 | 6) => Promise<string | undefined>;

/** A name for an IP address; `undefined` (or a rejection) means "no name". */
export type ReverseResolver = (ip: string) => Promise<string | undefined>;

/** Default limit of a forward lookup, ms. */
export const FORWARD_TIMEOUT_MS = 3000;

/** Default limit of a reverse lookup, ms: a missing PTR record must not stall a listing or an export. */
export const REVERSE_TIMEOUT_MS = 2000;

/**
 * The first address of `host` in `family` (0: any) from the system resolver, or `undefined` when
 * there is none, the lookup fails or it takes longer than `timeoutMs`.
 */
export function lookupAddress(
  host: string,
  family: 0 | 4 | 6 = 0,
  timeoutMs = FORWARD_TIMEOUT_MS,
): Promise<string | undefined> {
  const answer = nodeDnsPromises()
    .lookup(host, { family, all: false })
    .then(
      (r) => r.address,
      () => undefined,
    );
  return withTimeout(answer, timeoutMs, undefined);
}

/** A {@link ForwardResolver} over the system resolver, each lookup limited to `timeoutMs`. */
export function systemForwardResolver(timeoutMs = FORWARD_TIMEOUT_MS): ForwardResolver {
  return (host, family) => lookupAddress(host, family, timeoutMs);
}

/** Does `name` resolve to any address within `timeoutMs`? */
export async function hostResolves(name: string, timeoutMs = FORWARD_TIMEOUT_MS): Promise<boolean> {
  return (await lookupAddress(name, 0, timeoutMs)) !== undefined;
}

/** Reverse lookup through the system resolver (`getnameinfo`, as Python's `socket.getfqdn`), unbounded: {@link createHostnameCache} adds the limit. */
export const systemReverseResolver: ReverseResolver = async (ip) =>
  (await nodeDnsPromises().lookupService(ip, 0)).hostname;

/** A resolver that knows no names (`--ip`-like behaviour). */
export const noReverseResolver: ReverseResolver = () => Promise.resolve(undefined);

/** Both directions, as a tool gets them injected (`CliIo.dns`). */
export interface HostLookups {
  forward: ForwardResolver;
  reverse: ReverseResolver;
}

/** The system resolver in both directions. */
export const systemLookups: HostLookups = { forward: systemForwardResolver(), reverse: systemReverseResolver };
