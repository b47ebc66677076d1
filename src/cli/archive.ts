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
 * Exit codes ({@link ExitCode}): 0 ok, 1 runtime failure, 2 usage error.
 * @module
 */
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { SERVER_LIMITS } from '../archive/serve.js';
import { seedArchive } from '../archive/seed.js';
import { addUserGuidance, LOG_FORMATS, LOG_LEVELS } from './archive-admin.js';
import { dbOptions, describeDb, openArchiveService, refuseMissing, UsageError, type DbFlags } from './archive-db.js';
import { publicUrlOf, sec, secondsOf, serve, type ServeFlags } from './archive-serve.js';

export { untilStopped } from './archive-serve.js';
import { importOptions, runImport, type ImportFlags } from './archive-import.js';
import { ExitCode } from './exit-codes.js';
import type { CliIo, ToolMain } from './io.js';
import { TOOL_HELP, versionText } from './tool-help.js';

const TOOL = 'esmond-ps-archive';

/** Shortest key `add-user --key` accepts (a generated key is 40 hex digits, 160 bits). */
export const MIN_CHOSEN_KEY_LENGTH = 32;

function intIn(min: number, max: number) {
  return (raw: string): number => {
    if (!/^\d+$/.test(raw.trim())) throw new InvalidArgumentError(`expected an integer from ${min} to ${max}.`);
    const n = Number(raw);
    if (n < min || n > max) throw new InvalidArgumentError(`expected an integer from ${min} to ${max}.`);
    return n;
  };
}

function daysOf(raw: string): number {
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n) || n < 0 || n > 3650) {
    throw new InvalidArgumentError('expected a number of days from 0 to 3650.');
  }
  return n;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** `/esmond/` → `/esmond`, `/` → `''`; anything not starting with `/` is a usage error. */
function parsePrefix(raw: string): string {
  const trimmed = raw.trim().replace(/\/+$/, '');
  if (trimmed !== '' && !/^\/[A-Za-z0-9._~\-/]*$/.test(trimmed)) {
    throw new InvalidArgumentError('expected a path such as /esmond, or "" for none.');
  }
  return trimmed;
}

async function addUser(name: string, flags: DbFlags & { key?: string; rotate?: boolean }, io: CliIo): Promise<number> {
  if (name.trim() === '' || /\s/.test(name)) throw new UsageError('user name must be non-empty and without spaces');
  if (flags.key !== undefined && (flags.key === '' || /\s/.test(flags.key))) {
    throw new UsageError('--key must be non-empty and without spaces (it travels as "Token KEY")');
  }
  // Keys are stored as a plain SHA-256: a short chosen key could be guessed from a stolen file.
  if (flags.key !== undefined && flags.key.length < MIN_CHOSEN_KEY_LENGTH) {
    throw new UsageError(
      `--key must be at least ${MIN_CHOSEN_KEY_LENGTH} characters (or omit it for a generated 160-bit key)`,
    );
  }
  const service = await openArchiveService(flags, io);
  try {
    const exists = (await service.listUsers()).some((u) => u.name === name);
    if (exists && flags.rotate !== true) {
      io.stderr.write(`${TOOL}: write user ${name} exists; --rotate gives it a new key (its old key stops working)\n`);
      return ExitCode.Failure;
    }
    const key = await service.addUser(name, flags.key);
    io.stdout.write(`${exists ? 'new key for' : 'added'} write user ${name}; API key: ${key}\n`);
    io.stderr.write(addUserGuidance(name, exists));
    return ExitCode.Ok;
  } finally {
    await service.close();
  }
}

async function disableUser(name: string, flags: DbFlags, io: CliIo): Promise<number> {
  refuseMissing(flags.db, io, 'disable-user', false);
  const service = await openArchiveService(flags, io);
  try {
    if (!(await service.setUserActive(name, false))) {
      io.stderr.write(`${TOOL}: no write user named ${name}\n`);
      return ExitCode.Failure;
    }
    io.stdout.write(`disabled write user ${name}\n`);
    return ExitCode.Ok;
  } finally {
    await service.close();
  }
}

async function listUsers(flags: DbFlags & { create?: boolean }, io: CliIo): Promise<number> {
  refuseMissing(flags.db, io, 'list-users', flags.create);
  const service = await openArchiveService(flags, io);
  try {
    for (const u of await service.listUsers()) io.stdout.write(`${u.name}\t${u.active ? 'active' : 'disabled'}\n`);
    return ExitCode.Ok;
  } finally {
    await service.close();
  }
}

async function seed(flags: DbFlags & { hosts: number; days: number; seed: number }, io: CliIo): Promise<number> {
  const path = describeDb(flags, io);
  const service = await openArchiveService(flags, io, { resolver: false });
  try {
    const summary = await seedArchive(service, {
      hosts: flags.hosts,
      days: flags.days,
      seed: flags.seed,
      now: Math.floor(io.now() / 1000),
    });
    io.stdout.write(`seeded ${path}: ${describeSummary(summary)}\n`);
    return ExitCode.Ok;
  } finally {
    await service.close();
  }
}

/** `key=value` pairs of the seeder's summary's plain fields (its exact shape is the seeder's business). */
function describeSummary(summary: unknown): string {
  if (typeof summary !== 'object' || summary === null) return String(summary);
  const parts = Object.entries(summary)
    .filter(([, v]) => typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean')
    .map(([k, v]) => `${k}=${String(v)}`);
  return parts.length > 0 ? parts.join(' ') : JSON.stringify(summary);
}

/**
 * Runs the tool. `stop` lets in-process callers end `serve` the way SIGTERM does.
 */
export async function runArchiveCli(argv: readonly string[], io: CliIo, stop?: AbortSignal): Promise<number> {
  let code: number = ExitCode.Ok;
  const program = new Command(TOOL)
    .description(TOOL_HELP[TOOL].description)
    .version(versionText(TOOL).trimEnd(), '--version', "show the program's version number and exit")
    .addHelpText('after', `\nExamples:\n${TOOL_HELP[TOOL].examples.map((e) => `  ${e}\n`).join('')}`)
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: (s) => void io.stdout.write(s),
      writeErr: (s) => void io.stderr.write(s),
      outputError: (s, write) => {
        write(`${TOOL}: ${s.replace(/^error: /, '')}`);
      },
    });
  dbOptions(program.command('serve'))
    .description('serve the archive over HTTP until SIGINT/SIGTERM')
    .option('--host <addr>', 'interface to bind', '127.0.0.1')
    .option('--port <n>', 'TCP port, 0 for a free one', intIn(0, 65535), 8080)
    .option('--prefix <path>', 'mount prefix ("" for none)', parsePrefix, '/esmond')
    .option('--no-dns', 'do not resolve host names in source/destination filters')
    .option('--allow-ip <cidr>', 'address or CIDR allowed to write without a key (repeatable)', collect, [])
    .option('--trusted-proxy <cidr>', 'proxy whose X-Forwarded-For is believed (repeatable)', collect, [])
    .option('--public-url <url>', 'the URL clients use (scheme://host[:port]) for emitted links', publicUrlOf)
    .option('--allow-host <name>', 'Host header value believed besides the bound address (repeatable)', collect, [])
    .option(
      '--headers-timeout <s>',
      `seconds to receive request headers, then 408 (default ${sec(SERVER_LIMITS.headersTimeoutMs)})`,
      secondsOf,
    )
    .option(
      '--request-timeout <s>',
      `seconds to receive a whole request, then 408 (default ${sec(SERVER_LIMITS.requestTimeoutMs)})`,
      secondsOf,
    )
    .option(
      '--socket-timeout <s>',
      `seconds a connection may stay silent both ways (default ${sec(SERVER_LIMITS.socketTimeoutMs)})`,
      secondsOf,
    )
    .option(
      '--keep-alive-timeout <s>',
      `seconds an idle keep-alive connection stays open (default ${sec(SERVER_LIMITS.keepAliveMs)})`,
      secondsOf,
    )
    .option(
      '--max-connections <n>',
      `most open connections (default ${SERVER_LIMITS.maxConnections})`,
      intIn(1, 1_000_000),
    )
    .option(
      '--create',
      'create the SQLite file when it does not exist (default: refuse, a typo would serve an empty archive)',
    )
    .addOption(
      new Option('--log-format <format>', 'access log on stderr as text or JSON lines')
        .choices(LOG_FORMATS)
        .default('text'),
    )
    .addOption(
      new Option('--log-level <level>', 'least level logged (info logs every request, warn only problems)')
        .choices(LOG_LEVELS)
        .default('info'),
    )
    .action(async (flags: ServeFlags) => {
      code = await serve(flags, io, stop);
    });
  dbOptions(program.command('add-user'))
    .description('create a write user and print its API key')
    .argument('<name>', 'user name')
    .option('--key <key>', 'use this key instead of a generated one')
    .option('--rotate', 'give an existing user a new key (the old one stops working) and re-enable it')
    .action(async (name: string, flags: DbFlags & { key?: string; rotate?: boolean }) => {
      code = await addUser(name, flags, io);
    });
  dbOptions(program.command('disable-user'))
    .description("revoke a write user's key (add-user NAME --rotate gives the user a new key and re-enables it)")
    .argument('<name>', 'user name')
    .action(async (name: string, flags: DbFlags) => {
      code = await disableUser(name, flags, io);
    });
  dbOptions(program.command('list-users'))
    .description('list the write users and whether they are active')
    .option('--create', 'create the SQLite file when it does not exist')
    .action(async (flags: DbFlags & { create?: boolean }) => {
      code = await listUsers(flags, io);
    });
  dbOptions(program.command('seed'))
    .description('fill the archive with a synthetic measurement mesh')
    .option('--hosts <n>', 'number of hosts', intIn(1, 1000), 4)
    .option('--days <d>', 'days of history ending now (fractions allowed, 0 = metadata only)', daysOf, 1)
    .option('--seed <s>', 'PRNG seed', intIn(0, 2 ** 31 - 1), 1)
    .action(async (flags: DbFlags & { hosts: number; days: number; seed: number }) => {
      code = await seed(flags, io);
    });
  importOptions(program.command('import'))
    .description(
      'copy every metadata and its data from an esmond 4.x, elmond or perfSONAR 5 OpenSearch archive into this one',
    )
    .action(async (flags: ImportFlags) => {
      code = await runImport(flags, io);
    });

  if (argv.length === 0) {
    io.stderr.write(`${TOOL}: missing command (serve, add-user, seed or import); see --help\n`);
    return ExitCode.Usage;
  }
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return code;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version are successes; every other commander error is a usage error.
      return err.code === 'commander.helpDisplayed' || err.code === 'commander.version' ? ExitCode.Ok : ExitCode.Usage;
    }
    if (err instanceof UsageError) {
      io.stderr.write(`${TOOL}: ${err.message}\n`);
      return ExitCode.Usage;
    }
    io.stderr.write(`${TOOL}: ${err instanceof Error ? err.message : String(err)}\n`);
    return ExitCode.Failure;
  }
}

/** The tool entry point for the bin shim. */
export const run: ToolMain = (argv, io) => runArchiveCli(argv, io);
