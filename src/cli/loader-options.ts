/**
 * What the three loaders share: the original spellings of their flags (`-U URL`, `-u USER`,
 * `-k KEY`, `-s script_alias`, `-l log_dir`, `-v`), and in {@link startLoader} the steps every
 * loader starts with — optparse-style parsing and errors, `--help`, the log destination, the
 * client — plus DNS. Flags are data; each tool lists its own beside these.
 * @module
 */
import { lookup } from 'node:dns/promises';
import { appendFileSync, existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pyJson } from '../format/python-repr.js';
import { createClient } from '../query/client.js';
import type { EsmondClient } from '../query/types.js';
import { HostTableBuilder, withHostTable, type HostResolver } from '../loaders/host-table.js';
import { createLoaderLog, type LoaderLog } from '../loaders/log.js';
import { normalizeArgv, type ArgSpec } from './abbrev.js';
import type { CliIo } from './io.js';
import { helpIntro, versionText } from './tool-help.js';

/** One flag: how it is spelled, what it does, and its help line. */
export interface LoaderFlag extends ArgSpec {
  /** Placeholder shown in help, for flags that take a value. */
  metavar?: string;
  /** The help line. */
  description: string;
}

/** The default archive of the originals. */
export const DEFAULT_URL = 'http://localhost:8000';

/** `-U/--url`: the archive (an alias inside the URL works, e.g. `http://host/esmond`). */
export const URL_FLAG: LoaderFlag = {
  short: '-U',
  long: '--url',
  takesValue: true,
  original: true,
  metavar: 'API_URL',
  description: `URL for the REST API (default=${DEFAULT_URL}) - required.`,
};
/** `-u/--user`: the write user (also `ESMOND_USER`). */
export const USER_FLAG: LoaderFlag = { short: '-u', long: '--user', takesValue: true, original: true, metavar: 'USER', description: 'POST interface username.' };
/** `-k/--key`: the API key (also `ESMOND_KEY`, which keeps it out of `ps`). */
export const KEY_FLAG: LoaderFlag = { short: '-k', long: '--key', takesValue: true, original: true, metavar: 'KEY', description: 'API key for POST operation.' };
/** `-s/--script_alias`: mount alias used when `-U` has no path; `/` means none. */
export const ALIAS_FLAG: LoaderFlag = {
  short: '-s',
  long: '--script_alias',
  takesValue: true,
  original: true,
  metavar: 'SCRIPT_ALIAS',
  description: 'Set the script_alias arg if the perfsonar API is configured to use one (default=/ which means none set).',
};
/** `-l/--log_dir`: append the log to `<dir>/<tool>.log` instead of stderr. */
export const LOG_DIR_FLAG: LoaderFlag = {
  short: '-l',
  long: '--log_dir',
  takesValue: true,
  original: true,
  metavar: 'LOGDIR',
  description: 'Write log output to specified directory - if not set, log goes to stderr.',
};
/** `-h/--help`. */
export const HELP_FLAG: LoaderFlag = {
  short: '-h',
  long: '--help',
  takesValue: false,
  original: true,
  help: true,
  description: 'show this help message and exit',
};

/** `--version`: every tool has it (added by {@link startLoader}). */
export const VERSION_FLAG: LoaderFlag = {
  long: '--version',
  takesValue: false,
  original: false,
  version: true,
  description: "show the program's version number and exit",
};

/** `--no-ssl-verify`: opt out of TLS verification (on by default, B12). */
export const NO_SSL_VERIFY_FLAG: LoaderFlag = {
  long: '--no-ssl-verify',
  takesValue: false,
  original: false,
  description: 'Do not verify the TLS certificate of the archive (verified by default).',
};
/** `--insecure`: alias of `--no-ssl-verify`, as in the query tools. */
export const INSECURE_FLAG: LoaderFlag = { long: '--insecure', takesValue: false, original: false, description: 'Same as --no-ssl-verify.' };

/**
 * The archive flags every loader offers, in the order their help lists them: `-U`, `-u`, `-k`,
 * `-s`, `--no-ssl-verify`, `--insecure`.
 */
export const ARCHIVE_FLAGS: readonly LoaderFlag[] = [URL_FLAG, USER_FLAG, KEY_FLAG, ALIAS_FLAG, NO_SSL_VERIFY_FLAG, INSECURE_FLAG];

/** `--resolve NAME=ADDRESS` (repeatable) and `--hosts FILE`: names answered before DNS. */
export const RESOLVE_FLAGS: readonly LoaderFlag[] = [
  {
    long: '--resolve',
    takesValue: true,
    original: false,
    metavar: 'NAME=ADDRESS',
    description: 'Use ADDRESS for host NAME instead of DNS (repeatable, once per family; like curl --resolve).',
  },
  {
    long: '--hosts',
    takesValue: true,
    original: false,
    metavar: 'FILE',
    description: 'Host names and addresses in hosts-file format ("ADDRESS NAME [ALIAS...]"), used instead of DNS for those names.',
  },
];

/** Parsed flags: every value of every flag given, by long name. */
export class LoaderArgs {
  constructor(
    private readonly values: Map<string, string[]>,
    readonly positional: string[],
  ) {}
  /** The last value given for a flag (optparse: last wins). */
  get(long: string): string | undefined {
    return this.values.get(long)?.at(-1);
  }
  /** Every value given for a flag, in order (repeatable flags). */
  all(long: string): readonly string[] {
    return this.values.get(long) ?? [];
  }
  /** How often a flag was given (for `-v`, `-vv`). */
  count(long: string): number {
    return this.values.get(long)?.length ?? 0;
  }
  has(long: string): boolean {
    return this.count(long) > 0;
  }
}

/** The outcome of {@link parseLoaderArgs}. */
type ParsedArgs = { kind: 'ok'; args: LoaderArgs } | { kind: 'help' } | { kind: 'version' } | { kind: 'error'; message: string };

/** optparse-compatible parsing (abbreviations, `--opt=value`, short clusters). */
function parseLoaderArgs(argv: readonly string[], flags: readonly LoaderFlag[]): ParsedArgs {
  const n = normalizeArgv(argv, flags);
  if (n.kind !== 'ok') return n;
  const values = new Map<string, string[]>();
  for (const a of n.argv) {
    const eq = a.indexOf('=');
    const long = eq >= 0 ? a.slice(0, eq) : a;
    const list = values.get(long) ?? [];
    list.push(eq >= 0 ? a.slice(eq + 1) : '');
    values.set(long, list);
  }
  return { kind: 'ok', args: new LoaderArgs(values, n.positional) };
}

/** optparse's error exit: usage and `<prog>: error: <message>` on stderr, status 2. */
function usageError(io: CliIo, prog: string, usage: string, message: string): number {
  io.stderr.write(`Usage: ${usage.replace(/%prog/g, prog)}\n\n${prog}: error: ${message}\n`);
  return 2;
}

/** optparse-style `--help` text. */
function helpText(prog: string, usage: string, flags: readonly LoaderFlag[]): string {
  const rows = flags.map((f) => {
    const value = f.takesValue ? `=${f.metavar ?? 'VALUE'}` : '';
    const names = [f.short ? `${f.short}${f.takesValue ? ` ${f.metavar ?? 'VALUE'}` : ''}` : undefined, `${f.long}${value}`]
      .filter((x) => x !== undefined)
      .join(', ');
    return [names, f.description] as const;
  });
  const width = Math.min(34, Math.max(...rows.map(([n]) => n.length)) + 4);
  const lines = rows.map(([n, h]) => (n.length + 2 < width ? `  ${n.padEnd(width - 2)}${h}` : `  ${n}\n${' '.repeat(width)}${h}`));
  return `Usage: ${usage.replace(/%prog/g, prog)}\n\n${helpIntro(prog)}\nOptions:\n${lines.join('\n')}\n`;
}

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
      : (line: string) => { appendFileSync(join(dir, `${prog}.log`), line); };
  return createLoaderLog(write, io.now);
}

/** The write user and API key from `-u`/`-k`, else `ESMOND_USER`/`ESMOND_KEY`; `''` when not given. */
function loaderCredentials(args: LoaderArgs, env: CliIo['env']): { user: string; key: string } {
  // ESMOND_USER / ESMOND_KEY keep the key off the command line (where `ps` shows it).
  return { user: args.get('--user') ?? env.ESMOND_USER ?? '', key: args.get('--key') ?? env.ESMOND_KEY ?? '' };
}

/**
 * A client for the loaders' flags. Writes are retried: the metadata POST is get-or-create and the
 * sink treats 409 as already stored, so a retried write cannot duplicate anything.
 */
function loaderClient(args: LoaderArgs, io: CliIo, requireCredentials = false): EsmondClient {
  const { user, key } = loaderCredentials(args, io.env);
  if (requireCredentials && (user === '' || key === '')) throw new Error('both --user and --key args are required.');
  const alias = args.get('--script_alias') ?? '/';
  return createClient({
    url: args.get('--url') ?? DEFAULT_URL,
    scriptAlias: alias,
    retry: { retryWrites: true },
    userAgent: 'esmond-client loaders',
    // Bodies as Python's json.dumps writes them: durations the archiver holds as floats go out as `30.0`.
    serializeBody: pyJson,
    ...(key !== '' ? { credentials: { apiKey: key, ...(user !== '' ? { username: user } : {}) } } : {}),
    ...(args.has('--no-ssl-verify') || args.has('--insecure') ? { tlsVerify: false } : {}),
  });
}

/** A loader's command line as its help and errors show it. */
export interface LoaderTool {
  /** The program name, e.g. `esmond-ps-pipe`. */
  prog: string;
  /** optparse usage line; `%prog` stands for the program name. */
  usage: string;
  flags: readonly LoaderFlag[];
}

/** A parsed loader command line, with the steps that need the tool's name and usage. */
export interface LoaderSession {
  args: LoaderArgs;
  /** An API key was given (`-k` or `ESMOND_KEY`): without one, posts go out unauthenticated. */
  hasApiKey: boolean;
  /** optparse's error exit for this tool (status 2). */
  usageError: (message: string) => number;
  /** The log: stderr, or `<log_dir>/<prog>.log` with `-l`. */
  openLog(): LoaderLog;
  /**
   * The archive client for the flags, or the status of the usage error already reported when
   * they cannot make one (bad URL; with `requireCredentials`, a missing user or key).
   */
  client(requireCredentials?: boolean): EsmondClient | number;
}

/**
 * The start every loader shares: parses `argv`, answers `--help` on stdout (status 0), reports
 * optparse errors and a missing `-l` directory as usage errors (status 2). Returns the session,
 * or the exit status when the tool is already done.
 */
export function startLoader(tool: LoaderTool, argv: readonly string[], io: CliIo): LoaderSession | number {
  const { prog, usage } = tool;
  const flags = [...tool.flags, VERSION_FLAG];
  const fail = (message: string): number => usageError(io, prog, usage, message);
  const parsed = parseLoaderArgs(argv, flags);
  if (parsed.kind === 'help') {
    io.stdout.write(helpText(prog, usage, flags));
    return 0;
  }
  if (parsed.kind === 'version') {
    io.stdout.write(versionText(prog));
    return 0;
  }
  if (parsed.kind === 'error') return fail(parsed.message);
  const args = parsed.args;
  // Tools without -l never have a value here, so the check passes for them.
  const logDir = args.get('--log_dir');
  const dirError = checkLogDir(logDir);
  if (dirError) return fail(dirError);
  return {
    args,
    hasApiKey: loaderCredentials(args, io.env).key !== '',
    usageError: fail,
    openLog: () => openLoaderLog(io, prog, logDir),
    client(requireCredentials = false) {
      try {
        return loaderClient(args, io, requireCredentials);
      } catch (err) {
        return fail((err as Error).message);
      }
    },
  };
}

/**
 * The resolver of a loader: the names of `--resolve` and `--hosts` from them, other names through
 * `fallback` (DNS).
 * @returns the resolver, or the message of a usage error (a malformed value, an unreadable file).
 */
export function loaderResolver(args: LoaderArgs, io: CliIo, fallback: HostResolver): HostResolver | { error: string } {
  const builder = new HostTableBuilder();
  for (const value of args.all('--resolve')) {
    const error = builder.addResolve(value);
    if (error !== undefined) return { error };
  }
  for (const file of args.all('--hosts')) {
    let text: string;
    try {
      text = readFileSync(resolve(io.cwd, file), 'utf8');
    } catch (err) {
      return { error: `option --hosts: cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}` };
    }
    const error = builder.addHostsFile(text, file);
    if (error !== undefined) return { error: `option --hosts: ${error}` };
  }
  return withHostTable(builder.build(), fallback);
}

/** DNS through the operating system's resolver, one address per family. */
export async function systemResolve(host: string, family: 4 | 6): Promise<string | undefined> {
  try {
    return (await lookup(host, { family })).address;
  } catch {
    return undefined;
  }
}
