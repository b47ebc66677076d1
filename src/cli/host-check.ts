/**
 * The reading tools' check that `-s`, `-d` and `-a` name hosts that resolve (as the original
 * did), each lookup limited to 5 s. IP literals, IPv6 ones included, are never looked up.
 * @module
 */
import { isIP } from 'node:net';
import { hostResolves } from '../util/dns.js';
import type { CliIo } from './io.js';

/** Does a host name resolve? (Injectable: tests never touch real DNS.) */
export type HostCheck = (name: string) => Promise<boolean>;

/** How long the check waits for the resolver, ms. */
const HOST_CHECK_TIMEOUT_MS = 5000;

/** Whether `name` has an address of either family: from `io.dns` when given, else the system resolver within 5 s. */
export async function defaultHostCheck(name: string, io: Pick<CliIo, 'dns'>): Promise<boolean> {
  if (!io.dns) return hostResolves(name, HOST_CHECK_TIMEOUT_MS);
  const { forward } = io.dns;
  return (await forward(name, 4)) !== undefined || (await forward(name, 6)) !== undefined;
}

/**
 * The first of `hosts` (`[flag, value]`) that is neither empty, an IP literal nor a name that
 * resolves, as `--src arg had invalid hostname: …`; `undefined` when all are fine.
 */
export async function invalidHost(
  hosts: ReadonlyArray<readonly [string, string | undefined]>,
  resolves: HostCheck,
): Promise<string | undefined> {
  for (const [flag, value] of hosts) {
    if (value === undefined || value === '' || isIP(value) !== 0) continue;
    if (!(await resolves(value))) return `${flag} arg had invalid hostname: ${value}`;
  }
  return undefined;
}
