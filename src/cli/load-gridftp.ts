/**
 * `esmond-ps-load-gridftp`: loads a GridFTP transfer log (NetLogger, or JSON with `-J`) into an
 * esmond archive, resuming where the last run stopped (client spec §7). Every flag of the
 * original, with its spelling; the state is JSON, written atomically after each stored batch.
 * @module
 */
import { existsSync } from 'node:fs';
import { normalize, resolve } from 'node:path';
import { LockedError, lockState, StateError } from '../loaders/checkpoint.js';
import { runGridftpLoad, type HostResolver } from '../loaders/gridftp/run.js';
import { ArchiveSink } from '../loaders/sink.js';
import type { CliIo, ToolMain } from './io.js';
import {
  ARCHIVE_FLAGS,
  HELP_FLAG,
  LOG_DIR_FLAG,
  loaderResolver,
  RESOLVE_FLAGS,
  startLoader,
  systemResolve,
  type LoaderFlag,
  type LoaderTool,
} from './loader-options.js';

const PROG = 'esmond-ps-load-gridftp';
const SENSITIVE = '(default=False since this might be sensitive data).';

const FLAGS: readonly LoaderFlag[] = [
  HELP_FLAG,
  { short: '-f', long: '--file', takesValue: true, original: true, metavar: 'FILENAME', description: 'Input filename.' },
  {
    short: '-p',
    long: '--pickle_file',
    takesValue: true,
    original: true,
    metavar: 'PICKLE',
    description: 'Path to the JSON state file (./load_grid_ftp.state.json or ./load_grid_ftp.json.state.json).',
  },
  {
    short: '-d',
    long: '--dont_write',
    takesValue: false,
    original: true,
    description: 'Do not write last position state file - can be used to process multiple files by hand, development, etc.',
  },
  { short: '-S', long: '--single', takesValue: false, original: true, description: 'Only load a single record - used for development.' },
  { short: '-D', long: '--delete_state', takesValue: false, original: true, description: 'Delete state file from disc after concluding run.' },
  LOG_DIR_FLAG,
  ...ARCHIVE_FLAGS,
  { short: '-F', long: '--file_attr', takesValue: false, original: true, description: `Include the gridftp file information when sending data to esmond ${SENSITIVE}` },
  { short: '-N', long: '--name_attr', takesValue: false, original: true, description: `Include the gridftp user (name) information when sending data to esmond ${SENSITIVE}` },
  { short: '-V', long: '--volume_attr', takesValue: false, original: true, description: `Include the gridftp volume information when sending data to esmond ${SENSITIVE}` },
  { short: '-v', long: '--verbose', takesValue: false, original: true, description: 'Verbose output - -v, -vv, etc. (logs every stored batch).' },
  { short: '-P', long: '--no-progress', takesValue: false, original: true, description: 'Suppress processing progress messages to console (default: on).' },
  { short: '-J', long: '--json', takesValue: false, original: true, description: 'Read JSON formatted GridFTP logs.' },
  {
    long: '--batch-size',
    takesValue: true,
    int: true,
    original: false,
    metavar: 'N',
    description: 'Transfers stored per batch; the state moves after each stored batch (default=200).',
  },
  ...RESOLVE_FLAGS,
];

const TOOL: LoaderTool = { prog: PROG, usage: '%prog [ -f filename | -v ]', flags: FLAGS };

/** Replaceable parts, for tests. */
export interface LoadGridftpDeps {
  /** DNS for the server's host name. @defaultValue the system resolver */
  resolve?: HostResolver;
}

/** Builds the tool with its dependencies. */
export function makeLoadGridftp(deps: LoadGridftpDeps = {}): ToolMain {
  return async (argv: readonly string[], io: CliIo): Promise<number> => {
    const session = startLoader(TOOL, argv, io);
    if (typeof session === 'number') return session;
    const { args, usageError } = session;
    const fileArg = args.get('--file');
    if (fileArg === undefined || fileArg === '') return usageError('Filename is required.');
    const file = resolve(io.cwd, fileArg);
    if (!existsSync(file)) return usageError(`${file} does not exist`);
    const batchText = args.get('--batch-size');
    const batchSize = batchText === undefined ? 200 : Number(batchText);
    if (!Number.isInteger(batchSize) || batchSize < 1) return usageError('option --batch-size: must be a positive integer');
    const json = args.has('--json');
    const resolveHost = loaderResolver(args, io, deps.resolve ?? systemResolve);
    if ('error' in resolveHost) return usageError(resolveHost.error);
    const statePath = normalize(resolve(io.cwd, args.get('--pickle_file') || (json ? 'load_grid_ftp.json.state.json' : 'load_grid_ftp.state.json')));

    const log = session.openLog();
    const client = session.client();
    if (typeof client === 'number') return client;
    if (!session.hasApiKey) log('main.warn', 'api_key not set (-k or ESMOND_KEY) - posts are sent without credentials');
    let unlock: (() => void) | undefined;
    try {
      unlock = args.has('--dont_write') ? undefined : lockState(statePath);
      const result = await runGridftpLoad({
        file,
        statePath,
        format: json ? 'json' : 'netlogger',
        write: !args.has('--dont_write'),
        single: args.has('--single'),
        deleteState: args.has('--delete_state'),
        progress: !args.has('--no-progress'),
        verbose: args.has('--verbose'),
        privacy: { file: args.has('--file_attr'), user: args.has('--name_attr'), volume: args.has('--volume_attr') },
        batchSize,
        resolve: resolveHost,
        sink: new ArchiveSink(client),
        log,
        now: io.now,
      });
      log(
        'main.end',
        `transfers=${result.transfers} stored=${result.stored} values=${result.written} duplicates=${result.duplicates} ` +
          `malformed=${result.malformed} unresolved=${result.unresolved} refused=${result.refused}`,
      );
      if (!result.failed) return 0;
      // With -l the log is in a file: cron still hears why the run stopped.
      if (args.get('--log_dir')) io.stderr.write(`${PROG}: ${result.reason ?? 'stopped'}\n`);
      return 1;
    } catch (err) {
      if (err instanceof StateError || err instanceof LockedError) {
        io.stderr.write(`${PROG}: ${err.message}\n`);
        return 1;
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
