/**
 * IP → host name for rows and file names, like the original's `socket.getfqdn` (§3.5), but
 * with a timeout, a cache shared by the whole run (B16, B18) and lookups done ahead of encoding
 * so row shaping stays synchronous.
 * @module
 */
import { lookupService } from 'node:dns/promises';

/** Reverse lookup of one address; resolves to the address itself when there is no name. */
export type ReverseLookup = (address: string) => Promise<string>;

/** Per-lookup timeout: a missing PTR record must not stall an export. */
const LOOKUP_TIMEOUT_MS = 2000;

/** The system resolver (hosts file, then DNS) via getnameinfo, with a timeout. */
export const systemReverseLookup: ReverseLookup = async (address) => {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string>((resolve) => {
    timer = setTimeout(() => { resolve(address); }, LOOKUP_TIMEOUT_MS);
    timer.unref();
  });
  try {
    return await Promise.race([lookupService(address, 0).then((r) => r.hostname || address, () => address), timeout]);
  } finally {
    clearTimeout(timer);
  }
};

/** A cache of display names: async `resolve` fills it, sync `get` reads it (identity if unknown). */
export class HostnameCache {
  private readonly names = new Map<string, string>();
  private readonly pending = new Map<string, Promise<string>>();

  constructor(private readonly lookup: ReverseLookup) {}

  /** The display name of `address` (looked up once per run). */
  resolve(address: string): Promise<string> {
    const known = this.names.get(address);
    if (known !== undefined) return Promise.resolve(known);
    let p = this.pending.get(address);
    if (!p) {
      p = this.lookup(address).then(
        (name) => name || address,
        () => address,
      );
      p.then((name) => {
        this.names.set(address, name);
        this.pending.delete(address);
      }, () => undefined);
      this.pending.set(address, p);
    }
    return p;
  }

  /** The cached name, or the address itself when it was never resolved. */
  get(address: string): string {
    return this.names.get(address) ?? address;
  }
}
