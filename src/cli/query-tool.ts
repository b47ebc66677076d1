/**
 * Runtime pieces shared by esmond-ps-get, -get-endpoints and -get-metadata: dependency
 * injection for tests, client creation, reverse DNS over rows, and one-line failure reports.
 * @module
 */
import { EsmondError } from '../http/errors.js';
import { createClient } from '../query/client.js';
import { encodeMetadataQuery } from '../query/codec.js';
import type { ClientOptions, EsmondClient } from '../query/types.js';
import { HOSTNAME_FIELDS, type Row } from '../format/index.js';
import type { CliIo } from './io.js';
import type { QueryDeps, QuerySettings } from './query-options.js';
import { createHostnameCache, reverseResolverFor, type HostnameCache, type HostnameCacheOptions, type ReverseResolver } from './reverse-dns.js';

/** What tests may inject into a query tool (`createRun(deps)`); `run` uses none. */
export interface QueryToolDeps extends QueryDeps {
  /** Reverse DNS (default: system resolver; none under ESMOND_TEST_NO_DNS). */
  reverseResolver?: ReverseResolver;
  /** Merged over the options built from the flags (e.g. `{ retry: { limit: 0 } }`). */
  clientOptions?: Partial<ClientOptions>;
  /** Reverse-DNS limits (default: 2 s per lookup, 8 at once). */
  hostnameCache?: HostnameCacheOptions;
  /** Client factory (default: the library's `createClient`). */
  createClient?: (options: ClientOptions) => EsmondClient;
}

/** Creates the archive client for validated settings. */
export function clientFor(settings: QuerySettings, deps: QueryToolDeps): EsmondClient {
  const options: ClientOptions = { ...settings.client, ...deps.clientOptions };
  return (deps.createClient ?? createClient)(options);
}

/** The hostname cache of a run, or `undefined` with `--ip`. */
export function hostnamesFor(settings: QuerySettings, io: CliIo, deps: QueryToolDeps): HostnameCache | undefined {
  return settings.ip ? undefined : createHostnameCache(reverseResolverFor(io.env, deps.reverseResolver), deps.hostnameCache);
}

/** Replaces IPs in the hostname fields of `rows` with names (resolving them first, concurrently). */
export async function applyHostnames(rows: Row[], names: HostnameCache | undefined): Promise<void> {
  if (!names) return;
  const values: unknown[] = [];
  for (const r of rows) for (const f of HOSTNAME_FIELDS) values.push(r[f]);
  await names.prefetch(values.filter((v): v is string => typeof v === 'string'));
  for (const r of rows) {
    for (const f of HOSTNAME_FIELDS) {
      const v = r[f];
      if (typeof v === 'string' && v !== '') r[f] = names.lookup(v);
    }
  }
}

/** Reports a runtime failure as one line on stderr; returns exit code 1. */
export function reportFailure(prog: string, io: CliIo, err: unknown): number {
  const message = err instanceof EsmondError || err instanceof Error ? err.message : String(err);
  io.stderr.write(`${prog}: ${message.replace(/\s*\n\s*/g, ' ')}\n`);
  return 1;
}

/** `-v`: the metadata search URL, as the original printed it (`[url: …]`), on stderr. */
export function traceSearch(io: CliIo, settings: QuerySettings, client: EsmondClient): void {
  if (!settings.verbose) return;
  const { filters, time } = encodeMetadataQuery(settings.metadataQuery);
  const qs = new URLSearchParams([...filters, ...time]).toString();
  io.stderr.write(`[url: ${client.archiveUrl}${qs ? `?${qs}` : ''}]\n`);
}

/** `-v`: a trace line on stderr. */
export function trace(io: CliIo, settings: QuerySettings, line: string): void {
  if (settings.verbose) io.stderr.write(`${line}\n`);
}
