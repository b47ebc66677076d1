/**
 * The `--db` option family of `esmond-ps-archive`: a SQLite file or a PostgreSQL URL
 * (`postgres://user@host/db`, also from `ESMOND_ARCHIVE_DB`), with the PostgreSQL pool size,
 * statement timeout and TLS mode. Every subcommand opens its archive through
 * {@link openArchiveService}, so they all accept the same forms.
 * @module
 */
import { resolve } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { createArchiveService } from '../archive/service.js';
import { isPostgresUrl, openStore, redactDbSpec } from '../archive/storage/open.js';
import type { ArchiveStore } from '../archive/storage/store.js';
import type { ArchiveService, ArchiveServiceOptions } from '../archive/types.js';
import { isDatabaseUrl, missingArchiveProblem } from './archive-admin.js';
import type { CliIo } from './io.js';

/** A usage error an `esmond-ps-archive` subcommand finds after commander's own parsing (exit 2, one line). */
export class UsageError extends Error {}

/** The SQLite file used when neither `--db` nor `ESMOND_ARCHIVE_DB` says otherwise. */
export const DEFAULT_DB = 'esmond-archive.sqlite';

/** Parsed `--db*` flags. */
export interface DbFlags {
  db?: string;
  dbPoolSize?: number;
  dbStatementTimeout?: number;
  dbSslmode?: string;
}

const SSL_MODES = ['disable', 'prefer', 'require', 'verify-ca', 'verify-full', 'no-verify'] as const;

function positiveInt(max: number) {
  return (raw: string): number => {
    const n = Number(raw);
    if (!/^\d+$/.test(raw.trim()) || n < 1 || n > max)
      throw new InvalidArgumentError(`expected an integer from 1 to ${max}.`);
    return n;
  };
}

function sslMode(raw: string): string {
  if (!(SSL_MODES as readonly string[]).includes(raw))
    throw new InvalidArgumentError(`expected one of ${SSL_MODES.join(', ')}.`);
  return raw;
}

/** Adds `--db` and the PostgreSQL settings to a subcommand. */
export function dbOptions(command: Command): Command {
  return command
    .option(
      '--db <file|url>',
      `SQLite file or postgres://user@host/db URL (default $ESMOND_ARCHIVE_DB or ./${DEFAULT_DB})`,
    )
    .option('--db-pool-size <n>', 'PostgreSQL: most connections (default 10)', positiveInt(1000))
    .option(
      '--db-statement-timeout <s>',
      'PostgreSQL: longest a statement may run, seconds (default 30)',
      positiveInt(86_400),
    )
    .option(
      '--db-sslmode <mode>',
      `PostgreSQL: TLS mode, overrides the URL's sslmode (${SSL_MODES.join(', ')})`,
      sslMode,
    );
}

/** The store spec the flags name: a PostgreSQL URL (with `--db-sslmode` applied) or an absolute SQLite path. */
export function dbSpecOf(flags: DbFlags, io: CliIo): string {
  const raw = flags.db ?? io.env['ESMOND_ARCHIVE_DB'] ?? DEFAULT_DB;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(raw) && !isPostgresUrl(raw)) {
    throw new InvalidArgumentError(`--db: ${redactDbSpec(raw)} is neither a SQLite file nor a postgres:// URL`);
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
