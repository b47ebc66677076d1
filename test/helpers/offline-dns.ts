/**
 * Host lookups for in-process tool tests, so no test touches real DNS: names that look like host
 * names resolve to documentation addresses (192.0.2.1, 2001:db8::1), IPs have no names. A test
 * that wants names passes {@link dnsWithNames}.
 * @module
 */
import type { HostLookups, ReverseResolver } from '../../src/util/dns.js';

const HOST_NAME = /^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$/;

/** The default of every captured io: no network, deterministic answers. */
export const offlineDns: HostLookups = {
  forward: (host, family) =>
    Promise.resolve(HOST_NAME.test(host) ? (family === 6 ? '2001:db8::1' : '192.0.2.1') : undefined),
  reverse: () => Promise.resolve(undefined),
};

/** {@link offlineDns} with another reverse resolver. */
export function dnsWithReverse(reverse: ReverseResolver): HostLookups {
  return { ...offlineDns, reverse };
}

/** {@link offlineDns} knowing the names of some addresses. */
export function dnsWithNames(names: Readonly<Record<string, string>>): HostLookups {
  return dnsWithReverse((ip) => Promise.resolve(names[ip]));
}
