/**
 * Tools made of subcommands (`esmond-ps-archive serve`, `add-user NAME`, …) on the one flag
 * system: each subcommand is a command line of its own (its flags as data, parsed by flags.ts,
 * its help rendered by help.ts) with its positional arguments and a step that validates the
 * flags into typed settings and runs. {@link runSubcommands} picks the subcommand, answers the
 * tool's own `--help`, `--version` and `help COMMAND`, and reports usage errors as every tool
 * does (usage line, then `<prog>: error: <message>`, exit 2).
 * @module
 */
import { ExitCode } from './exit-codes.js';
import {
  HELP_FLAG,
  helpTextOf,
  runCommandLine,
  startCommandLine,
  usageError,
  VERSION_FLAG,
  type CommandLine,
  type FlagDef,
  type FlagValues,
} from './flags.js';
import { OPTPARSE_LAYOUT } from './help.js';
import type { CliIo } from './io.js';
import { closest } from './suggest.js';

/** One subcommand: its name, arguments, flags and run step. */
export interface Subcommand<K extends string = string> {
  name: string;
  /** Its positional arguments as usage shows them (`NAME`); each one is required. */
  args: readonly string[];
  /** What it does, in one sentence: the tool's help lists it, its own help starts with it. */
  description: string;
  /** Its flags in `--help` order (`-h, --help` is added first). */
  flags: readonly FlagDef<K>[];
  /**
   * Validates the flags into typed settings and runs; resolves with the exit status. A
   * `UsageError` it throws is reported as a usage error of the subcommand, any other
   * error as a one-line failure (exit 1).
   */
  run(values: FlagValues<K>, args: readonly string[], io: CliIo): Promise<number>;
}

/** A subcommand with its flag keys checked against its own table. */
export function subcommand<K extends string>(c: Subcommand<K>): Subcommand {
  return c;
}

/** A tool made of subcommands. */
export interface SubcommandTool {
  /** The program name, e.g. `esmond-ps-archive`. */
  prog: string;
  commands: readonly Subcommand[];
}

/** The command line of one subcommand: `<prog> <name>` is its program name in usage and errors. */
export function subcommandLine(prog: string, c: Subcommand): CommandLine<string> {
  const flags = [HELP_FLAG, ...c.flags];
  return {
    prog: `${prog} ${c.name}`,
    usage: `%prog${c.args.map((a) => ` ${a}`).join('')} [options]`,
    flags,
    help: () => ({
      before: [{ text: c.description, layout: OPTPARSE_LAYOUT }],
      sections: [{ title: 'Options', entries: flags, layout: OPTPARSE_LAYOUT }],
    }),
  };
}

/** The tool's own command line: `--help` lists the subcommands, `--version`. */
function toolLine(tool: SubcommandTool): CommandLine<string> {
  const flags = [HELP_FLAG, VERSION_FLAG];
  const commands = [
    ...tool.commands.map((c) => ({ long: [c.name, ...c.args].join(' '), help: c.description })),
    { long: 'help [COMMAND]', help: 'Show the options of a command.' },
  ];
  return {
    prog: tool.prog,
    usage: '%prog COMMAND [options]',
    flags,
    help: () => ({
      sections: [
        { title: 'Commands', entries: commands, layout: OPTPARSE_LAYOUT },
        { title: 'Options', entries: flags, layout: OPTPARSE_LAYOUT },
      ],
      after: [{ text: `${tool.prog} COMMAND --help shows the options of a command.`, layout: OPTPARSE_LAYOUT }],
    }),
  };
}

/** The subcommand `name`, or the usage error that says there is none. */
function findCommand(tool: SubcommandTool, name: string, io: CliIo): Subcommand | ExitCode {
  const found = tool.commands.find((c) => c.name === name);
  if (found !== undefined) return found;
  const near = closest(name, [...tool.commands.map((c) => c.name), 'help']);
  const hint = near !== undefined ? ` (did you mean ${near}?)` : '';
  return usageError(toolLine(tool), io, `no such command: ${name}${hint}`);
}

/** Runs the subcommand `argv` names; resolves with the exit status. */
export async function runSubcommands(tool: SubcommandTool, argv: readonly string[], io: CliIo): Promise<number> {
  const top = toolLine(tool);
  const names = tool.commands.map((c) => c.name);
  const missing = `missing command (${names.slice(0, -1).join(', ')} or ${names.at(-1) ?? ''}); see --help`;
  const first = argv[0];
  if (first === undefined) return usageError(top, io, missing);
  if (first.startsWith('-')) {
    // The tool's own flags (`--help`, `--version`) come before any command.
    const values = startCommandLine(top, argv, io);
    return typeof values === 'number' ? values : usageError(top, io, missing);
  }
  if (first === 'help') {
    const name = argv[1];
    if (name === undefined) {
      io.stdout.write(helpTextOf(top, io.env));
      return ExitCode.Ok;
    }
    const c = findCommand(tool, name, io);
    if (typeof c === 'number') return c;
    io.stdout.write(helpTextOf(subcommandLine(tool.prog, c), io.env));
    return ExitCode.Ok;
  }
  const c = findCommand(tool, first, io);
  if (typeof c === 'number') return c;
  const line = subcommandLine(tool.prog, c);
  return runCommandLine(line, argv.slice(1), io, (values) => c.run(values, values.args(c.args), io), tool.prog);
}
