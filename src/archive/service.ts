/**
 * The archive core: implements {@link ArchiveService} (archive-api.md: Metadata search, Reading data, Writing) over an
 * {@link ArchiveStore}. It validates, searches, renders and writes; it never sees a socket and
 * holds no SQL. Every client error is an {@link ApiError}. The work is split by job:
 * `service-metadata.ts` (search, detail, create), `service-reads.ts` (data pages),
 * `service-writes.ts` (point and bulk writes), `service-users.ts` (keys and users).
 * @module
 */
import type { WireEventType, WireMetadata, WireSummary } from '../model/wire.js';
import type {
  ArchiveService,
  ArchiveServiceOptions,
  CreateMetadataOptions,
  KeyCheck,
  MetadataPage,
  Page,
  RequestContext,
} from './types.js';
import type { ArchiveStore } from './storage/store.js';
import { openSqliteStore } from './storage/sqlite.js';
import { HostResolver } from './dns.js';
import { systemForwardResolver } from '../util/dns.js';
import { MetadataOps } from './service-metadata.js';
import { DataReads } from './service-reads.js';
import { DataWrites } from './service-writes.js';
import { UserKeys } from './service-users.js';

const DEFAULT_DNS_CACHE_MS = 30_000;

/** Creates the archive core over `store`. The service owns the store: `close()` closes it. */
export function createArchiveService(store: ArchiveStore, options: ArchiveServiceOptions = {}): ArchiveService {
  return new Service(store, options);
}

/** Opens (creating if needed) a SQLite archive at `dbPath` and returns its service. */
export function openSqliteArchive(dbPath: string, options: ArchiveServiceOptions = {}): ArchiveService {
  return createArchiveService(openSqliteStore(dbPath), options);
}

class Service implements ArchiveService {
  private readonly metadata: MetadataOps;
  private readonly reads: DataReads;
  private readonly writes: DataWrites;
  private readonly users: UserKeys;

  constructor(
    private readonly store: ArchiveStore,
    options: ArchiveServiceOptions,
  ) {
    const resolver = options.resolver === undefined ? systemForwardResolver() : options.resolver;
    this.metadata = new MetadataOps(store, new HostResolver(resolver, options.dnsCacheMs ?? DEFAULT_DNS_CACHE_MS));
    this.reads = new DataReads(store);
    this.writes = new DataWrites(store);
    this.users = new UserKeys(store, options.keyCacheMs);
  }

  searchMetadata(params: URLSearchParams, ctx: RequestContext): Promise<Page<WireMetadata>> {
    return this.metadata.searchMetadata(params, ctx);
  }

  searchMetadataStream(params: URLSearchParams, ctx: RequestContext): Promise<MetadataPage> {
    return this.metadata.searchMetadataStream(params, ctx);
  }

  getMetadata(key: string, params: URLSearchParams, ctx: RequestContext): Promise<WireMetadata> {
    return this.metadata.getMetadata(key, params, ctx);
  }

  createMetadata(
    body: unknown,
    ctx: RequestContext,
    options: CreateMetadataOptions = {},
  ): Promise<{ metadata: WireMetadata; location: string }> {
    return this.metadata.createMetadata(body, ctx, options);
  }

  createMetadataKey(body: unknown, _ctx: RequestContext, options: CreateMetadataOptions = {}): Promise<string> {
    return this.metadata.createMetadataKey(body, options);
  }

  eventTypeDetail(key: string, eventType: string, ctx: RequestContext): Promise<WireEventType[]> {
    return this.metadata.eventTypeDetail(key, eventType, ctx);
  }

  summaryListing(key: string, eventType: string, segment: string, ctx: RequestContext): Promise<WireSummary[]> {
    return this.reads.summaryListing(key, eventType, segment, ctx);
  }

  readData: ArchiveService['readData'] = (...request) => this.reads.readData(...request);

  writePoint(key: string, eventType: string, segment: string, body: unknown, ctx: RequestContext): Promise<number> {
    return this.writes.writePoint(key, eventType, segment, body, ctx);
  }

  bulkWrite(key: string, body: unknown, ctx: RequestContext): Promise<number> {
    return this.writes.bulkWrite(key, body, ctx);
  }

  bulkWriteBody(key: string, contentType: string | undefined, body: Buffer, ctx: RequestContext): Promise<number> {
    return this.writes.bulkWriteBody(key, contentType, body, ctx);
  }

  verifyKey(key: string, user?: string): Promise<boolean> {
    return this.users.verifyKey(key, user);
  }

  checkKey(key: string, user?: string): Promise<KeyCheck> {
    return this.users.checkKey(key, user);
  }

  setUserActive(name: string, active: boolean): Promise<boolean> {
    return this.users.setUserActive(name, active);
  }

  listUsers(): Promise<{ name: string; active: boolean }[]> {
    return this.users.listUsers();
  }

  addUser(name: string, key?: string): Promise<string> {
    return this.users.addUser(name, key);
  }

  close(): Promise<void> {
    return this.store.close();
  }
}
