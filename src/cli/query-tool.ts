/**
 * Runtime pieces shared by esmond-ps-get, -get-endpoints and -get-metadata: dependency
 * injection for tests, client creation, the run around a tool's body, the metadata listing of
 * the two metadata tools, reverse DNS over rows, and one-line failure reports.
 *
 * The query library (and undici under it) is imported only when a client is made, so `--help`
 * and option errors do not pay for loading it.
 * @module
 */
import { encodeMetadataQuery } from '../query/codec.js';
import type { ClientOptions, EsmondClient, Metadata } from '../query/types.js';
import type { ClientTestHooks } from '../query/transport-options.js';
import { createRowWriter, HOSTNAME_FIELDS, type Row, type RowWriter } from '../format/index.js';
import { explainFailure } from './failures.js';
import { ExitCode } from './exit-codes.js';
import type { CliIo, ToolMain } from './io.js';
import { isQueryExit, prepareQueryTool, type QueryDeps, type QuerySettings } from './query-options.js';
import { systemReverseResolver } from '../util/dns.js';
import { createHostnameCache, type HostnameCache, type HostnameCacheOptions } from '../util/hostnames.js';

/** What tests may inject into a query tool (`createRun(deps)`); `run` uses none. */
export interface QueryToolDeps extends QueryDeps {
  /** Merged over the options built from the flags (e.g. `{ retry: { limit: 0 } }`). */
  clientOptions?: Partial<ClientOptions> & ClientTestHooks;
  /** Reverse-DNS limits (default: 2 s per lookup, 8 at once). */
  hostnameCache?: HostnameCacheOptions;
  /** Client factory (default: the library's `createClient`). */
  createClient?: (options: ClientOptions & ClientTestHooks) => EsmondClient;
}

/** Creates the archive client for validated settings (loading the query library now). */
export async function clientFor(settings: QuerySettings, deps: QueryToolDeps): Promise<EsmondClient> {
  // A query tool sends a few requests one after another: node:http's native parser serves them
  // sooner than undici, which compiles its WebAssembly parser in each new process first.
  const options: ClientOptions & ClientTestHooks = { httpEngine: 'node', ...settings.client, ...deps.clientOptions };
  const create = deps.createClient ?? (await import('../client.js')).createClientWithHooks;
  return create(options);
}

/**
 * The part of a query tool's run after its options are valid: makes the client, traces the
 * search URL (`-v`), lets `body` write its rows through `writer`, ends the writer; a failure
 * becomes a one-line report and exit 1. The client is closed in every case.
 */
export async function runWithClient(
  prog: string,
  settings: QuerySettings,
  io: CliIo,
  deps: QueryToolDeps,
  writer: RowWriter,
  body: (client: EsmondClient) => Promise<void>,
): Promise<ExitCode> {
  let client: EsmondClient | undefined;
  try {
    client = await clientFor(settings, deps);
    traceSearch(io, settings, client);
    await body(client);
    await writer.end();
    return ExitCode.Ok;
  } catch (err) {
    return reportFailure(prog, io, err, settings);
  } finally {
    await client?.close();
  }
}

/** Metadata rows are written in batches of this many (reverse DNS runs concurrently per batch). */
const METADATA_BATCH = 200;

/**
 * esmond-ps-get-endpoints and -get-metadata: one row per matching metadata (`rowOf`), in the
 * given columns, host names applied per batch, and the `-v` count at the end.
 */
export function metadataListingTool(
  prog: string,
  columns: readonly string[],
  rowOf: (md: Metadata, settings: QuerySettings) => Row,
): (deps?: QueryToolDeps) => ToolMain {
  return (deps = {}) =>
    async (argv, io) => {
      const s = await prepareQueryTool(prog, argv, io, {}, deps);
      if (isQueryExit(s)) return s.exitCode;
      const names = hostnamesFor(s, io, deps);
      const writer = createRowWriter(s.format, io.stdout, columns, { extended: s.extended });
      return runWithClient(prog, s, io, deps, writer, async (client) => {
        let batch: Row[] = [];
        const flush = async (): Promise<void> => {
          await applyHostnames(batch, names);
          await writer.write(batch);
          batch = [];
        };
        let total = 0;
        for await (const md of client.searchMetadata(s.metadataQuery)) {
          total++;
          batch.push(rowOf(md, s));
          if (batch.length >= METADATA_BATCH) await flush();
        }
        await flush();
        trace(io, s, `final result count: ${total}`);
      });
    };
}

/** The hostname cache of a run, or `undefined` with `--ip`. */
export function hostnamesFor(settings: QuerySettings, io: CliIo, deps: QueryToolDeps): HostnameCache | undefined {
  return settings.ip ? undefined : createHostnameCache(io.dns?.reverse ?? systemReverseResolver, deps.hostnameCache);
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

/**
 * Reports a runtime failure on stderr: one line (with the attempts it took, when retried), then
 * a hint line when the cause is recognisable; returns exit code 1.
 */
export function reportFailure(
  prog: string,
  io: CliIo,
  err: unknown,
  settings?: Pick<QuerySettings, 'hintContext'>,
): ExitCode {
  const { message, hint } = explainFailure(err, settings?.hintContext ?? { url: '' });
  io.stderr.write(`${prog}: ${message}\n${hint !== undefined ? `${prog}: ${hint}\n` : ''}`);
  return ExitCode.Failure;
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

/**
 * Iterates `source` one item ahead: while the caller works on an item, the next one is already
 * being fetched, so a data series' next page is on the wire while this page is written (the
 * server's time and ours overlap instead of adding up). At most two items are alive at once.
 * When the caller stops early the pending item is dropped and the source closed after it.
 */
export async function* readAhead<T>(source: AsyncIterable<T>): AsyncGenerator<T, void, undefined> {
  const it = source[Symbol.asyncIterator]();
  let pending: Promise<IteratorResult<T>> | undefined = it.next();
  try {
    for (;;) {
      const r: IteratorResult<T> = await pending;
      pending = undefined;
      if (r.done) return;
      pending = it.next();
      // A failure of the fetch ahead is reported when the caller asks for that item, not before.
      pending.catch(() => undefined);
      yield r.value;
    }
  } finally {
    if (pending !== undefined) {
      void pending.then(
        () => it.return?.(),
        () => undefined,
      );
    }
  }
}
