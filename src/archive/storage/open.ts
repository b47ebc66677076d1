/**
 * One way to open an archive store from a `--db` value: a `postgres://` or `postgresql://` URL
 * opens the PostgreSQL store, anything else is a SQLite file path. Every command that touches
 * an archive (serve, add-user, disable-user, list-users, seed, import) calls {@link openStore}.
 * @module
 */
import type { PostgresStoreOptions } from './postgres.js';
import type { ArchiveStore } from './store.js';

/** True when `spec` names a PostgreSQL database rather than a SQLite file. */
export function isPostgresUrl(spec: string): boolean {
  return /^postgres(?:ql)?:\/\//i.test(spec);
}

/** Options of {@link openStore}: the PostgreSQL settings (SQLite has none). */
export type OpenStoreOptions = PostgresStoreOptions;

/**
 * Opens the store `spec` names: a PostgreSQL URL (`sslmode` and the other libpq URL parameters
 * apply) or a SQLite path. The schema is created or migrated on open.
 */
export async function openStore(spec: string, options: OpenStoreOptions = {}): Promise<ArchiveStore> {
  // Each store (and its driver) is loaded when opened: a tool's --help loads neither.
  if (isPostgresUrl(spec)) return (await import('./postgres.js')).openPostgresStore(spec, options);
  return (await import('./sqlite.js')).openSqliteStore(spec);
}

/** `spec` with the password of a URL replaced by `***`, for messages and logs. */
export function redactDbSpec(spec: string): string {
  if (!isPostgresUrl(spec)) return spec;
  try {
    const url = new URL(spec);
    if (url.password !== '') url.password = '***';
    return url.toString();
  } catch {
    return 'postgres://…';
  }
}
