/**
 * `esmond-ps-load-gridftp`: loads a GridFTP transfer log (NetLogger, or JSON with `-J`) into an
 * esmond archive, resuming where the last run stopped (the original GridFTP loader). Every flag of the
 * original, with its spelling; the state is JSON, written atomically after each stored batch.
 * @module
 */
import { existsSync } from 'node:fs';
import { normalize, resolve } from 'node:path';
import { LockedError, lockState, StateError } from '../loaders/checkpoint.js';
import { runGridftpLoad } from '../loaders/gridftp/run.js';
import { ArchiveSink } from '../loaders/sink.js';
import { ExitCode } from './exit-codes.js';
import { HELP_FLAG, type FlagDef } from './flags.js';
import type { CliIo, ToolMain } from './io.js';
import {
  ARCHIVE_FLAGS,
  LOG_DIR_FLAG,
  RESOLVE_FLAGS,
  startLoader,
  type LoaderDeps,
  type LoaderTool,
} from './loader-options.js';

const PROG = 'esmond-ps-load-gridftp';
const SENSITIVE = '(default=False since this might be sensitive data).';

const FLAGS = [
  HELP_FLAG,
  {
    key: 'file',
    short: '-f',
    long: '--file',
    type: 'string',
    metavar: 'FILENAME',
    help: 'Input filename.',
    original: true,
  },
  {
    key: 'stateFile',
    short: '-p',
    long: '--pickle_file',
    type: 'string',
    metavar: 'PICKLE',
    help: 'Path to the JSON state file (./load_grid_ftp.state.json or ./load_grid_ftp.json.state.json).',
    original: true,
  },
  {
    key: 'dontWrite',
    short: '-d',
    long: '--dont_write',
    type: 'flag',
    help: 'Do not write last position state file - can be used to process multiple files by hand, development, etc.',
    original: true,
  },
  {
    key: 'single',
    short: '-S',
    long: '--single',
    type: 'flag',
    help: 'Only load a single record - used for development.',
    original: true,
  },
  {
    key: 'deleteState',
    short: '-D',
    long: '--delete_state',
    type: 'flag',
    help: 'Delete state file from disc after concluding run.',
    original: true,
  },
  LOG_DIR_FLAG,
  ...ARCHIVE_FLAGS,
  {
    key: 'fileAttr',
    short: '-F',
    long: '--file_attr',
    type: 'flag',
    help: `Include the gridftp file information when sending data to esmond ${SENSITIVE}`,
    original: true,
  },
  {
    key: 'nameAttr',
    short: '-N',
    long: '--name_attr',
    type: 'flag',
    help: `Include the gridftp user (name) information when sending data to esmond ${SENSITIVE}`,
    original: true,
  },
  {
    key: 'volumeAttr',
    short: '-V',
    long: '--volume_attr',
    type: 'flag',
    help: `Include the gridftp volume information when sending data to esmond ${SENSITIVE}`,
    original: true,
  },
  {
    key: 'verbose',
    short: '-v',
    long: '--verbose',
    type: 'flag',
    help: 'Verbose output - -v, -vv, etc. (logs every stored batch).',
    original: true,
  },
  {
    key: 'noProgress',
    short: '-P',
    long: '--no-progress',
    type: 'flag',
    help: 'Suppress processing progress messages to console (default: on).',
    original: true,
  },
  { key: 'json', short: '-J', long: '--json', type: 'flag', help: 'Read JSON formatted GridFTP logs.', original: true },
  {
    key: 'batchSize',
    long: '--batch-size',
    type: 'int',
    metavar: 'N',
    default: '200',
    help: 'Transfers stored per batch; the state moves after each stored batch (default=200).',
    original: false,
  },
  ...RESOLVE_FLAGS,
] as const satisfies readonly FlagDef[];

const TOOL: LoaderTool<(typeof FLAGS)[number]['key']> = {
  prog: PROG,
  usage: '%prog [ -f filename | -v ]',
  flags: FLAGS,
};

/** Builds the tool with its dependencies. */
export function makeLoadGridftp(deps: LoaderDeps = {}): ToolMain {
  return async (argv: readonly string[], io: CliIo): Promise<number> => {
    const session = startLoader(TOOL, argv, io);
    if (typeof session === 'number') return session;
    const { args, usageError } = session;
    const fileArg = args.string('file');
    if (fileArg === undefined || fileArg === '') return usageError('Filename is required.');
    const file = resolve(io.cwd, fileArg);
    if (!existsSync(file)) return usageError(`${file} does not exist`);
    // Number(), not the Python int syntax: `--batch-size 010` has always meant 10.
    const batchSize = Number(args.string('batchSize'));
    if (!Number.isInteger(batchSize) || batchSize < 1)
      return usageError('option --batch-size: must be a positive integer');
    const json = args.flag('json');
    const resolveHost = session.resolver(deps.resolve);
    if (typeof resolveHost === 'number') return resolveHost;
    const statePath = normalize(
      resolve(
        io.cwd,
        args.string('stateFile') || (json ? 'load_grid_ftp.json.state.json' : 'load_grid_ftp.state.json'),
      ),
    );

    const log = session.openLog();
    const client = session.client();
    if (typeof client === 'number') return client;
    if (!session.hasApiKey) log('main.warn', 'api_key not set (-k or ESMOND_KEY) - posts are sent without credentials');
    let unlock: (() => void) | undefined;
    try {
      unlock = args.flag('dontWrite') ? undefined : lockState(statePath);
      const result = await runGridftpLoad({
        file,
        statePath,
        format: json ? 'json' : 'netlogger',
        write: !args.flag('dontWrite'),
        single: args.flag('single'),
        deleteState: args.flag('deleteState'),
        progress: !args.flag('noProgress'),
        verbose: args.flag('verbose'),
        privacy: { file: args.flag('fileAttr'), user: args.flag('nameAttr'), volume: args.flag('volumeAttr') },
        batchSize,
        resolve: resolveHost,
        sink: new ArchiveSink(client, { batchWrites: true }),
        log,
        now: io.now,
      });
      log(
        'main.end',
        `transfers=${result.transfers} stored=${result.stored} values=${result.written} duplicates=${result.duplicates} ` +
          `malformed=${result.malformed} unresolved=${result.unresolved} refused=${result.refused}`,
      );
      if (!result.failed) return ExitCode.Ok;
      // With -l the log is in a file: cron still hears why the run stopped.
      if (args.string('logDir')) io.stderr.write(`${PROG}: ${result.reason ?? 'stopped'}\n`);
      return ExitCode.Failure;
    } catch (err) {
      if (err instanceof StateError || err instanceof LockedError) {
        io.stderr.write(`${PROG}: ${err.message}\n`);
        return ExitCode.Failure;
      }
      throw err;
    } finally {
      unlock?.();
      await client.close();
    }
  };
}

/** The tool as the bin shim runs it. */
export const run: ToolMain = makeLoadGridftp();
