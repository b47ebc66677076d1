/**
 * `esmond-ps-pipe`: `bwctl … --parsable --verbose |& esmond-ps-pipe -u USER -k KEY` stores one
 * bwctl/iperf3 run (the original esmond-ps-pipe). Fatal problems are logged in the original's format and end
 * with a non-zero status whenever nothing was stored (B30).
 * @module
 */
import { createSocket } from 'node:dgram';
import { isIP } from 'node:net';
import { extractBwctl } from '../loaders/bwctl/extract.js';
import { Iperf3Error, iperf3ToEsmond } from '../loaders/bwctl/iperf3.js';
import { ArchiveSink } from '../loaders/sink.js';
import { ExitCode } from './exit-codes.js';
import { HELP_FLAG, type FlagDef } from './flags.js';
import type { CliIo, ToolMain } from './io.js';
import { ARCHIVE_FLAGS, LOG_DIR_FLAG, startLoader, type LoaderTool } from './loader-options.js';

const FLAGS = [
  HELP_FLAG,
  ...ARCHIVE_FLAGS,
  { key: 'verbose', short: '-v', long: '--verbose', type: 'flag', help: 'Verbose output.', original: true },
  LOG_DIR_FLAG,
  {
    key: 'agent',
    short: '-a',
    long: '--agent',
    type: 'string',
    metavar: 'ADDRESS',
    help: 'Measurement agent address (default: the local address this host uses to reach the receiver).',
    original: false,
  },
] as const satisfies readonly FlagDef[];

const TOOL: LoaderTool<(typeof FLAGS)[number]['key']> = {
  prog: 'esmond-ps-pipe',
  usage: ' bwctl ... |& %prog [ -u USER -k API_KEY | -U ESMOND_REST_URL | -v ]',
  flags: FLAGS,
};

/** The local address the operating system would use towards `host` (no packet is sent). */
export async function localAddressTowards(host: string): Promise<string> {
  const family = isIP(host) === 6 ? 'udp6' : 'udp4';
  const sock = createSocket(family);
  try {
    await new Promise<void>((ok, fail) => {
      sock.once('error', fail);
      sock.connect(80, host, (err?: Error) => {
        if (err) fail(err);
        else ok();
      });
    });
    const address = sock.address().address;
    if (address === '0.0.0.0' || address === '::') throw new Error(`no local address routes to ${host}`);
    return address;
  } finally {
    sock.close();
  }
}

/** Replaceable parts, for tests. */
export interface PipeDeps {
  /** How the measurement agent is found when `--agent` is not given. */
  localAddress?: (host: string) => Promise<string>;
}

async function readAll(io: CliIo): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of io.stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

/** Builds the tool with its dependencies. */
export function makePipe(deps: PipeDeps = {}): ToolMain {
  return async (argv: readonly string[], io: CliIo): Promise<number> => {
    const session = startLoader(TOOL, argv, io);
    if (typeof session === 'number') return session;
    const args = session.args;
    const client = session.client(true);
    if (typeof client === 'number') return client;
    const log = session.openLog();
    const verbose = args.flag('verbose');
    const fatal = (message: string, input?: string): number => {
      log('main.fatal', message);
      if (verbose && input !== undefined) log('main.debug', input);
      log('main.fatal', 'exiting');
      return ExitCode.Invalid;
    };
    try {
      log('main.start', 'reading input');
      const input = await readAll(io);
      const extracted = extractBwctl(input);
      if (!extracted.ok) {
        for (const e of extracted.errors) log('id_and_extract.error', e);
        return fatal('could not extract metadata and valid json from input', input);
      }
      const run = extracted.run;
      if (run.toolName !== 'iperf3') return fatal(`there is no handler for input type: ${run.toolName}`);
      let agent = args.string('agent');
      if (agent === undefined) {
        try {
          agent = await (deps.localAddress ?? localAddressTowards)(run.inputDestination);
        } catch (err) {
          return fatal(
            `could not determine the measurement agent address towards ${run.inputDestination}: ${(err as Error).message} (use --agent)`,
          );
        }
      }
      log('process_iperf3.start', 'begin');
      let mapped;
      try {
        mapped = iperf3ToEsmond(run.json, { ...run, measurementAgent: agent });
      } catch (err) {
        if (err instanceof Iperf3Error) return fatal(`error processing iperf3 JSON - ERROR: ${err.message}`);
        throw err;
      }
      const sink = new ArchiveSink(client, { batchWrites: true });
      try {
        await sink.metadataKey(mapped.metadata);
      } catch (err) {
        log(
          'process_iperf3.error',
          `MetadataPost failed, abort processing, not updating record state - ERROR: '${(err as Error).message}'`,
        );
        return ExitCode.Failure;
      }
      if (verbose) for (const v of mapped.values) log('process_event_type.start', v['event-type']);
      try {
        const counts = await sink.store([mapped]);
        if (counts.duplicates > 0) log('write.info', `${counts.duplicates} value(s) were already stored`);
      } catch (err) {
        log('write.error', `'${(err as Error).message}'`);
        return ExitCode.Failure;
      }
      log('process_iperf3.end', 'finished');
      log('main.exit', 'success');
      return ExitCode.Ok;
    } finally {
      await client.close();
    }
  };
}

/** The tool as the bin shim runs it. */
export const run: ToolMain = makePipe();
