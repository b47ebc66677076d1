/**
 * The one flag system of the tools: flags as data ({@link FlagDef}), one parser
 * ({@link parseFlags}: optparse's semantics, see abbrev.ts), and {@link startCommandLine}, the
 * steps every tool starts with — parse, answer `--help` and `--version`, report a parser error
 * in optparse's words. A tool's table is shared groups plus its own flags; its validation step
 * turns the parsed {@link FlagValues} into the typed settings it runs with.
 * @module
 */
import { pyStrRepr } from '../model/python-str.js';
import { normalizeArgv, parsePythonInt, type ArgSpec } from './abbrev.js';
import { ExitCode } from './exit-codes.js';
import { renderHelp, type HelpDoc } from './help.js';
import type { CliIo } from './io.js';
import { versionText } from './tool-help.js';

/**
 * What a flag takes: nothing (`flag`; given twice, it counts), one text (`string`, the last
 * given wins), every text given (`list`), or an integer — optparse's `type="int"` (`int`: Python
 * syntax, `0x1f`, `-5`) or plain digits (`uint`).
 */
export type FlagType = 'flag' | 'string' | 'list' | 'int' | 'uint';

/** One flag, as data: how it is spelled, what it takes, and its help line. */
export interface FlagDef<K extends string = string> {
  /**
   * Where the value lands in {@link FlagValues}. Two flags with one key are aliases that keep
   * their own help lines (`--insecure` and `--no-ssl-verify`).
   */
  readonly key: K;
  /** `-u`, when the flag has a short form. */
  readonly short?: string;
  /** `--url`: the name the help shows and the parser matches prefixes of. */
  readonly long: string;
  readonly type: FlagType;
  /** The placeholder of the value in help (optparse: `dest.upper()`). */
  readonly metavar?: string;
  /** The help line (wrapped by the section's layout). */
  readonly help: string;
  /**
   * In the original tool's option set: such flags win prefix matching, so every abbreviation
   * that worked with the original still means what it meant.
   */
  readonly original: boolean;
  /** The value when the flag is not given, as it would be typed. */
  readonly default?: string;
  /** `-h/--help` and `--version` stop parsing at once. */
  readonly role?: 'help' | 'version';
}

/** The keys of a flag table. */
export type KeyOf<T extends readonly FlagDef[]> = T[number]['key'];

/** The flags of `table` with the given keys, in the table's order (a group shared by tools that differ). */
export function pickFlags<T extends FlagDef, K extends T['key']>(
  table: readonly T[],
  keys: readonly K[],
): Extract<T, { key: K }>[] {
  return table.filter((d): d is Extract<T, { key: K }> => (keys as readonly string[]).includes(d.key));
}

/** `-h, --help` (in every optparse tool). */
export const HELP_FLAG = {
  key: 'help',
  short: '-h',
  long: '--help',
  type: 'flag',
  help: 'show this help message and exit',
  original: true,
  role: 'help',
} as const satisfies FlagDef;

/** `--version` (every tool). */
export const VERSION_FLAG = {
  key: 'version',
  long: '--version',
  type: 'flag',
  help: "show the program's version number and exit",
  original: false,
  role: 'version',
} as const satisfies FlagDef;

/**
 * `--no-ssl-verify` and its alias `--insecure` (every tool that reads or writes an archive): TLS
 * is verified unless one of them is given. `help` is the first one's help line.
 */
export function noSslVerifyFlags(help: string) {
  return [
    { key: 'noSslVerify', long: '--no-ssl-verify', type: 'flag', help, original: false },
    { key: 'noSslVerify', long: '--insecure', type: 'flag', help: 'Same as --no-ssl-verify.', original: false },
  ] as const satisfies readonly FlagDef[];
}

/**
 * A usage error a tool's validation step finds after parsing (a value out of range, a missing
 * required flag): the tool reports it as {@link usageError} does (exit 2).
 */
export class UsageError extends Error {}

/** The flags given on a command line, by key, and the positional arguments. */
export class FlagValues<K extends string = string> {
  constructor(
    // Keyed by string, so that the values of a larger table pass where a part of it is read.
    private readonly defs: ReadonlyMap<string, FlagDef>,
    private readonly values: ReadonlyMap<string, readonly string[]>,
    /** The arguments that are not flags (and all after `--`), in order. */
    readonly positional: readonly string[],
  ) {}

  /** The last value given (optparse: the last wins), else the flag's default. */
  string(key: K): string | undefined {
    return this.values.get(key)?.at(-1) ?? this.defs.get(key)?.default;
  }

  /** Every value given, in order (repeatable flags). */
  list(key: K): readonly string[] {
    return this.values.get(key) ?? [];
  }

  /** The integer value ({@link string} parsed as the flag's type says; the parser checked it). */
  int(key: K): number | undefined {
    const text = this.string(key);
    if (text === undefined) return undefined;
    return this.defs.get(key)?.type === 'uint' ? Number(text) : parsePythonInt(text);
  }

  /** Whether the flag was given. */
  flag(key: K): boolean {
    return this.count(key) > 0;
  }

  /** How often the flag was given (`-v`, `-vv`). */
  count(key: K): number {
    return this.values.get(key)?.length ?? 0;
  }

  /**
   * The integer value, checked to be from `min` to `max` (the parser checked it is an integer).
   * @throws UsageError when it is out of range
   */
  intIn(key: K, min: number, max: number): number | undefined {
    const n = this.int(key);
    if (n !== undefined && (n < min || n > max))
      throw new UsageError(`option ${this.nameOf(key)}: expected an integer from ${min} to ${max}, not ${n}`);
    return n;
  }

  /**
   * A decimal number (fractions allowed), checked to be above `min` (or at least `min`, with
   * `minIncluded`) and at most `max`; `unit` names it in the message (`seconds`, `days`).
   * @throws UsageError when it is not such a number
   */
  numberIn(key: K, unit: string, range: { min: number; minIncluded: boolean; max: number }): number | undefined {
    const text = this.string(key);
    if (text === undefined) return undefined;
    const n = Number(text);
    const { min, minIncluded, max } = range;
    if (text.trim() === '' || !Number.isFinite(n) || (minIncluded ? n < min : n <= min) || n > max) {
      const bounds = minIncluded ? `from ${min} to ${max}` : `above ${min} and at most ${max}`;
      throw new UsageError(
        `option ${this.nameOf(key)}: expected a number of ${unit} ${bounds}, not ${pyStrRepr(text)}`,
      );
    }
    return n;
  }

  /**
   * The value, checked to be one of `choices` (optparse's `type="choice"` and its message).
   * @throws UsageError when it is not
   */
  choice<C extends string>(key: K, choices: readonly C[]): C | undefined {
    const text = this.string(key);
    if (text === undefined) return undefined;
    const found = choices.find((c) => c === text);
    if (found === undefined) {
      const listed = choices.map(pyStrRepr).join(', ');
      throw new UsageError(`option ${this.nameOf(key)}: invalid choice: ${pyStrRepr(text)} (choose from ${listed})`);
    }
    return found;
  }

  /**
   * The positional arguments, checked to be exactly those `names` says (`['NAME']`; none: `[]`).
   * @throws UsageError for a missing or an unexpected argument
   */
  args(names: readonly string[]): readonly string[] {
    const missing = names[this.positional.length];
    if (missing !== undefined) throw new UsageError(`missing argument ${missing}`);
    const extra = this.positional[names.length];
    if (extra !== undefined) throw new UsageError(`unexpected argument ${pyStrRepr(extra)}`);
    return this.positional;
  }

  /** The flag's long name, for messages. */
  private nameOf(key: K): string {
    return this.defs.get(key)?.long ?? key;
  }
}

/** The outcome of {@link parseFlags}. */
export type ParsedFlags<K extends string> =
  { kind: 'ok'; values: FlagValues<K> } | { kind: 'help' } | { kind: 'version' } | { kind: 'error'; message: string };

/** What the optparse pre-pass needs to know of a flag. */
function argSpecOf(d: FlagDef): ArgSpec {
  return {
    ...(d.short !== undefined ? { short: d.short } : {}),
    long: d.long,
    takesValue: d.type !== 'flag',
    ...(d.type === 'int' ? { int: 'python' as const } : d.type === 'uint' ? { int: 'digits' as const } : {}),
    original: d.original,
    ...(d.role === 'help' ? { help: true } : {}),
    ...(d.role === 'version' ? { version: true } : {}),
  };
}

/**
 * Parses `argv` against a flag table with optparse's semantics: unique prefixes of long flags,
 * `--flag=value`, short clusters (`-Iv`, `-uURL`), integer checks, optparse's error messages.
 */
export function parseFlags<K extends string>(argv: readonly string[], table: readonly FlagDef<K>[]): ParsedFlags<K> {
  const n = normalizeArgv(argv, table.map(argSpecOf));
  if (n.kind !== 'ok') return n;
  const byLong = new Map(table.map((d) => [d.long, d]));
  const values = new Map<K, string[]>();
  for (const arg of n.argv) {
    // normalizeArgv writes `--long=value` or `--long`; long names have no `=`.
    const eq = arg.indexOf('=');
    const def = byLong.get(eq >= 0 ? arg.slice(0, eq) : arg);
    if (def === undefined) continue;
    const list = values.get(def.key) ?? [];
    list.push(eq >= 0 ? arg.slice(eq + 1) : '');
    values.set(def.key, list);
  }
  return { kind: 'ok', values: new FlagValues(new Map(table.map((d) => [d.key, d])), values, n.positional) };
}

/** A tool's command line: its name, usage line, flag table and help. */
export interface CommandLine<K extends string> {
  /** The program name, e.g. `esmond-ps-get`. */
  prog: string;
  /** optparse's usage; `%prog` stands for the program name. */
  usage: string;
  /** Every flag, in no particular order (the help's sections give the order shown). */
  flags: readonly FlagDef<K>[];
  /** The help text (the tool's sections and paragraphs), for the environment's `COLUMNS`. */
  help: (env: CliIo['env']) => HelpDoc;
}

/** `Usage: <usage>` with the program name filled in. */
export function usageLine(cl: Pick<CommandLine<string>, 'prog' | 'usage'>): string {
  return `Usage: ${cl.usage.replace(/%prog/g, cl.prog)}`;
}

/** The `--help` text of a command line. */
export function helpTextOf(cl: CommandLine<string>, env: CliIo['env']): string {
  return renderHelp(usageLine(cl), cl.prog, cl.help(env), env);
}

/** optparse's error exit: usage and `<prog>: error: <message>` on stderr; returns {@link ExitCode.Usage}. */
export function usageError(cl: Pick<CommandLine<string>, 'prog' | 'usage'>, io: CliIo, message: string): ExitCode {
  io.stderr.write(`${usageLine(cl)}\n\n${cl.prog}: error: ${message}\n`);
  return ExitCode.Usage;
}

/**
 * The start every tool shares: parses `argv`; answers `--help` and `--version` on stdout
 * (status 0) and reports a parser error as a usage error (status 2).
 * @returns the parsed flags, or the exit status when the tool is already done
 */
export function startCommandLine<K extends string>(
  cl: CommandLine<K>,
  argv: readonly string[],
  io: CliIo,
): FlagValues<K> | ExitCode {
  const parsed = parseFlags(argv, cl.flags);
  switch (parsed.kind) {
    case 'help':
      io.stdout.write(helpTextOf(cl, io.env));
      return ExitCode.Ok;
    case 'version':
      io.stdout.write(versionText(cl.prog));
      return ExitCode.Ok;
    case 'error':
      return usageError(cl, io, parsed.message);
    case 'ok':
      return parsed.values;
  }
}

/**
 * A tool's whole run on its command line: {@link startCommandLine}, then `run` with the parsed
 * flags (it validates them into typed settings and does the work). A {@link UsageError} it
 * throws is reported as a usage error (exit 2); any other error as one line
 * `<failurePrefix>: <message>` on stderr (exit 1).
 */
export async function runCommandLine<K extends string>(
  cl: CommandLine<K>,
  argv: readonly string[],
  io: CliIo,
  run: (values: FlagValues<K>) => Promise<number>,
  failurePrefix: string = cl.prog,
): Promise<number> {
  const values = startCommandLine(cl, argv, io);
  if (typeof values === 'number') return values;
  try {
    return await run(values);
  } catch (err) {
    if (err instanceof UsageError) return usageError(cl, io, err.message);
    io.stderr.write(`${failurePrefix}: ${err instanceof Error ? err.message : String(err)}\n`);
    return ExitCode.Failure;
  }
}
