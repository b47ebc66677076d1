/**
 * `esmond-ps-archive`: runs the embedded esmond-compatible archive on SQLite, and manages it.
 *
 *   esmond-ps-archive serve [--db FILE] [--host 127.0.0.1] [--port 8080] [--prefix /esmond] [--no-dns]
 *   esmond-ps-archive add-user NAME [--db FILE] [--key KEY]
 *   esmond-ps-archive disable-user NAME [--db FILE]
 *   esmond-ps-archive list-users [--db FILE]
 *   esmond-ps-archive seed [--db FILE] [--hosts N] [--days D] [--seed S]
 *   esmond-ps-archive import --from URL [--db FILE] [--archive auto|esmond|opensearch] [-S/-E] [filters]
 *
 * Each subcommand is its flag table and a run step on the one flag system (subcommands.ts).
 * Exit codes ({@link ExitCode}): 0 ok, 1 runtime failure, 2 usage error.
 * @module
 */
import { DB_FLAGS, dbFlagsOf, describeDb, openArchiveService } from './archive-db.js';
import { IMPORT_FLAGS, importFlagsOf } from './archive-import-flags.js';
import { serve, SERVE_FLAGS, serveFlagsOf } from './archive-serve.js';
import { ADD_USER, DISABLE_USER, LIST_USERS } from './archive-users.js';
import { ExitCode } from './exit-codes.js';
import type { CliIo, ToolMain } from './io.js';
import { runSubcommands, subcommand, type Subcommand } from './subcommands.js';

export { MIN_CHOSEN_KEY_LENGTH } from './archive-users.js';

const TOOL = 'esmond-ps-archive';

/** `serve`; `stop` ends it the way SIGTERM does. */
function serveCommand(stop: AbortSignal | undefined): Subcommand {
  return subcommand({
    name: 'serve',
    args: [],
    description: 'Serve the archive over HTTP until SIGINT/SIGTERM.',
    flags: SERVE_FLAGS,
    run: (v, _args, io) => serve(serveFlagsOf(v), io, stop),
  });
}

/** `key=value` pairs of the seeder's summary's plain fields (its exact shape is the seeder's business). */
function describeSummary(summary: unknown): string {
  if (typeof summary !== 'object' || summary === null) return String(summary);
  const parts = Object.entries(summary)
    .filter(([, v]) => typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean')
    .map(([k, v]) => `${k}=${String(v)}`);
  return parts.length > 0 ? parts.join(' ') : JSON.stringify(summary);
}

/** `seed [--hosts N] [--days D] [--seed S]`. */
const SEED = subcommand({
  name: 'seed',
  args: [],
  description: 'Fill the archive with a synthetic measurement mesh.',
  flags: [
    ...DB_FLAGS,
    {
      key: 'hosts',
      long: '--hosts',
      type: 'uint',
      metavar: 'N',
      default: '4',
      help: 'Number of hosts, 1 to 1000 (default: 4).',
      original: false,
    },
    {
      key: 'days',
      long: '--days',
      type: 'string',
      metavar: 'D',
      default: '1',
      help: 'Days of history ending now, fractions allowed, 0 = metadata only (default: 1).',
      original: false,
    },
    {
      key: 'seed',
      long: '--seed',
      type: 'uint',
      metavar: 'S',
      default: '1',
      help: 'PRNG seed (default: 1).',
      original: false,
    },
  ],
  async run(v, _args, io: CliIo) {
    const db = dbFlagsOf(v);
    const hosts = v.intIn('hosts', 1, 1000) ?? 4;
    const days = v.numberIn('days', 'days', { min: 0, minIncluded: true, max: 3650 }) ?? 1;
    const seed = v.intIn('seed', 0, 2 ** 31 - 1) ?? 1;
    const path = describeDb(db, io);
    const service = await openArchiveService(db, io, { resolver: false });
    try {
      const { seedArchive } = await import('../archive/seed.js');
      const summary = await seedArchive(service, { hosts, days, seed, now: Math.floor(io.now() / 1000) });
      io.stdout.write(`seeded ${path}: ${describeSummary(summary)}\n`);
      return ExitCode.Ok;
    } finally {
      await service.close();
    }
  },
});

/** `import --from URL …`. */
const IMPORT = subcommand({
  name: 'import',
  args: [],
  description:
    'Copy every metadata and its data from an esmond 4.x, elmond or perfSONAR 5 OpenSearch archive into this one.',
  flags: IMPORT_FLAGS,
  // The importer (and the client it reads with) loads when it runs, not with --help.
  run: async (v, _args, io) => (await import('./archive-import.js')).runImport(importFlagsOf(v), io),
});

/**
 * Runs the tool. `stop` lets in-process callers end `serve` the way SIGTERM does.
 */
export function runArchiveCli(argv: readonly string[], io: CliIo, stop?: AbortSignal): Promise<number> {
  return runSubcommands(
    { prog: TOOL, commands: [serveCommand(stop), ADD_USER, DISABLE_USER, LIST_USERS, SEED, IMPORT] },
    argv,
    io,
  );
}

/** The tool entry point for the bin shim. */
export const run: ToolMain = (argv, io) => runArchiveCli(argv, io);
