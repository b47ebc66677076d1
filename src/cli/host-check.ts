/**
 * The reading tools' check that `-s`, `-d` and `-a` name hosts that resolve (as the original
 * did), each lookup limited to 5 s. IP literals, IPv6 ones included, are never looked up.
 * @module
 */
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { CliIo } from './io.js';

/** Does a host name resolve? (Injectable: tests never touch real DNS.) */
export type HostCheck = (name: string) => Promise<boolean>;

/** The system resolver's answer within 5 s; under ESMOND_TEST_NO_DNS only the name's syntax. */
export async function systemHostCheck(name: string, env: CliIo['env']): Promise<boolean> {
  if (env.ESMOND_TEST_NO_DNS) return /^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$/.test(name);
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      lookup(name).then(
        () => true,
        () => false,
      ),
      new Promise<boolean>((r) => {
        timer = setTimeout(() => {
          r(false);
        }, 5000);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The first of `hosts` (`[flag, value]`) that is neither empty, an IP literal nor a name that
 * resolves, as `--src arg had invalid hostname: …`; `undefined` when all are fine.
 */
export async function invalidHost(hosts: ReadonlyArray<readonly [string, string | undefined]>, resolves: HostCheck): Promise<string | undefined> {
  for (const [flag, value] of hosts) {
    if (value === undefined || value === '' || isIP(value) !== 0) continue;
    if (!(await resolves(value))) return `${flag} arg had invalid hostname: ${value}`;
  }
  return undefined;
}
