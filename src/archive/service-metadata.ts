/**
 * The archive core's metadata operations (archive-api.md: Metadata search, Writing): search (streamed a slice at a
 * time), detail, create-or-find, and event-type detail.
 * @module
 */
import { randomUUID } from 'node:crypto';
import type { WireEventType, WireMetadata } from '../model/wire.js';
import { ApiError, type CreateMetadataOptions, type MetadataPage, type Page, type RequestContext } from './types.js';
import type { ArchiveStore, StoredMetadata } from './storage/store.js';
import { HostResolver, parseDnsMatchRule } from './dns.js';
import { MAX_METADATA_LIMIT, linkHeader, lastValues, pageLinks, parsePaging, parseSearch } from './search.js';
import { absoluteUrl, metadataPath, renderEventTypes, renderMetadata } from './metadata-json.js';
import { metadataTextWriter, type PageKeys } from './metadata-text.js';
import { metadataChecksum } from './checksum.js';
import { validateMetadataBody } from './validate.js';
import { NOT_FOUND } from './service-reads.js';

/** Metadata read per slice of a search page (see searchMetadataStream). */
const SEARCH_SLICE = 250;

/** Metadata search, detail and creation over a store. */
export class MetadataOps {
  constructor(
    private readonly store: ArchiveStore,
    private readonly hosts: HostResolver,
  ) {}

  private async resolveQuery(params: URLSearchParams, ctx: RequestContext) {
    const values = lastValues(params);
    const parsed = parseSearch(values, ctx.now);
    if (parsed.ipFilters.length > 0) {
      const rule = parseDnsMatchRule(parsed.dnsMatchRule);
      // Resolved together; the first failing field (in source, destination, agent order) reports.
      const settled = await Promise.allSettled(parsed.ipFilters.map((f) => this.hosts.addresses(f.value, rule)));
      settled.forEach((r, i) => {
        const field = parsed.ipFilters[i]?.field;
        if (r.status === 'rejected') throw r.reason;
        if (field) parsed.query.addresses.push({ field, anyOf: r.value });
      });
    }
    return { values, query: parsed.query };
  }

  async searchMetadata(params: URLSearchParams, ctx: RequestContext): Promise<Page<WireMetadata>> {
    const page = await this.searchMetadataStream(params, ctx);
    const body: WireMetadata[] = [];
    for await (const slice of page.items) body.push(...slice);
    return page.link === undefined ? { body } : { body, link: page.link };
  }

  async searchMetadataStream(params: URLSearchParams, ctx: RequestContext): Promise<MetadataPage> {
    const { values, query } = await this.resolveQuery(params, ctx);
    const { limit, offset } = parsePaging(values, MAX_METADATA_LIMIT);
    // The first slice is read now, so a failing store is still a proper error answer; the rest
    // is read a slice at a time as the client takes the answer, yielding between slices so a
    // large page neither holds the event loop nor sits in memory. The total is counted once.
    const first = await this.store.findMetadata(query, Math.min(limit, SEARCH_SLICE), offset);
    const total = first.total;
    const links = pageLinks(ctx.requestUrl, limit, offset, offset + limit < total);
    const pageKeys: PageKeys = {
      'metadata-count-total': total,
      'metadata-previous-page': links.previous,
      'metadata-next-page': links.next,
    };
    const store = this.store;
    async function* slices<T>(render: (m: StoredMetadata, page?: PageKeys) => T): AsyncGenerator<T[]> {
      yield first.items.map((m, i) => (i === 0 ? render(m, pageKeys) : render(m)));
      for (let done = first.items.length; done < limit && offset + done < total;) {
        await new Promise((resolve) => setImmediate(resolve));
        const slice = (await store.findMetadata(query, Math.min(limit - done, SEARCH_SLICE), offset + done, total))
          .items;
        if (slice.length === 0) break;
        yield slice.map((m) => render(m));
        done += slice.length;
      }
    }
    const objects = (m: StoredMetadata, page?: PageKeys): WireMetadata =>
      page ? Object.assign(renderMetadata(ctx, m), page) : renderMetadata(ctx, m);
    const page: MetadataPage = { items: slices(objects), json: slices(metadataTextWriter(ctx)) };
    const link = linkHeader(links);
    if (link !== undefined) page.link = link;
    return page;
  }

  async getMetadata(key: string, params: URLSearchParams, ctx: RequestContext): Promise<WireMetadata> {
    const { query } = await this.resolveQuery(params, ctx);
    if (query.key !== undefined && query.key !== key) throw NOT_FOUND();
    query.key = key;
    const found = (await this.store.findMetadata(query, 1, 0)).items[0];
    if (!found) throw NOT_FOUND();
    return renderMetadata(ctx, found);
  }

  async createMetadata(
    body: unknown,
    ctx: RequestContext,
    options: CreateMetadataOptions = {},
  ): Promise<{ metadata: WireMetadata; location: string }> {
    const stored = await this.createStored(body, options);
    return { metadata: renderMetadata(ctx, stored), location: absoluteUrl(ctx, metadataPath(ctx, stored.key)) };
  }

  /** {@link createMetadata} answering only the key (a batch write item needs no more). */
  async createMetadataKey(body: unknown, options: CreateMetadataOptions = {}): Promise<string> {
    return (await this.createStored(body, options)).key;
  }

  /** Validates a metadata body and finds or inserts its record. */
  private async createStored(body: unknown, options: CreateMetadataOptions): Promise<StoredMetadata> {
    const spec = validateMetadataBody(body);
    // No store can keep NUL in a text column (PostgreSQL refuses it): one answer for both stores.
    if (JSON.stringify(spec).includes('\\u0000'))
      throw new ApiError(400, 'Metadata values may not contain NUL characters.');
    const checksum = metadataChecksum({
      subjectType: spec.subjectType,
      subject: spec.rawSubject,
      parameters: spec.parameters,
      rows: spec.rows,
    });
    // A wished-for key (an import keeping the source's keys) is taken only while it is free.
    const wanted = options.key;
    const free = wanted !== undefined && (await this.store.metadataByKey(wanted)) === undefined;
    return this.store.findOrInsertMetadata({
      key: free ? wanted : randomUUID().replace(/-/g, ''),
      checksum,
      subjectType: spec.subjectType,
      subject: spec.subject,
      parameters: spec.parameters,
      eventTypes: spec.rows.map((r) => ({ ...r, timeUpdated: null })),
    });
  }

  async eventTypeDetail(key: string, eventType: string, ctx: RequestContext): Promise<WireEventType[]> {
    return renderEventTypes(ctx, key, await this.store.eventTypeRows(key, eventType));
  }
}
