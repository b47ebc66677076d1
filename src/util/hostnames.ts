/**
 * The one reverse-DNS cache: IP → display name for the host columns and the file names of the
 * reading tools, like the original's `socket.getfqdn` but concurrent, cached for the run,
 * time-limited and never failing a run: whatever goes wrong, the IP is shown. Lookups are done
 * ahead of encoding (`prefetch`, `resolve`) so row shaping stays synchronous (`lookup`).
 * @module
 */
import { isIP } from 'node:net';
import { REVERSE_TIMEOUT_MS, type ReverseResolver } from './dns.js';
import { pool } from './pool.js';
import { withTimeout } from './timeout.js';

/** Options of {@link createHostnameCache}. */
export interface HostnameCacheOptions {
  /** Per-lookup limit, ms. @defaultValue 2000 */
  timeoutMs?: number;
  /** Lookups in flight at once in one `prefetch`. @defaultValue 8 */
  concurrency?: number;
}

/** A per-run cache of display names. */
export interface HostnameCache {
  /** Resolves every value not yet known, concurrently; never rejects. */
  prefetch(values: Iterable<string | null | undefined>): Promise<void>;
  /** The display name of one value (looked up once per run); never rejects. */
  resolve(value: string): Promise<string>;
  /** The display name of a value (the value itself when unknown or not an IP). Synchronous. */
  lookup(value: string): string;
}

/** A cache around `resolver`; only IP literals are looked up, everything else is shown as is. */
export function createHostnameCache(resolver: ReverseResolver, opts: HostnameCacheOptions = {}): HostnameCache {
  const timeoutMs = opts.timeoutMs ?? REVERSE_TIMEOUT_MS;
  const concurrency = Math.max(1, opts.concurrency ?? 8);
  const names = new Map<string, string>();
  const pending = new Map<string, Promise<string>>();

  const resolve = (value: string): Promise<string> => {
    const known = names.get(value);
    if (known !== undefined) return Promise.resolve(known);
    if (isIP(value) === 0) return Promise.resolve(value);
    let p = pending.get(value);
    if (!p) {
      p = withTimeout(
        resolver(value).catch(() => undefined),
        timeoutMs,
        undefined,
      ).then((name) => {
        const shown = typeof name === 'string' && name !== '' ? name : value;
        names.set(value, shown);
        pending.delete(value);
        return shown;
      });
      pending.set(value, p);
    }
    return p;
  };

  return {
    async prefetch(values) {
      const todo = new Set<string>();
      const waits: Promise<unknown>[] = [];
      for (const v of values) {
        if (typeof v !== 'string' || v === '' || names.has(v) || isIP(v) === 0) continue;
        const p = pending.get(v);
        if (p) waits.push(p);
        else todo.add(v);
      }
      await Promise.all([
        pool([...todo], concurrency, async (ip) => {
          await resolve(ip);
        }),
        ...waits,
      ]);
    },
    resolve,
    lookup(value) {
      return names.get(value) ?? value;
    },
  };
}
