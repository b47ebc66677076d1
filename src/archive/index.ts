/**
 * `esmond-client/archive`: the embedded esmond-compatible archive as a library — the core
 * service over SQLite, the `node:http` handler, a server and the synthetic-mesh seeder.
 *
 *   const service = openSqliteArchive('archive.sqlite');
 *   const { url, close } = await serveArchive({ service, port: 8080 });
 * @module
 */
export { createArchiveApp } from './app.js';
export type { ArchiveAppOptions, ArchiveHandler, PschedulerIngest } from './app.js';
export { serveArchive } from './serve.js';
export type { RunningArchive, ServeArchiveOptions } from './serve.js';
export { createArchiveRequester } from './handle.js';
export type { ArchiveRequester, ArchiveRequestInit, ArchiveResponse } from './handle.js';
export { createArchiveService, openSqliteArchive } from './service.js';
export { ingestPschedulerResult } from './pscheduler-ingest.js';
export { seedArchive } from './seed.js';
export type { SeedOptions, SeedResult } from './seed.js';
export { openSqliteStore } from './storage/sqlite.js';
export type { ArchiveStore } from './storage/store.js';
// ApiError and RequestContext are the service's internals: the types reach them, the package does not export them.
export type { ArchiveService, ArchiveServiceOptions, DataPage, KeyCheck, Page, Resolver } from './types.js';
