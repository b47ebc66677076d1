/**
 * Starts the REAL embedded archive for tests: the real service on a real SQLite file in a temp
 * dir, served over real HTTP on 127.0.0.1 with a free port. Every test that needs an esmond
 * server uses this (a scripted fake server is only for injecting faults).
 *
 *   const a = await startArchive({ seed: { hosts: 3, days: 2 } });
 *   try { ... fetch(a.archiveUrl) ... } finally { await a.close(); }
 * @module
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serveArchive } from '../../src/archive/serve.js';
import { createArchiveRequester } from '../../src/archive/handle.js';
import { raw, type RawResponse } from '../archive/http/raw-request.js';
import { importStorageRowsFile, loadDjangoFixtureFile } from './archive-fixtures.js';
import { seedArchive } from '../../src/archive/seed.js';
import { createArchiveService } from '../../src/archive/service.js';
import { openStore } from '../../src/archive/storage/open.js';
import { freshPgDatabase, type StoreKind } from './stores.js';
import type { ArchiveAppOptions } from '../../src/archive/app.js';
import type { ArchiveService, Resolver } from '../../src/archive/types.js';
import type { ArchiveStore } from '../../src/archive/storage/store.js';
import { FIXTURE_DATA } from './fixture-data.js';

/** Options of {@link startArchive}. */
export interface StartArchiveOptions {
  /** SQLite file to use (kept on close); default: a fresh file in a temp dir (deleted on close), or a fresh PostgreSQL database. */
  dbPath?: string;
  /** Seeds synthetic data through the service (`seedArchive`). Defaults: hosts 3, days 1, seed 1. */
  seed?: { hosts?: number; days?: number; seed?: number };
  /** Server clock in ms since the epoch (like `Date.now`). Also the seeding "now". */
  now?: () => number;
  /** Create a write user and return its key as `apiKey` (default true). */
  withUser?: boolean;
  /** Mount prefix (default `'/esmond'`; plain `/perfsonar/…` works either way). */
  prefix?: string;
  /** DNS for IP filters; default {@link fakeResolver} (tests never touch real DNS). */
  resolver?: Resolver | false;
  /**
   * Loads an upstream esmond Django fixture first (test/fixtures/SOURCES.md): `'api'` =
   * `perfsonar_api_metadata.json` (16 records, upstream esmond tests), `'client'` =
   * `perfsonar_client_metadata.json` (2 records) plus every `test_data/*.json` series (upstream esmond tests).
   */
  fixture?: 'api' | 'client';
  /** The store to run on (default SQLite); `'postgres'` needs the test cluster (see stores.ts). */
  store?: StoreKind;
  /** `false`: no port; `request` goes through the socket-free requester (archive/handle.ts). @defaultValue true */
  http?: boolean;
  /** Extra app options (writers, maxBodyBytes, log, ingest…). */
  app?: Omit<ArchiveAppOptions, 'prefix' | 'now'>;
}

/** A running test archive. */
export interface TestArchive {
  /** `http://127.0.0.1:PORT`, no path. */
  url: string;
  /** `url + '/esmond/perfsonar/archive/'` (with the configured prefix). */
  archiveUrl: string;
  dbPath: string;
  /** Key of a write user when `withUser`, else `''`. */
  apiKey: string;
  service: ArchiveService;
  /** One request (path verbatim): over HTTP to `url`, or socket-free when started with `http: false`. */
  request(
    method: string,
    path: string,
    opts?: { headers?: Record<string, string>; body?: string | Buffer | undefined },
  ): Promise<RawResponse>;
  /** Stops the server, closes the service, removes the temp dir (if it made one). */
  close(): Promise<void>;
}

/**
 * The 2014 es.net DNS records the upstream tests relied on (upstream esmond tests), plus `localhost`;
 * every other name has no address.
 */
export const FAKE_DNS: Readonly<Record<string, { 4?: string; 6?: string }>> = {
  'lbl-pt1.es.net': { 4: '198.129.254.30' },
  'lbl-pt1-v6.es.net': { 6: '2001:400:201:1150::3' },
  'sacr-pt1.es.net': { 4: '198.129.254.38', 6: '2001:400:501:1150::3' },
  'bost-pt1.es.net': { 4: '198.124.238.66' },
  localhost: { 4: '127.0.0.1', 6: '::1' },
};

/** A resolver over {@link FAKE_DNS} (or a table of your own). */
export function fakeResolver(table: Readonly<Record<string, { 4?: string; 6?: string }>> = FAKE_DNS): Resolver {
  return async (host, family) => table[host.toLowerCase()]?.[family];
}

/** A TCP port that was free a moment ago on 127.0.0.1 (for tools that cannot take port 0). */
export async function pickFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
      srv.close(() => {
        resolve(port);
      });
    });
  });
}

/** The upstream esmond data (fixtures, test_data) copied into test/fixtures. */
export const ESMOND_DATA = join(FIXTURE_DATA, 'esmond');

async function loadFixture(store: ArchiveStore, which: 'api' | 'client'): Promise<void> {
  await loadDjangoFixtureFile(store, join(ESMOND_DATA, 'fixtures', `perfsonar_${which}_metadata.json`));
  if (which !== 'client') return;
  const dir = join(ESMOND_DATA, 'test_data');
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()) {
    await importStorageRowsFile(store, join(dir, file));
  }
}

/** Starts a test archive (see the module docs). */
export async function startArchive(opts: StartArchiveOptions = {}): Promise<TestArchive> {
  const pgDb = opts.store === 'postgres' ? await freshPgDatabase() : undefined;
  const tempDir =
    opts.dbPath === undefined && pgDb === undefined ? mkdtempSync(join(tmpdir(), 'esmond-archive-test-')) : undefined;
  const dbPath = pgDb?.url ?? opts.dbPath ?? join(tempDir ?? '', 'archive.sqlite');
  const store = await openStore(dbPath);
  try {
    if (opts.fixture !== undefined) await loadFixture(store, opts.fixture);
  } catch (err) {
    await store.close();
    throw err;
  }
  const service = createArchiveService(store, { resolver: opts.resolver ?? fakeResolver() });
  const clock = opts.now ?? Date.now;
  try {
    const apiKey = opts.withUser === false ? '' : await service.addUser('test-writer');
    if (opts.seed !== undefined) {
      await seedArchive(service, {
        hosts: opts.seed.hosts ?? 3,
        days: opts.seed.days ?? 1,
        seed: opts.seed.seed ?? 1,
        now: Math.floor(clock() / 1000),
      });
    }
    const prefix = opts.prefix ?? '/esmond';
    if (opts.http === false) {
      const send = createArchiveRequester(service, { prefix, now: clock, ...opts.app });
      return {
        url: 'http://127.0.0.1',
        archiveUrl: `http://127.0.0.1${prefix}/perfsonar/archive/`,
        dbPath,
        apiKey,
        service,
        request: (method, path, o = {}) => send(path, { method, ...o }),
        async close() {
          await service.close();
          await pgDb?.drop();
          if (tempDir !== undefined) rmSync(tempDir, { recursive: true, force: true });
        },
      };
    }
    const running = await serveArchive({
      service,
      host: '127.0.0.1',
      port: 0,
      prefix,
      now: clock,
      ...opts.app,
    });
    return {
      url: running.url,
      archiveUrl: `${running.url}${prefix}/perfsonar/archive/`,
      dbPath,
      apiKey,
      service,
      request: (method, path, o = {}) => raw(running.url, method, path, o),
      async close() {
        await running.close();
        await service.close();
        await pgDb?.drop();
        if (tempDir !== undefined) rmSync(tempDir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await service.close();
    await pgDb?.drop();
    if (tempDir !== undefined) rmSync(tempDir, { recursive: true, force: true });
    throw err;
  }
}
