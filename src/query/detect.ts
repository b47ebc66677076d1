/**
 * `archive: 'auto'` (the tools' `--archive auto`): which backend a URL is, from what it answers
 * (reading OpenSearch directly; elmond's routes), without costing an esmond archive a single extra request. The
 * esmond backend goes first; only when its first request finds no esmond there (404, 401/403,
 * an answer that is not esmond's JSON) is the URL asked whether it is an OpenSearch — its root
 * (cluster info with `version.distribution: "opensearch"`) or a perfSONAR node's `/opensearch`
 * proxy path — and the call is then answered by the OpenSearch backend. A URL whose path ends
 * in `/opensearch` is OpenSearch without asking.
 * @module
 */
import { HttpError, isHttpError, ResponseError } from '../http/errors.js';
import type { Transport } from '../http/transport.js';
import { transportFor } from './transport-options.js';
import type { WirePoint } from '../model/wire.js';
import type { ArchiveDetection, ClientOptions, EsmondClient, Metadata } from './types.js';
import { metadataResults, pointsOf, ASYNC_DISPOSE } from './results.js';

function isOpenSearchInfo(json: unknown): boolean {
  if (typeof json !== 'object' || json === null) return false;
  const v = (json as Record<string, unknown>).version;
  return typeof v === 'object' && v !== null && (v as Record<string, unknown>).distribution === 'opensearch';
}

/**
 * Does `url` answer as an OpenSearch REST root? With `authIsEnough`, a 401 counts too: at a
 * node's `/opensearch` path it is the security plugin asking for credentials.
 */
async function answersAsOpenSearch(transport: Transport, url: string, authIsEnough: boolean): Promise<boolean> {
  try {
    const r = await transport.sendJson({ url });
    return isOpenSearchInfo(r.json);
  } catch (e) {
    return isHttpError(e) && e.status === 401 && (authIsEnough || /opensearch/i.test(e.body ?? ''));
  }
}

/** The OpenSearch REST base `options.url` leads to (the URL itself or its `/opensearch` path), if any. */
export async function findOpenSearch(options: ClientOptions): Promise<string | undefined> {
  const u = new URL(options.url.trim());
  const path = u.pathname.replace(/\/+$/, '');
  // Probes are not retried: a missing OpenSearch should cost two quick requests, not backoffs.
  const transport = transportFor({ ...options, retries: 0 });
  try {
    if (await answersAsOpenSearch(transport, `${u.origin}${path}/`, false)) return `${u.origin}${path}`;
    if (path !== '/opensearch' && (await answersAsOpenSearch(transport, `${u.origin}/opensearch/`, true)))
      return `${u.origin}/opensearch`;
    return undefined;
  } finally {
    await transport.close();
  }
}

/** An esmond-backend failure that means "no esmond archive here" (worth asking for an OpenSearch). */
function noEsmondHere(e: unknown): boolean {
  if (e instanceof HttpError) return [400, 401, 403, 404, 405].includes(e.status);
  return e instanceof ResponseError;
}

/** `esmond` or `elmond` (64-hex checksum keys) from a metadata. */
function esmondKind(md: Metadata | undefined): ArchiveDetection['kind'] {
  return md !== undefined && /^[0-9a-f]{64}$/.test(md.key) ? 'elmond' : 'esmond';
}

/**
 * A client that is the esmond backend until the first read shows there is no esmond at the URL
 * but an OpenSearch, and from then on the OpenSearch backend.
 */
export function createAutoClient(
  options: ClientOptions,
  make: { esmond: (o: ClientOptions) => EsmondClient; opensearch: (o: ClientOptions) => EsmondClient },
): EsmondClient {
  const report = options.onArchiveDetected;
  const path = new URL(options.url.trim()).pathname.replace(/\/+$/, '');
  if (/\/opensearch$/.test(path)) {
    report?.({ archive: 'opensearch', kind: 'opensearch', url: options.url });
    return make.opensearch(options);
  }
  const esmond = make.esmond(options);
  let chosen: EsmondClient | undefined;
  let switching: Promise<EsmondClient> | undefined;

  const decideEsmond = (md?: Metadata): EsmondClient => {
    if (chosen === undefined) {
      chosen = esmond;
      report?.({ archive: 'esmond', kind: esmondKind(md), url: esmond.archiveUrl });
    }
    return chosen;
  };
  /** After a failed first esmond read: the OpenSearch backend, or the esmond error again. */
  const fallBack = (e: unknown): Promise<EsmondClient> => {
    if (chosen !== undefined || !noEsmondHere(e)) return Promise.reject(e instanceof Error ? e : new Error(String(e)));
    switching ??= findOpenSearch(options).then(async (base) => {
      if (base === undefined) throw e;
      // `scriptAlias: ''`: the base found is the REST root itself, even without a path.
      const os = make.opensearch({ ...options, url: base, scriptAlias: '' });
      chosen = os;
      report?.({ archive: 'opensearch', kind: 'opensearch', url: base });
      await esmond.close();
      return os;
    });
    return switching;
  };

  /** Iterates the esmond backend, or the OpenSearch one if the first item fails that way. */
  function firstOrFallBack<T>(
    call: (c: EsmondClient) => AsyncIterable<T>,
    kindOf: (first: T | undefined) => Metadata | undefined,
  ): AsyncIterable<T> {
    return {
      async *[Symbol.asyncIterator]() {
        if (chosen !== undefined) {
          yield* call(chosen);
          return;
        }
        const it = call(esmond)[Symbol.asyncIterator]();
        let first: IteratorResult<T>;
        try {
          first = await it.next();
        } catch (e) {
          yield* call(await fallBack(e));
          return;
        }
        decideEsmond(kindOf(first.done === true ? undefined : first.value));
        try {
          for (let n = first; n.done !== true; n = await it.next()) yield n.value;
        } finally {
          await it.return?.();
        }
      },
    };
  }
  async function firstCall<T>(call: (c: EsmondClient) => Promise<T>): Promise<T> {
    if (chosen !== undefined) return call(chosen);
    try {
      const r = await call(esmond);
      decideEsmond();
      return r;
    } catch (e) {
      return call(await fallBack(e));
    }
  }

  function dataPages<V>(
    metadata: string | Metadata,
    eventType: string,
    series?: Parameters<EsmondClient['dataPages']>[2],
    query?: Parameters<EsmondClient['dataPages']>[3],
  ): AsyncIterable<WirePoint<V>[]> {
    return firstOrFallBack<WirePoint<V>[]>(
      (c) => c.dataPages<V>(metadata, eventType, series, query),
      () => undefined,
    );
  }

  const close = async (): Promise<void> => {
    await (chosen ?? esmond).close();
    if (chosen !== esmond) await esmond.close().catch(() => undefined);
  };

  return {
    get archiveUrl() {
      return (chosen ?? esmond).archiveUrl;
    },
    get origin() {
      return (chosen ?? esmond).origin;
    },
    searchMetadata: (query, opts) =>
      metadataResults(() =>
        firstOrFallBack(
          (c) => c.searchMetadata(query, opts),
          (md) => md,
        )[Symbol.asyncIterator](),
      ),
    getMetadata: (key, opts) => firstCall((c) => c.getMetadata(key, opts)),
    dataPages,
    data: <V>(
      metadata: string | Metadata,
      eventType: string,
      series?: Parameters<EsmondClient['data']>[2],
      query?: Parameters<EsmondClient['data']>[3],
    ) => pointsOf(dataPages<V>(metadata, eventType, series, query)),
    summaries: (key, et, st, opts) => firstCall((c) => c.summaries(key, et, st, opts)),
    // Writes only make sense on an esmond archive.
    postMetadata: (body, opts) => esmond.postMetadata(body, opts),
    postPoint: (key, et, point, opts) => esmond.postPoint(key, et, point, opts),
    putBulk: (key, data, opts) => esmond.putBulk(key, data, opts),
    createDataWriter: (key, opts) => esmond.createDataWriter(key, opts),
    writeBatch: (items, opts) => esmond.writeBatch?.(items, opts) ?? Promise.resolve(undefined),
    writeBatchState: () => esmond.writeBatchState?.() ?? 'refused',
    close,
    [ASYNC_DISPOSE]: close,
  };
}
