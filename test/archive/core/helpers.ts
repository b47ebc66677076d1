/**
 * Shared setup of the archive-core tests: a real SQLite file in a fresh temp dir, the service
 * over it, request contexts with an injected clock, and the upstream esmond tests stub DNS table.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createArchiveService } from '../../../src/archive/service.js';
import { openSqliteStore } from '../../../src/archive/storage/sqlite.js';
import { loadDjangoFixtureFile } from '../../helpers/archive-fixtures.js';
import type { ArchiveStore } from '../../../src/archive/storage/store.js';
import type { ArchiveService, ArchiveServiceOptions, RequestContext, Resolver } from '../../../src/archive/types.js';
import { ApiError } from '../../../src/archive/types.js';
import assert from 'node:assert/strict';
import { FIXTURE_DATA } from '../../helpers/fixture-data.js';

export const DATA = join(FIXTURE_DATA, 'esmond');
export const API_FIXTURE = `${DATA}/fixtures/perfsonar_api_metadata.json`;
export const CLIENT_FIXTURE = `${DATA}/fixtures/perfsonar_client_metadata.json`;

/** The 2014 es.net records the upstream DNS tests rely on (upstream esmond tests). */
const DNS_TABLE: Record<string, { 4?: string; 6?: string }> = {
  'lbl-pt1.es.net': { 4: '198.129.254.30' },
  'lbl-pt1-v6.es.net': { 6: '2001:0400:0201:1150::3' },
  'sacr-pt1.es.net': { 4: '198.129.254.38', 6: '2001:400:501:1150::3' },
  'bost-pt1.es.net': { 4: '198.124.238.66' },
};

/** A resolver answering from the table and recording every lookup. */
export function stubResolver(calls: string[] = []): Resolver {
  return async (host, family) => {
    calls.push(`${host}/${family}`);
    return DNS_TABLE[host]?.[family];
  };
}

export interface TestArchive {
  svc: ArchiveService;
  store: ArchiveStore;
  path: string;
  /** A context for `url` (path + query, default the archive root) at clock `now`. */
  ctx(url?: string, now?: number): RequestContext;
  close(): Promise<void>;
}

/** Opens a fresh archive; `setup` may load fixtures into the store before the service exists. */
export async function openTestArchive(
  options: ArchiveServiceOptions = { resolver: stubResolver() },
  setup?: (store: ArchiveStore) => Promise<unknown>,
  prefix = '',
): Promise<TestArchive> {
  const dir = mkdtempSync(join(tmpdir(), 'archive-core-'));
  const path = join(dir, 'archive.sqlite');
  const store = openSqliteStore(path);
  await setup?.(store);
  const svc = createArchiveService(store, options);
  return {
    svc,
    store,
    path,
    ctx: (url = `${prefix}/perfsonar/archive/`, now = 1_400_000_000) => ({
      requestUrl: new URL(url, 'http://testserver'),
      prefix,
      now,
    }),
    close: async () => {
      await svc.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** An archive loaded with the upstream `test_api.py` fixture. */
export function openFixtureArchive(options?: ArchiveServiceOptions): Promise<TestArchive> {
  return openTestArchive(options, (store) => loadDjangoFixtureFile(store, API_FIXTURE));
}

/** Creates a metadata through the service (a request to the archive root); returns its key. */
export async function createKey(a: TestArchive, body: unknown): Promise<string> {
  return (await a.svc.createMetadata(body, a.ctx())).metadata['metadata-key'];
}

/** Asserts `fn` throws or rejects with ApiError(status, detail). */
export async function assertApiError(fn: () => unknown, status: number, detail?: string): Promise<void> {
  await assert.rejects(
    async () => fn(),
    (e: unknown) => {
      assert.ok(e instanceof ApiError, `expected ApiError, got ${String(e)}`);
      assert.equal(e.status, status, `status of "${e.detail}"`);
      if (detail !== undefined) assert.equal(e.detail, detail);
      return true;
    },
  );
}

/** Async variant of {@link assertApiError}. */
export async function assertApiRejects(p: Promise<unknown>, status: number, detail?: string): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof ApiError, `expected ApiError, got ${String(e)}`);
    assert.equal(e.status, status);
    if (detail !== undefined) assert.equal(e.detail, detail);
    return true;
  });
}

/** Reads a data series fully (as a plain array) through the service. */
export async function read(
  a: TestArchive,
  key: string,
  et: string,
  segment = 'base',
  window?: string,
  query = '',
  now?: number,
): Promise<Array<{ ts: number; val: unknown }>> {
  const ctx = a.ctx(`/perfsonar/archive/${key}/${et}/${segment}${query ? `?${query}` : ''}`, now);
  const page = await a.svc.readData(key, et, segment, window, new URLSearchParams(query), ctx);
  return collect(page.points);
}

/** Every point of a data page's chunks, as one array. */
export async function collect<T>(chunks: AsyncIterable<readonly T[]>): Promise<T[]> {
  const out: T[] = [];
  for await (const chunk of chunks) out.push(...chunk);
  return out;
}
