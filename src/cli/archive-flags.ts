/**
 * The perfSONAR 5 options of the query tools and esmond-ps-get-bulk: `--archive
 * auto|esmond|opensearch`, `--password` (with `--user`: Basic auth, for OpenSearch) and `--ca
 * FILE`: what their values do to the client options (the flags are in query-flags.ts's
 * connection group).
 * @module
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ClientOptions } from '../query/types.js';
import type { CliIo } from './io.js';

/** The flags read here (a part of the query tools' parsed flags). */
export interface ArchiveFlags {
  archive?: string | undefined;
  password?: string | undefined;
  ca?: string | undefined;
  user?: string | undefined;
  key?: string | undefined;
  verbose: boolean;
}

/** The `--archive` values; `auto` is the default. */
export const ARCHIVE_MODES = ['auto', 'esmond', 'opensearch'] as const;

/**
 * Applies the options to the client options; returns a one-line problem, or undefined. Basic
 * credentials replace an API key (one Authorization header).
 */
export function applyArchiveFlags(f: ArchiveFlags, io: CliIo, client: ClientOptions): string | undefined {
  const mode = f.archive ?? 'auto';
  if (!(ARCHIVE_MODES as readonly string[]).includes(mode))
    return `--archive must be one of ${ARCHIVE_MODES.join(', ')}: ${mode}`;
  client.archive = mode as (typeof ARCHIVE_MODES)[number];
  const password = f.password ?? io.env.ESMOND_PASSWORD;
  if (password !== undefined && password !== '') {
    const username = f.user ?? io.env.ESMOND_USER;
    if (username === undefined || username === '') return '--password requires --user (or ESMOND_USER)';
    if (f.key !== undefined) return '--password and --key cannot be used together';
    client.credentials = { scheme: 'Basic', username, apiKey: password };
  }
  if (f.ca !== undefined) {
    try {
      client.ca = readFileSync(resolve(io.cwd, f.ca), 'utf8');
    } catch (e) {
      return `cannot read --ca ${f.ca}: ${e instanceof Error ? e.message.replace(/^[A-Z]+: /, '') : String(e)}`;
    }
  }
  if (f.verbose) {
    client.onArchiveDetected = (found) => io.stderr.write(`archive: ${found.kind} at ${found.url}\n`);
  }
  return undefined;
}
