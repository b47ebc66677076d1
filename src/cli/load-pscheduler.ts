/**
 * `esmond-ps-load-pscheduler [-U URL] [-u USER] [-k KEY] [FILE...]`: stores pScheduler results
 * (http-archiver envelopes or esmond-archiver inputs; one JSON document, a list, or one document
 * per line; stdin when no file is named) in an esmond archive, mapped exactly as pScheduler's
 * esmond archiver maps them (pScheduler's esmond archiver). Prints what it stored; exits 1 if any input was
 * rejected or could not be stored.
 * @module
 */
import { createInterface } from 'node:readline';
import { resolve as resolvePath } from 'node:path';
import { readLines } from '../loaders/gridftp/lines.js';
import { RESOLVE_HINT } from '../loaders/host-table.js';
import { documentsFromLines } from '../loaders/pscheduler/documents.js';
import {
  declaredValues,
  FORMATTING_POLICIES,
  hostsOf,
  isoDateSeconds,
  isoDurationSeconds,
  mapRecord,
  MappingError,
  recordInputWithTypes,
  tableLookup,
  UnresolvedHostError,
  type FormattingPolicy,
  type HostAddresses,
  type MappedRecord,
} from '../model/pscheduler/map.js';
import { ArchiveSink } from '../loaders/sink.js';
import { explainFailure } from './failures.js';
import { ExitCode } from './exit-codes.js';
import { HELP_FLAG, type FlagDef } from './flags.js';
import type { CliIo, ToolMain } from './io.js';
import {
  ARCHIVE_FLAGS,
  DEFAULT_URL,
  RESOLVE_FLAGS,
  startLoader,
  type LoaderDeps,
  type LoaderTool,
} from './loader-options.js';

const PROG = 'esmond-ps-load-pscheduler';

const FLAGS = [
  HELP_FLAG,
  ...ARCHIVE_FLAGS,
  {
    key: 'agent',
    short: '-a',
    long: '--agent',
    type: 'string',
    metavar: 'HOST',
    help: 'Measurement agent for results whose archive spec names none (default: the lead participant).',
    original: false,
  },
  {
    key: 'policy',
    long: '--policy',
    type: 'string',
    metavar: 'POLICY',
    help: `data-formatting-policy for results whose archive spec has none: ${FORMATTING_POLICIES.join(', ')} (default=prefer-mapped).`,
    original: false,
  },
  {
    key: 'start',
    long: '--start',
    type: 'string',
    metavar: 'TIME',
    help: 'Start time (ISO 8601 or UNIX seconds) of bare results ({test, tool, result} without a schedule).',
    original: false,
  },
  {
    key: 'duration',
    long: '--duration',
    type: 'string',
    metavar: 'DURATION',
    help: 'Duration (ISO 8601 like PT30S, or seconds) of bare results (default=0).',
    original: false,
  },
  {
    key: 'declareAll',
    long: '--declare-all',
    type: 'flag',
    help: 'Also declare the event types the esmond archiver sends undeclared (packet-rtt, tcp-windowsize, ...), so they are stored.',
    original: false,
  },
  ...RESOLVE_FLAGS,
  {
    key: 'verbose',
    short: '-v',
    long: '--verbose',
    type: 'flag',
    help: 'Report every stored result on stderr.',
    original: true,
  },
] as const satisfies readonly FlagDef[];

const TOOL: LoaderTool<(typeof FLAGS)[number]['key']> = {
  prog: PROG,
  usage: '%prog [-U URL] [-u USER] [-k KEY] [FILE...]',
  flags: FLAGS,
};

/** Results stored per round of requests (one bulk PUT per distinct metadata in it). */
const BATCH = 100;

/** The lines of a file, or of stdin for `-`. */
function linesOf(io: CliIo, file: string): AsyncIterable<string> {
  if (file === '-') return createInterface({ input: io.stdin, crlfDelay: Infinity });
  return (async function* () {
    for await (const l of readLines(resolvePath(io.cwd, file), 0, { partialTail: true })) yield l.text;
  })();
}

/** `--start`/`--duration`: plain seconds, or ISO 8601 as `iso` reads it (which throws naming `flag`). */
function secondsOption(
  text: string | undefined,
  flag: string,
  iso: (text: string, field: string) => number,
): number | undefined {
  if (text === undefined) return undefined;
  return /^\d+(\.\d+)?$/.test(text) ? Number(text) : iso(text, flag);
}

/**
 * The mapper's "schedule is required" names the document fields; on the command line the answer
 * is `--start`, so say that.
 */
function nameStartFlag(message: string): string {
  if (!message.includes('"schedule"')) return message;
  return `${message.replace(/\s*\(for a bare result[^)]*\)$/, '')}; for a bare result ({test, tool, result}) give its start time with --start TIME (ISO 8601 or UNIX seconds) and --duration`;
}

/**
 * The closing line. Points the archive already had are said to be left as they were, so a rerun
 * cannot be read as "added again".
 */
export function summaryLine(c: {
  results: number;
  metadata: number;
  points: number;
  duplicates: number;
  rejected: number;
  stoppedAt?: string | undefined;
}): string {
  const rejected =
    (c.rejected > 0 ? `; ${c.rejected} input(s) rejected` : '') +
    (c.stoppedAt !== undefined ? `; stopped at ${c.stoppedAt}` : '');
  if (c.duplicates === 0)
    return `Stored ${c.results} result(s): ${c.metadata} metadata, ${c.points} point(s)${rejected}\n`;
  if (c.points === 0) {
    return `Nothing new to store: the ${c.results} result(s) (${c.duplicates} point(s), ${c.metadata} metadata) were all already in the archive and were left as they were${rejected}\n`;
  }
  // Not "new": types the archive overwrites (last wins) count as written on a rerun too.
  return `Stored ${c.results} result(s): ${c.metadata} metadata, ${c.points} point(s) written; ${c.duplicates} point(s) were already in the archive and were left as they were${rejected}\n`;
}

/** Builds the tool with its dependencies. */
export function makeLoadPscheduler(deps: LoaderDeps = {}): ToolMain {
  return async (argv: readonly string[], io: CliIo): Promise<number> => {
    const session = startLoader(TOOL, argv, io);
    if (typeof session === 'number') return session;
    const { args, usageError } = session;
    const policyText = args.string('policy');
    if (policyText !== undefined && !(FORMATTING_POLICIES as readonly string[]).includes(policyText)) {
      return usageError(
        `option --policy: invalid choice: '${policyText}' (choose from ${FORMATTING_POLICIES.join(', ')})`,
      );
    }
    let start: number | undefined;
    let duration: number | undefined;
    try {
      start = secondsOption(args.string('start'), '--start', isoDateSeconds);
      duration = secondsOption(args.string('duration'), '--duration', isoDurationSeconds);
    } catch (err) {
      return usageError(`option ${(err as Error).message}`);
    }
    const resolveHost = session.resolver(deps.resolve);
    if (typeof resolveHost === 'number') return resolveHost;
    // Nothing named and stdin is a terminal: say how to use the tool instead of waiting silently.
    if (args.positional.length === 0 && io.stdin.isTTY === true) {
      return usageError(
        'no input: name result files, or pipe results in (e.g. pscheduler result --format json … | ' +
          PROG +
          ' -U URL)',
      );
    }
    const client = session.client();
    if (typeof client === 'number') return client;
    const defaults = {
      measurementAgent: args.string('agent'),
      policy: policyText as FormattingPolicy | undefined,
      start,
      duration,
    };
    const sink = new ArchiveSink(client, { batchWrites: true });
    const table = new Map<string, HostAddresses>();
    const keys = new Set<string>();
    let results = 0;
    let points = 0;
    let duplicates = 0;
    let rejected = 0;
    let failed = false as boolean; // widened: flush() sets it, which narrowing cannot see
    /** Where the run stopped at a result that may be stored later (a name that did not resolve). */
    let stoppedAt: string | undefined;
    const reject = (where: string, why: string): void => {
      rejected += 1;
      io.stderr.write(`${PROG}: ${where}: rejected: ${why}\n`);
    };
    type Pending = { where: string; record: MappedRecord };
    let pending: Pending[] = [];
    /** Stores the pending results; false when the archive failed (the run stops). */
    const flush = async (): Promise<boolean> => {
      const batch = pending;
      pending = [];
      const first = batch[0];
      const last = batch.at(-1);
      if (first === undefined || last === undefined) return true;
      try {
        const refused = new Set<number>();
        const counts = await sink.store(
          batch.map((p) => ({ metadata: p.record.metadata, ts: p.record.point.ts, values: declaredValues(p.record) })),
          (i, err) => {
            refused.add(i);
            reject(batch[i]?.where ?? '', `the archive refused it: ${err.message}`);
          },
        );
        for (const [i, p] of batch.entries()) if (!refused.has(i)) keys.add(await sink.metadataKey(p.record.metadata));
        results += batch.length - refused.size;
        points += counts.written;
        duplicates += counts.duplicates;
        if (args.flag('verbose')) {
          io.stderr.write(
            `${PROG}: stored ${batch.length} result(s) (${first.where} … ${last.where}): ${counts.written} point(s)\n`,
          );
        }
        return true;
      } catch (err) {
        const { message, hint } = explainFailure(err, { url: args.string('url') ?? DEFAULT_URL });
        io.stderr.write(
          `${PROG}: ${first.where}${batch.length > 1 ? ` … ${last.where}` : ''}: storing failed: ${message}\n${hint !== undefined ? `${PROG}: ${hint}\n` : ''}`,
        );
        failed = true;
        return false;
      }
    };
    try {
      const files = args.positional.length > 0 ? args.positional : ['-'];
      outer: for (const file of files) {
        try {
          for await (const { where, doc, typed, error } of documentsFromLines(
            linesOf(io, file),
            file === '-' ? '<stdin>' : file,
          )) {
            if (error !== undefined) {
              reject(where, error);
              continue;
            }
            try {
              const input = recordInputWithTypes(doc, typed, defaults);
              for (const host of hostsOf(input)) {
                if (table.has(host)) continue;
                const [v4, v6] = await Promise.all([resolveHost(host, 4), resolveHost(host, 6)]);
                table.set(host, { v4, v6 });
              }
              pending.push({
                where,
                record: mapRecord(input, { lookup: tableLookup(table), declareAll: args.flag('declareAll') }),
              });
            } catch (err) {
              if (err instanceof UnresolvedHostError) {
                // It may resolve later (or be given): store what came before it, then stop here.
                if (await flush()) {
                  io.stderr.write(
                    `${PROG}: ${where}: not stored: ${err.message} (${RESOLVE_HINT}); stopped here, later results were not read\n`,
                  );
                  stoppedAt = where;
                }
                break outer;
              }
              if (!(err instanceof MappingError)) throw err;
              reject(where, start === undefined ? nameStartFlag(err.message) : err.message);
              continue;
            }
            if (pending.length >= BATCH && !(await flush())) break outer;
          }
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code === undefined) throw err;
          reject(file, (err as Error).message);
        }
      }
      if (!failed && stoppedAt === undefined) await flush();
    } finally {
      await client.close();
    }
    io.stdout.write(summaryLine({ results, metadata: keys.size, points, duplicates, rejected, stoppedAt }));
    return failed || rejected > 0 || stoppedAt !== undefined ? ExitCode.Failure : ExitCode.Ok;
  };
}

/** The tool as the bin shim runs it. */
export const run: ToolMain = makeLoadPscheduler();
