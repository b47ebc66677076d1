/**
 * What the three loaders share: the flag groups with the original spellings (`-U URL`, `-u
 * USER`, `-k KEY`, `-s script_alias`, `-l log_dir`), and in {@link startLoader} the steps every
 * loader starts with — the shared start of flags.ts, the log destination, the client — plus
 * DNS. Each tool's table is these groups and its own flags.
 * @module
 */
import { appendFileSync, existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pyJson } from '../format/python-repr.js';
import { createClient } from '../client.js';
import type { EsmondClient } from '../query/types.js';
import { HostTableBuilder, withHostTable, type HostResolver } from '../loaders/host-table.js';
import { createLoaderLog, type LoaderLog } from '../loaders/log.js';
import { DEFAULT_SINK_CONCURRENCY } from '../loaders/sink.js';
import { systemForwardResolver } from '../util/dns.js';
import type { ExitCode } from './exit-codes.js';
import {
  noSslVerifyFlags,
  startCommandLine,
  usageError,
  VERSION_FLAG,
  type CommandLine,
  type FlagDef,
  type FlagValues,
  type KeyOf,
} from './flags.js';
import type { HelpLayout } from './help.js';
import type { CliIo } from './io.js';

/** The default archive of the originals. */
export const DEFAULT_URL = 'http://localhost:8000';

/** `-l/--log_dir`: append the log to `<dir>/<tool>.log` instead of stderr. */
export const LOG_DIR_FLAG = {
  key: 'logDir',
  short: '-l',
  long: '--log_dir',
  type: 'string',
  metavar: 'LOGDIR',
  help: 'Write log output to specified directory - if not set, log goes to stderr.',
  original: true,
} as const satisfies FlagDef;

/**
 * The archive flags every loader offers, in the order their help lists them: `-U` (an alias
 * inside the URL works, e.g. `http://host/esmond`), `-u`/`-k` (also `ESMOND_USER`/`ESMOND_KEY`,
 * which keep the key out of `ps`), `-s` (mount alias used when `-U` has no path; `/` means none),
 * and opting out of TLS verification (on by default).
 */
export const ARCHIVE_FLAGS = [
  {
    key: 'url',
    short: '-U',
    long: '--url',
    type: 'string',
    metavar: 'API_URL',
    default: DEFAULT_URL,
    help: `URL for the REST API (default=${DEFAULT_URL}) - required.`,
    original: true,
  },
  {
    key: 'user',
    short: '-u',
    long: '--user',
    type: 'string',
    metavar: 'USER',
    help: 'POST interface username.',
    original: true,
  },
  {
    key: 'key',
    short: '-k',
    long: '--key',
    type: 'string',
    metavar: 'KEY',
    help: 'API key for POST operation.',
    original: true,
  },
  {
    key: 'scriptAlias',
    short: '-s',
    long: '--script_alias',
    type: 'string',
    metavar: 'SCRIPT_ALIAS',
    default: '/',
    help: 'Set the script_alias arg if the perfsonar API is configured to use one (default=/ which means none set).',
    original: true,
  },
  ...noSslVerifyFlags('Do not verify the TLS certificate of the archive (verified by default).'),
] as const satisfies readonly FlagDef[];

/** `--resolve NAME=ADDRESS` (repeatable) and `--hosts FILE`: names answered before DNS. */
export const RESOLVE_FLAGS = [
  {
    key: 'resolve',
    long: '--resolve',
    type: 'list',
    metavar: 'NAME=ADDRESS',
    help: 'Use ADDRESS for host NAME instead of DNS (repeatable, once per family; like curl --resolve).',
    original: false,
  },
  {
    key: 'hosts',
    long: '--hosts',
    type: 'list',
    metavar: 'FILE',
    help: 'Host names and addresses in hosts-file format ("ADDRESS NAME [ALIAS...]"), used instead of DNS for those names.',
    original: false,
  },
] as const satisfies readonly FlagDef[];

/** The keys of the loaders' shared flags. */
export type LoaderKey = KeyOf<typeof ARCHIVE_FLAGS> | KeyOf<typeof RESOLVE_FLAGS> | 'logDir' | 'help' | 'version';

/** The loaders' help layout: one line per flag, never wrapped, help from column 34 at most. */
const LOADER_LAYOUT: HelpLayout = { width: 'none', helpPosition: { max: 34 }, gap: 1, wrap: 'python' };

/** `-l DIR` must exist (checked first, as the originals do). */
function checkLogDir(dir: string | undefined): string | undefined {
  if (dir === undefined || dir === '') return undefined;
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return `${dir} log path does not exist.`;
  return undefined;
}

/** The log: stderr, or appended to `<dir>/<prog>.log` with `-l`. */
function openLoaderLog(io: CliIo, prog: string, dir: string | undefined): LoaderLog {
  const write =
    dir === undefined || dir === ''
      ? (line: string) => void io.stderr.write(line)
      : (line: string) => {
          appendFileSync(join(dir, `${prog}.log`), line);
        };
  return createLoaderLog(write, io.now);
}

/** The write user and API key from `-u`/`-k`, else `ESMOND_USER`/`ESMOND_KEY`; `''` when not given. */
function loaderCredentials(args: FlagValues<LoaderKey>, env: CliIo['env']): { user: string; key: string } {
  // ESMOND_USER / ESMOND_KEY keep the key off the command line (where `ps` shows it).
  return { user: args.string('user') ?? env.ESMOND_USER ?? '', key: args.string('key') ?? env.ESMOND_KEY ?? '' };
}

/**
 * A client for the loaders' flags. Writes are retried: the metadata POST is get-or-create and the
 * sink treats 409 as already stored, so a retried write cannot duplicate anything.
 */
function loaderClient(args: FlagValues<LoaderKey>, io: CliIo, requireCredentials = false): EsmondClient {
  const { user, key } = loaderCredentials(args, io.env);
  if (requireCredentials && (user === '' || key === '')) throw new Error('both --user and --key args are required.');
  return createClient({
    url: args.string('url') ?? DEFAULT_URL,
    scriptAlias: args.string('scriptAlias') ?? '/',
    retry: { retryWrites: true },
    // A socket for each metadata the sink stores at once.
    connections: DEFAULT_SINK_CONCURRENCY,
    userAgent: 'esmond-client loaders',
    // Bodies as Python's json.dumps writes them: durations the archiver holds as floats go out as `30.0`.
    serializeBody: pyJson,
    ...(key !== '' ? { credentials: { apiKey: key, ...(user !== '' ? { username: user } : {}) } } : {}),
    ...(args.flag('noSslVerify') ? { tlsVerify: false } : {}),
  });
}

/** A loader's command line as its help and errors show it. */
export interface LoaderTool<K extends string> {
  /** The program name, e.g. `esmond-ps-pipe`. */
  prog: string;
  /** optparse usage line; `%prog` stands for the program name. */
  usage: string;
  /** The flags in `--help` order (`--version` is added last). */
  flags: readonly FlagDef<K | LoaderKey>[];
}

/** A parsed loader command line, with the steps that need the tool's name and usage. */
export interface LoaderSession<K extends string> {
  args: FlagValues<K | LoaderKey>;
  /** An API key was given (`-k` or `ESMOND_KEY`): without one, posts go out unauthenticated. */
  hasApiKey: boolean;
  /** optparse's error exit for this tool ({@link ExitCode.Usage}). */
  usageError: (message: string) => ExitCode;
  /** The log: stderr, or `<log_dir>/<prog>.log` with `-l`. */
  openLog(): LoaderLog;
  /**
   * The archive client for the flags, or the status of the usage error already reported when
   * they cannot make one (bad URL; with `requireCredentials`, a missing user or key).
   */
  client(requireCredentials?: boolean): EsmondClient | ExitCode;
  /**
   * The host resolver of `--resolve`/`--hosts`, asking `fallback` (else the system's DNS) for
   * other names; or the status of the usage error already reported (a malformed value, an
   * unreadable file).
   */
  resolver(fallback: HostResolver | undefined): HostResolver | ExitCode;
}

/** Replaceable parts of a loader that resolves host names, for tests. */
export interface LoaderDeps {
  /** DNS for the names `--resolve`/`--hosts` do not answer. @defaultValue the system resolver */
  resolve?: HostResolver;
}

/**
 * The start every loader shares: {@link startCommandLine} (`--help`, `--version`, parser
 * errors), then a missing `-l` directory as a usage error. Returns the session, or the exit
 * status when the tool is already done.
 */
export function startLoader<K extends string>(
  tool: LoaderTool<K>,
  argv: readonly string[],
  io: CliIo,
): LoaderSession<K> | ExitCode {
  const flags = [...tool.flags, VERSION_FLAG];
  const cl: CommandLine<K | LoaderKey> = {
    prog: tool.prog,
    usage: tool.usage,
    flags,
    help: () => ({ sections: [{ title: 'Options', entries: flags, layout: LOADER_LAYOUT }] }),
  };
  const fail = (message: string): ExitCode => usageError(cl, io, message);
  const args = startCommandLine(cl, argv, io);
  if (typeof args === 'number') return args;
  // Tools without -l never have a value here, so the check passes for them.
  const logDir = args.string('logDir');
  const dirError = checkLogDir(logDir);
  if (dirError) return fail(dirError);
  return {
    args,
    hasApiKey: loaderCredentials(args, io.env).key !== '',
    usageError: fail,
    openLog: () => openLoaderLog(io, tool.prog, logDir),
    client(requireCredentials = false) {
      try {
        return loaderClient(args, io, requireCredentials);
      } catch (err) {
        return fail((err as Error).message);
      }
    },
    resolver(fallback) {
      const resolver = loaderResolver(args, io, fallback ?? systemResolverOf(io));
      return 'error' in resolver ? fail(resolver.error) : resolver;
    },
  };
}

/**
 * The resolver of a loader: the names of `--resolve` and `--hosts` from them, other names through
 * `fallback` (DNS).
 * @returns the resolver, or the message of a usage error (a malformed value, an unreadable file).
 */
function loaderResolver(
  args: FlagValues<LoaderKey>,
  io: CliIo,
  fallback: HostResolver,
): HostResolver | { error: string } {
  const builder = new HostTableBuilder();
  for (const value of args.list('resolve')) {
    const error = builder.addResolve(value);
    if (error !== undefined) return { error };
  }
  for (const file of args.list('hosts')) {
    let text: string;
    try {
      text = readFileSync(resolve(io.cwd, file), 'utf8');
    } catch (err) {
      return {
        error: `option --hosts: cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
      };
    }
    const error = builder.addHostsFile(text, file);
    if (error !== undefined) return { error: `option --hosts: ${error}` };
  }
  return withHostTable(builder.build(), fallback);
}

/**
 * The DNS a loader falls back to for names `--resolve`/`--hosts` do not answer: the injected
 * `io.dns` (tests), else the system resolver, each lookup time-limited.
 */
function systemResolverOf(io: Pick<CliIo, 'dns'>): HostResolver {
  return io.dns?.forward ?? systemForwardResolver();
}
