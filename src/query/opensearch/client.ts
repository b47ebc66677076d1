/**
 * The OpenSearch backend of `createClient({ url, archive: 'opensearch' })`: the same
 * {@link EsmondClient} read interface over a perfSONAR 5 archive's `pscheduler_*` documents
 * (perfSONAR 5's Logstash pipeline; reading OpenSearch directly), through the esmond client's transport. Writes are refused:
 * perfSONAR 5 archives are filled by Logstash.
 * @module
 */
import { HttpError, ValidationError } from '../../http/errors.js';
import type { Transport } from '../../http/transport.js';
import { transportFor, type ClientTestHooks } from '../transport-options.js';
import type { WirePoint } from '../../model/wire.js';
import { checkPageSize } from '../time-cursor.js';
import type {
  CallOptions,
  ClientOptions,
  DataQuery,
  EsmondClient,
  Metadata,
  MetadataQuery,
  SeriesSelector,
  SummaryInfo,
} from '../types.js';
import { SeriesBuilder } from './series.js';
import { seriesSource } from './documents.js';
import { searchAfterPages, TIME_SORT, type OpenSearchTarget } from './search.js';
import { listTests, metadataFilter, timeBounds } from './tests.js';
import { ASYNC_DISPOSE, listedSummaries, metadataResults, pointsOf } from '../results.js';
import type { HostLookup } from './hosts.js';
import { systemForwardResolver } from '../../util/dns.js';
import { seriesType, summaryTypeOf } from '../series-type.js';

/** Test-only knobs. */
export interface OpenSearchDeps {
  /** Host name lookups for source/destination/agent filters (default: the system resolver). */
  resolver?: HostLookup;
}

/**
 * The REST base of an OpenSearch URL: a URL with a path is used as given (`…/opensearch`, a
 * proxy location); a bare host means the perfSONAR node's `/opensearch` proxy (`scriptAlias`,
 * as for esmond's mount; `''` for none), except on OpenSearch's own port 9200.
 */
export function openSearchBase(input: string, scriptAlias?: string): string {
  let u: URL;
  try {
    u = new URL(input.trim());
  } catch {
    throw new ValidationError(`Invalid archive URL: ${input} (expected e.g. https://host/opensearch)`, 'url');
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:')
    throw new ValidationError(`Archive URL must start with http:// or https://: ${input}`, 'url');
  if (u.username !== '' || u.password !== '')
    throw new ValidationError('Archive URL must not contain credentials; pass them as credentials instead', 'url');
  if (u.search !== '' || u.hash !== '')
    throw new ValidationError(`Archive URL must not contain a query string or fragment: ${input}`, 'url');
  const path = u.pathname.replace(/\/+/g, '/').replace(/\/+$/, '');
  if (path !== '') return `${u.origin}${path}`;
  const alias = (scriptAlias ?? (u.port === '9200' ? '' : 'opensearch')).replace(/^\/+|\/+$/g, '');
  return alias === '' ? u.origin : `${u.origin}/${alias}`;
}

function writesRefused(): Promise<never> {
  return Promise.reject(
    new ValidationError('a perfSONAR 5 OpenSearch archive is read-only here (Logstash writes it)', 'archive'),
  );
}

/** Creates the OpenSearch-backed client. */
export function createOpenSearchClient(
  options: ClientOptions & ClientTestHooks,
  deps: OpenSearchDeps = {},
): EsmondClient {
  const base = openSearchBase(options.url, options.scriptAlias);
  const transport: Transport = transportFor(options);
  const target: OpenSearchTarget = { transport, base, pit: { supported: undefined } };
  const hosts = deps.resolver ?? systemForwardResolver();

  async function* searchMetadata(
    query: MetadataQuery | undefined,
    opts: CallOptions & { pageSize?: number },
  ): AsyncGenerator<Metadata> {
    const filter = await metadataFilter(query ?? {}, hosts);
    for await (const md of listTests(target, filter, opts.pageSize, opts.signal)) yield md;
  }

  async function getMetadata(key: string, opts: CallOptions = {}): Promise<Metadata> {
    if (typeof key !== 'string' || !/^[\w-]+$/.test(key))
      throw new ValidationError(`Invalid metadata key: ${JSON.stringify(key)}`, 'key');
    for await (const md of listTests(
      target,
      { query: { bool: { filter: [{ term: { 'pscheduler.test_checksum.keyword': key } }] } }, accept: () => true },
      1,
      opts.signal,
    )) {
      return md;
    }
    throw new HttpError({ method: 'GET', url: `${base}/${key}/`, status: 404, body: `no test with checksum ${key}` });
  }

  async function* seriesPages(
    metadata: string | Metadata,
    eventType: string,
    series: SeriesSelector | undefined,
    query: DataQuery | undefined,
  ): AsyncGenerator<WirePoint[]> {
    const key = typeof metadata === 'string' ? metadata : metadata.key;
    if (typeof eventType !== 'string' || !/^[\w.-]+$/.test(eventType))
      throw new ValidationError(`Invalid event type: ${JSON.stringify(eventType)}`, 'eventType');
    const st = seriesType(series?.summaryType);
    const w = series?.summaryWindow ?? 0;
    if (!Number.isInteger(w) || w < 0)
      throw new ValidationError(`summaryWindow must be a non-negative integer: ${w}`, 'summaryWindow');
    const size = checkPageSize(query?.pageSize);
    const builder = new SeriesBuilder(eventType, st, w);
    const { start, end } = timeBounds(query ?? {});
    // A summary bin holds every point of its window: read from the start of the first bin.
    const binned = st !== 'base' && w > 0;
    const from = start === undefined ? undefined : binned ? Math.floor(start / w) * w : start;
    const to = end === undefined ? undefined : binned ? Math.floor(end / w) * w + w - 1 : end;
    const range: Record<string, unknown> = { format: 'epoch_second' };
    if (from !== undefined) range.gte = from;
    if (to !== undefined) range.lte = to;
    const filter: unknown[] = [{ term: { 'pscheduler.test_checksum.keyword': key } }];
    if (from !== undefined || to !== undefined) filter.push({ range: { 'pscheduler.start_time': range } });
    const inWindow = (p: WirePoint): boolean =>
      (start === undefined || p.ts >= start) && (end === undefined || p.ts <= end);
    for await (const hits of searchAfterPages(
      target,
      { bool: { filter } },
      TIME_SORT,
      size,
      seriesSource(eventType),
      query?.signal,
    )) {
      const points = builder.add(hits).filter(inWindow);
      if (points.length > 0) yield points;
    }
    const last = builder.finish().filter(inWindow);
    if (last.length > 0) yield last;
  }

  function dataPages<V = unknown>(
    metadata: string | Metadata,
    eventType: string,
    series?: SeriesSelector,
    query?: DataQuery,
  ): AsyncIterable<WirePoint<V>[]> {
    return {
      [Symbol.asyncIterator]: () => seriesPages(metadata, eventType, series, query) as AsyncGenerator<WirePoint<V>[]>,
    };
  }

  return {
    archiveUrl: `${base}/`,
    origin: base,
    searchMetadata: (query, opts = {}) => metadataResults(() => searchMetadata(query, opts)),
    getMetadata,
    dataPages,
    data<V = unknown>(metadata: string | Metadata, eventType: string, series?: SeriesSelector, query?: DataQuery) {
      return pointsOf(dataPages<V>(metadata, eventType, series, query));
    },
    async summaries(
      metadataKey: string,
      eventType: string,
      summaryType: string,
      opts: CallOptions = {},
    ): Promise<SummaryInfo[]> {
      const st = summaryTypeOf(summaryType);
      return listedSummaries(await getMetadata(metadataKey, opts), eventType, st);
    },
    postMetadata: writesRefused,
    postPoint: writesRefused,
    putBulk: writesRefused,
    createDataWriter(): never {
      throw new ValidationError('a perfSONAR 5 OpenSearch archive is read-only here (Logstash writes it)', 'archive');
    },
    close: () => transport.close(),
    [ASYNC_DISPOSE]: () => transport.close(),
  };
}
