/**
 * IP → host name for the `source`, `destination`, `ip` and `measurement_agent` columns, like the
 * original's `socket.getfqdn` (client spec §3.5) but concurrent, cached, time-limited and never
 * failing a run: whatever goes wrong, the IP is shown (fixes B16). Tests inject a resolver or set
 * ESMOND_TEST_NO_DNS, so they never touch real DNS.
 * @module
 */
import { lookupService } from 'node:dns/promises';
import { isIP } from 'node:net';

/** Resolves one IP address to a name; `undefined` (or a rejection) means "no name". */
export type ReverseResolver = (ip: string) => Promise<string | undefined>;

/** Reverse lookup through the system resolver (`getnameinfo`, so /etc/hosts counts, as with getfqdn). */
export const systemReverseResolver: ReverseResolver = async (ip) => {
  const { hostname } = await lookupService(ip, 0);
  return hostname;
};

/** A resolver that knows no names (ESMOND_TEST_NO_DNS, `--ip`-like behaviour). */
export const noReverseResolver: ReverseResolver = () => Promise.resolve(undefined);

/** Options of {@link createHostnameCache}. */
export interface HostnameCacheOptions {
  /** Per-lookup limit, ms. @defaultValue 2000 */
  timeoutMs?: number;
  /** Lookups in flight at once. @defaultValue 8 */
  concurrency?: number;
}

/** A per-run cache of display names. */
export interface HostnameCache {
  /** Resolves every value not yet known, concurrently; never rejects. */
  prefetch(values: Iterable<string | null | undefined>): Promise<void>;
  /** The display name of a value (the value itself when unknown or not an IP). Synchronous. */
  lookup(value: string): string;
}

/** A cache around `resolver`; only IP literals are looked up, everything else is shown as is. */
export function createHostnameCache(resolver: ReverseResolver, opts: HostnameCacheOptions = {}): HostnameCache {
  const timeoutMs = opts.timeoutMs ?? 2000;
  const concurrency = Math.max(1, opts.concurrency ?? 8);
  const names = new Map<string, string>();
  const pending = new Map<string, Promise<void>>();

  const resolveOne = async (ip: string): Promise<void> => {
    let timer: NodeJS.Timeout | undefined;
    try {
      const name = await Promise.race([
        resolver(ip).catch(() => undefined),
        new Promise<undefined>((r) => {
          timer = setTimeout(() => { r(undefined); }, timeoutMs);
          timer.unref();
        }),
      ]);
      names.set(ip, typeof name === 'string' && name !== '' ? name : ip);
    } finally {
      clearTimeout(timer);
    }
  };

  return {
    async prefetch(values) {
      const todo: string[] = [];
      const waits: Promise<void>[] = [];
      for (const v of values) {
        if (typeof v !== 'string' || v === '' || names.has(v) || isIP(v) === 0) continue;
        const p = pending.get(v);
        if (p) waits.push(p);
        else if (!todo.includes(v)) todo.push(v);
      }
      let next = 0;
      const worker = async (): Promise<void> => {
        while (next < todo.length) {
          const ip = todo[next++] as string;
          const p = resolveOne(ip);
          pending.set(ip, p);
          await p;
          pending.delete(ip);
        }
      };
      await Promise.all([...Array.from({ length: Math.min(concurrency, todo.length) }, worker), ...waits]);
    },
    lookup(value) {
      return names.get(value) ?? value;
    },
  };
}

/** The resolver a tool uses: the injected one, none under ESMOND_TEST_NO_DNS, else the system's. */
export function reverseResolverFor(env: Readonly<Record<string, string | undefined>>, injected?: ReverseResolver): ReverseResolver {
  if (injected) return injected;
  if (env.ESMOND_TEST_NO_DNS) return noReverseResolver;
  return systemReverseResolver;
}
