/**
 * Host names the loaders answer themselves, before DNS: `--resolve NAME=ADDRESS` (like curl's)
 * and `--hosts FILE` (hosts-file format). Results are often loaded on a host that cannot resolve
 * the names of the hosts that measured them (`lima-perfsonar-vm`); these say what they are.
 * Pure: the caller reads the file.
 * @module
 */
import { isIP } from 'node:net';
import type { ForwardResolver } from '../util/dns.js';

/** Addresses of the names given, per family (the first one given wins, as in `/etc/hosts`). */
export type HostTable = ReadonlyMap<string, { v4?: string; v6?: string }>;

/** What a "cannot resolve" message adds, so the reader knows the way out. */
export const RESOLVE_HINT = 'give its address with --resolve NAME=ADDRESS or --hosts FILE';

/** Resolves a host name to one address of a family (`undefined`: none). */
export type HostResolver = ForwardResolver;

/** An address as written (`[2001:db8::1]` too), or undefined when it is no IP address. */
function addressOf(text: string): { address: string; family: 4 | 6 } | undefined {
  const bare = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  const family = isIP(bare);
  return family === 0 ? undefined : { address: bare, family: family === 6 ? 6 : 4 };
}

/** Builds {@link HostTable}s from `--resolve` values and hosts files, in the order given. */
export class HostTableBuilder {
  private readonly table = new Map<string, { v4?: string; v6?: string }>();

  private add(name: string, address: { address: string; family: 4 | 6 }): void {
    const key = name.toLowerCase();
    const entry = this.table.get(key) ?? {};
    if (address.family === 4) entry.v4 ??= address.address;
    else entry.v6 ??= address.address;
    this.table.set(key, entry);
  }

  /**
   * One `--resolve` value, `NAME=ADDRESS`.
   * @returns an error message, or undefined when it was added.
   */
  addResolve(text: string): string | undefined {
    const eq = text.indexOf('=');
    const name = eq > 0 ? text.slice(0, eq).trim() : '';
    const address = eq > 0 ? addressOf(text.slice(eq + 1).trim()) : undefined;
    if (name === '' || address === undefined || /\s/.test(name))
      return `option --resolve: expected NAME=ADDRESS (an IPv4 or IPv6 address), got '${text}'`;
    this.add(name, address);
    return undefined;
  }

  /**
   * The lines of a hosts file: `ADDRESS NAME [ALIAS...]`, `#` starts a comment.
   * @param where - the file's name, for messages.
   * @returns an error message naming the line, or undefined when every line was added.
   */
  addHostsFile(text: string, where: string): string | undefined {
    for (const [i, line] of text.split(/\r?\n/).entries()) {
      const [first, ...names] = line
        .replace(/#.*/, '')
        .trim()
        .split(/\s+/)
        .filter((f) => f !== '');
      if (first === undefined) continue;
      const address = addressOf(first);
      if (address === undefined || names.length === 0) return `${where}:${i + 1}: expected "ADDRESS NAME [ALIAS...]"`;
      for (const name of names) this.add(name, address);
    }
    return undefined;
  }

  build(): HostTable {
    return new Map(this.table);
  }
}

/**
 * A resolver that answers names of the table from it and every other name through `fallback`
 * (DNS). A name in the table is never looked up: a family it lacks has no address.
 */
export function withHostTable(table: HostTable, fallback: HostResolver): HostResolver {
  if (table.size === 0) return fallback;
  return async (host, family) => {
    const entry = table.get(host.toLowerCase());
    if (entry === undefined) return fallback(host, family);
    return family === 4 ? entry.v4 : entry.v6;
  };
}
