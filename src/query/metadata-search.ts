/**
 * Metadata search over offset pages (archive-api.md: Metadata search, elmond's metadata). Unlike the original client it
 * streams (each page is handed out as it arrives, B17), sends `limit` explicitly, and does not
 * need `metadata-count-total` (B8): elmond omits or approximates it.
 * @module
 */
import { ResponseError, ValidationError } from '../http/errors.js';
import type { Transport } from '../http/transport.js';
import { decodeMetadata, encodeMetadataQuery } from './codec.js';
import type { Metadata, MetadataQuery } from './types.js';

/** Metadata per page unless the caller says otherwise (elmond's default; esmond's is 1500). */
export const DEFAULT_METADATA_PAGE_SIZE = 1000;

/**
 * Yields every matching metadata in server order. Stops on a short page, or on a full page once
 * `offset` reaches `metadata-count-total` (when the server sends it). A key seen on an earlier
 * page is not yielded again: elmond orders by most recent run, so pages can shift while we read.
 */
export async function* searchMetadataPages(
  transport: Transport,
  archiveUrl: string,
  query: MetadataQuery | undefined,
  options: { pageSize?: number | undefined; signal?: AbortSignal | undefined },
): AsyncGenerator<Metadata, void, undefined> {
  const { filters, time } = encodeMetadataQuery(query);
  const pageSize = options.pageSize ?? DEFAULT_METADATA_PAGE_SIZE;
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 10_000) {
    throw new ValidationError(`pageSize must be an integer from 1 to 10000: ${pageSize}`, 'pageSize');
  }
  const seen = new Set<string>();
  // elmond (64-hex keys): the first page's count is approximate and skipped tests keep their
  // slots, so a page before the count can be short or empty (elmond's metadata).
  let elmondTotal: number | undefined;
  for (let offset = 0; ;) {
    const paging: Array<[string, string]> = [['limit', String(pageSize)]];
    if (offset > 0) paging.push(['offset', String(offset)]);
    const r = await transport.sendJson({
      url: archiveUrl,
      query: [...filters, ...paging, ...time],
      signal: options.signal,
    });
    const init = { method: 'GET', url: r.url, status: r.status, body: r.text };
    if (!Array.isArray(r.json)) throw new ResponseError('metadata search answer is not a JSON array', init);
    const page: unknown[] = r.json;
    for (const item of page) {
      const m = decodeMetadata(item, init);
      if (seen.has(m.key)) continue;
      seen.add(m.key);
      yield m;
    }
    const first = page[0] as Record<string, unknown> | undefined;
    const total = first?.['metadata-count-total'];
    if (
      offset === 0 &&
      typeof total === 'number' &&
      typeof first?.['metadata-key'] === 'string' &&
      /^[0-9a-f]{64}$/.test(first['metadata-key'])
    ) {
      elmondTotal = total;
    }
    if (elmondTotal !== undefined) {
      // Page on until past the count; a count from the approximate region of OpenSearch's
      // cardinality (above its default precision threshold, 3000) only ends on an empty page.
      const exact = elmondTotal < 3000;
      if (page.length > pageSize || (page.length === 0 && offset >= elmondTotal)) return;
      if (offset + pageSize >= elmondTotal && (exact || page.length < pageSize)) return;
      offset += pageSize;
      continue;
    }
    // A page longer than asked for means the server ignores `limit`: it sent everything.
    if (page.length !== pageSize) return;
    offset += page.length;
    if (typeof total === 'number' && offset >= total) return;
  }
}
