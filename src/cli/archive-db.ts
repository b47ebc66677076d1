/**
 * The `--db` option family of `esmond-ps-archive`: a SQLite file or a PostgreSQL URL
 * (`postgres://user@host/db`, also from `ESMOND_ARCHIVE_DB`), with the PostgreSQL pool size,
 * statement timeout and TLS mode. Every subcommand opens its archive through
 * {@link openArchiveService}, so they all accept the same forms.
 * @module
 */
import { resolve } from 'node:path';
import { isPostgresUrl, openStore, redactDbSpec } from '../archive/storage/open.js';
import type { ArchiveStore } from '../archive/storage/store.js';
import type { ArchiveService, ArchiveServiceOptions } from '../archive/types.js';
import { isDatabaseUrl, missingArchiveProblem } from './archive-admin.js';
import { UsageError, type FlagDef, type FlagValues, type KeyOf } from './flags.js';
import type { CliIo } from './io.js';

/** The SQLite file used when neither `--db` nor `ESMOND_ARCHIVE_DB` says otherwise. */
export const DEFAULT_DB = 'esmond-archive.sqlite';

/** Parsed `--db*` flags. */
export interface DbFlags {
  db?: string | undefined;
  dbPoolSize?: number | undefined;
  dbStatementTimeout?: number | undefined;
  dbSslmode?: string | undefined;
}

const SSL_MODES = ['disable', 'prefer', 'require', 'verify-ca', 'verify-full', 'no-verify'] as const;

/** `--db` and the PostgreSQL settings, in every subcommand that opens the archive. */
export const DB_FLAGS = [
  {
    key: 'db',
    long: '--db',
    type: 'string',
    metavar: 'FILE|URL',
    help: `SQLite file or postgres://user@host/db URL (default: $ESMOND_ARCHIVE_DB or ./${DEFAULT_DB}).`,
    original: false,
  },
  {
    key: 'dbPoolSize',
    long: '--db-pool-size',
    type: 'uint',
    metavar: 'N',
    help: 'PostgreSQL: most connections (default: 10).',
    original: false,
  },
  {
    key: 'dbStatementTimeout',
    long: '--db-statement-timeout',
    type: 'uint',
    metavar: 'SECONDS',
    help: 'PostgreSQL: longest a statement may run, seconds (default: 30).',
    original: false,
  },
  {
    key: 'dbSslmode',
    long: '--db-sslmode',
    type: 'string',
    metavar: 'MODE',
    help: `PostgreSQL: TLS mode, overrides the URL's sslmode [${SSL_MODES.join(', ')}].`,
    original: false,
  },
] as const satisfies readonly FlagDef[];

/** The keys of {@link DB_FLAGS}. */
export type DbKey = KeyOf<typeof DB_FLAGS>;

/**
 * The `--db*` flags, typed and checked.
 * @throws UsageError for a value out of range
 */
export function dbFlagsOf(v: FlagValues<DbKey>): DbFlags {
  return {
    db: v.string('db'),
    dbPoolSize: v.intIn('dbPoolSize', 1, 1000),
    dbStatementTimeout: v.intIn('dbStatementTimeout', 1, 86_400),
    dbSslmode: v.choice('dbSslmode', SSL_MODES),
  };
}

/** The store spec the flags name: a PostgreSQL URL (with `--db-sslmode` applied) or an absolute SQLite path. */
export function dbSpecOf(flags: DbFlags, io: CliIo): string {
  const raw = flags.db ?? io.env['ESMOND_ARCHIVE_DB'] ?? DEFAULT_DB;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(raw) && !isPostgresUrl(raw)) {
    throw new UsageError(`--db: ${redactDbSpec(raw)} is neither a SQLite file nor a postgres:// URL`);
  }
  if (!isPostgresUrl(raw)) return resolve(io.cwd, raw);
  if (flags.dbSslmode === undefined) return raw;
  const url = new URL(raw);
  url.searchParams.set('sslmode', flags.dbSslmode);
  return url.toString();
}

/** Opens the store the flags name (creating or migrating its schema). */
export function openArchiveStore(flags: DbFlags, io: CliIo): Promise<ArchiveStore> {
  return openStore(dbSpecOf(flags, io), {
    ...(flags.dbPoolSize !== undefined ? { poolSize: flags.dbPoolSize } : {}),
    ...(flags.dbStatementTimeout !== undefined ? { statementTimeoutMs: flags.dbStatementTimeout * 1000 } : {}),
    log: (line) => void io.stderr.write(`${line}\n`),
  });
}

/** Opens the archive the flags name (creating or migrating its schema) and returns its service. */
export async function openArchiveService(
  flags: DbFlags,
  io: CliIo,
  options: ArchiveServiceOptions = {},
): Promise<ArchiveService> {
  // Loaded here, not with the flag tables: --help loads no store.
  const { createArchiveService } = await import('../archive/service.js');
  return createArchiveService(await openArchiveStore(flags, io), options);
}

/** The archive named for messages (a URL's password hidden). */
export function describeDb(flags: DbFlags, io: CliIo): string {
  return redactDbSpec(dbSpecOf(flags, io));
}

export function dbPathOf(db: string | undefined, io: CliIo): string {
  return resolve(io.cwd, db ?? io.env['ESMOND_ARCHIVE_DB'] ?? DEFAULT_DB);
}

/** Refuses to open a SQLite file that does not exist unless the command creates archives. */
export function refuseMissing(db: string | undefined, io: CliIo, command: string, create: boolean | undefined): void {
  // A database URL (postgres://…) names a server, not a file: nothing to check here.
  if (create === true || isDatabaseUrl(db ?? io.env['ESMOND_ARCHIVE_DB'] ?? DEFAULT_DB)) return;
  const problem = missingArchiveProblem(dbPathOf(db, io), command);
  if (problem !== undefined) throw new Error(problem);
}
