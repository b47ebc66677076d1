/**
 * What the pictures' server side reads of an archive (metadata searches and data pages), from
 * either of two places:
 *  - a library client ({@link EsmondClient} has this shape): `esmond-ps-view` on a remote archive;
 *  - the archive's own service, called in the same process ({@link serviceReader}):
 *    `esmond-ps-archive serve`, whose mesh summary would otherwise go through its own HTTP API
 *    (a request, JSON rendering and parsing for each of the ~30 000 reads of a 100-host mesh).
 * Both page with the client's time cursor, so both see the same points.
 * @module
 */
import { SUMMARY_URL_SEGMENT } from '../model/event-types.js';
import type { DataQuery, Metadata, MetadataQuery, SeriesSelector } from '../model/metadata.js';
import type { WireMetadata, WirePoint } from '../model/wire.js';
import { decodeMetadata, encodeMetadataQuery } from '../query/codec.js';
import { seriesType } from '../query/series-type.js';
import { checkPageSize, planWindow, timeCursorPages, type FetchedPage } from '../query/time-cursor.js';

/** The reads the mesh summary and the route changes make. */
export interface ArchiveReader {
  /** Every metadata matching `query`, read `pageSize` at a time (default 1000). */
  searchMetadata(query: MetadataQuery, options?: { pageSize?: number }): AsyncIterable<Metadata>;
  /** The points of one series in `query`'s window, page by page, ascending. */
  dataPages(
    metadata: string | Metadata,
    eventType: string,
    series: SeriesSelector,
    query: DataQuery,
  ): AsyncIterable<Array<WirePoint>>;
}

/** What the service needs to know of a request it did not get over HTTP. */
export interface InProcessContext {
  requestUrl: URL;
  prefix: string;
  now: number;
}

/**
 * The two reads of the archive's service (its `ArchiveService`, by shape: this layer does not
 * import the archive; `esmond-ps-archive serve` hands the service in).
 */
export interface InProcessArchive {
  searchMetadataStream(
    params: URLSearchParams,
    ctx: InProcessContext,
  ): Promise<{ items: AsyncIterable<readonly WireMetadata[]>; link?: string }>;
  readData(
    key: string,
    eventType: string,
    segment: string,
    window: string | undefined,
    params: URLSearchParams,
    ctx: InProcessContext,
  ): Promise<{ points: AsyncIterable<readonly WirePoint[]>; link?: string }>;
}

/** Options of {@link serviceReader}. */
export interface ServiceReaderOptions {
  /** The API's mount prefix (`/esmond` or ''), for the URIs in the metadata. */
  prefix: string;
  /** ms since the epoch. */
  clock: () => number;
  /** Once aborted, every read rejects (the server is stopping and the service is closing). */
  signal?: AbortSignal;
  /** Longest run of reads without a turn of the event loop, ms (default 10; 0: a turn before every read). */
  sliceMs?: number;
}

/** Metadata per search page. */
const METADATA_PAGE = 1000;
/** Longest run of reads without letting the server's other requests in, ms. */
const SLICE_MS = 10;

/** Reads `archive` in this process (see the module docs). */
export function serviceReader(archive: InProcessArchive, opts: ServiceReaderOptions): ArchiveReader {
  const requestUrl = new URL(`http://in-process${opts.prefix}/perfsonar/archive/`);
  const context = (): InProcessContext => ({ requestUrl, prefix: opts.prefix, now: Math.floor(opts.clock() / 1000) });
  // The service answers from SQLite without waiting on I/O: a summary's thousands of reads would
  // run as one long chain of resolved promises and keep the API's requests waiting until the end.
  // Every SLICE_MS of reading, the event loop gets a turn.
  const sliceMs = opts.sliceMs ?? SLICE_MS;
  let sliceStart = performance.now();
  const turn = async (): Promise<void> => {
    opts.signal?.throwIfAborted();
    if (performance.now() - sliceStart < sliceMs) return;
    await new Promise((resolve) => setImmediate(resolve));
    sliceStart = performance.now();
    opts.signal?.throwIfAborted();
  };

  return {
    async *searchMetadata(query: MetadataQuery, options = {}): AsyncGenerator<Metadata> {
      const { filters, time } = encodeMetadataQuery(query);
      const pageSize = options.pageSize ?? METADATA_PAGE;
      for (let offset = 0; ; offset += pageSize) {
        await turn();
        const params = new URLSearchParams([
          ...filters,
          ['limit', String(pageSize)],
          ['offset', String(offset)],
          ...time,
        ]);
        const page = await archive.searchMetadataStream(params, context());
        let count = 0;
        for await (const slice of page.items) {
          for (const wire of slice) {
            count++;
            yield decodeMetadata(wire);
          }
        }
        if (count < pageSize) return;
      }
    },

    dataPages(
      metadata: string | Metadata,
      eventType: string,
      series: SeriesSelector,
      query: DataQuery,
    ): AsyncIterable<Array<WirePoint>> {
      const key = typeof metadata === 'string' ? metadata : metadata.key;
      const type = seriesType(series.summaryType);
      const window = type === 'base' ? undefined : String(series.summaryWindow ?? 0);
      const fetchPage = async (params: Array<[string, string]>): Promise<FetchedPage<unknown>> => {
        await turn();
        const ctx = context();
        const page = await archive.readData(
          key,
          eventType,
          SUMMARY_URL_SEGMENT[type],
          window,
          new URLSearchParams(params),
          ctx,
        );
        const points: WirePoint[] = [];
        for await (const chunk of page.points) for (const p of chunk) points.push(p);
        return { points, more: page.link !== undefined && /rel="?next"?/.test(page.link), serverTime: ctx.now };
      };
      return {
        [Symbol.asyncIterator]: () => timeCursorPages(planWindow(query), checkPageSize(query.pageSize), fetchPage),
      };
    },
  };
}
