/**
 * `esmond-ps-load-pscheduler [-U URL] [-u USER] [-k KEY] [FILE...]`: stores pScheduler results
 * (http-archiver envelopes or esmond-archiver inputs; one JSON document, a list, or one document
 * per line; stdin when no file is named) in an esmond archive, mapped exactly as pScheduler's
 * esmond archiver maps them (perfsonar5 §3). Prints what it stored; exits 1 if any input was
 * rejected or could not be stored.
 * @module
 */
import { readFile } from 'node:fs/promises';
import { resolve as resolvePath } from 'node:path';
import type { HostResolver } from '../loaders/gridftp/run.js';
import {
  declaredValues,
  FORMATTING_POLICIES,
  hostsOf,
  mapRecord,
  MappingError,
  recordInputFromDocument,
  tableLookup,
  type FormattingPolicy,
  type HostAddresses,
} from '../loaders/pscheduler/map.js';
import { ArchiveSink } from '../loaders/sink.js';
import type { CliIo, ToolMain } from './io.js';
import {
  ALIAS_FLAG,
  helpText,
  HELP_FLAG,
  KEY_FLAG,
  loaderClient,
  parseLoaderArgs,
  systemResolve,
  URL_FLAG,
  usageError,
  USER_FLAG,
  type LoaderFlag,
} from './loader-options.js';

const PROG = 'esmond-ps-load-pscheduler';
const USAGE = '%prog [-U URL] [-u USER] [-k KEY] [FILE...]';

const FLAGS: readonly LoaderFlag[] = [
  HELP_FLAG,
  URL_FLAG,
  USER_FLAG,
  KEY_FLAG,
  ALIAS_FLAG,
  {
    short: '-a',
    long: '--agent',
    takesValue: true,
    original: false,
    metavar: 'HOST',
    description: 'Measurement agent for results whose archive spec names none (default: the lead participant).',
  },
  {
    long: '--policy',
    takesValue: true,
    original: false,
    metavar: 'POLICY',
    description: `data-formatting-policy for results whose archive spec has none: ${FORMATTING_POLICIES.join(', ')} (default=prefer-mapped).`,
  },
  {
    long: '--declare-all',
    takesValue: false,
    original: false,
    description: 'Also declare the event types the esmond archiver sends undeclared (packet-rtt, tcp-windowsize, ...), so they are stored.',
  },
  { short: '-v', long: '--verbose', takesValue: false, original: true, description: 'Report every stored result on stderr.' },
];

/** Replaceable parts, for tests. */
export interface LoadPschedulerDeps {
  resolve?: HostResolver;
}

/** One JSON document and where it came from, or why it could not be read. */
interface Doc {
  where: string;
  doc?: unknown;
  error?: string;
}

/** A file's documents: one JSON value (a list is several results), or one per line. */
function documentsOf(text: string, name: string): Doc[] {
  if (text.trim() === '') return [{ where: name, error: 'no JSON document' }];
  try {
    const whole: unknown = JSON.parse(text);
    return Array.isArray(whole) ? whole.map((doc, i) => ({ where: `${name}[${i}]`, doc })) : [{ where: name, doc: whole }];
  } catch {
    // Not one document: one per line (JSON lines / RFC 7464 sequences).
  }
  const out: Doc[] = [];
  text.split('\n').forEach((line, i) => {
    const t = line.replace(/^\x1e/, '').trim();
    if (t === '') return;
    try {
      out.push({ where: `${name}:${i + 1}`, doc: JSON.parse(t) });
    } catch (err) {
      out.push({ where: `${name}:${i + 1}`, error: `not valid JSON (${(err as Error).message})` });
    }
  });
  return out;
}

async function readInput(io: CliIo, file: string): Promise<string> {
  if (file === '-') {
    const chunks: Buffer[] = [];
    for await (const chunk of io.stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
    return Buffer.concat(chunks).toString('utf8');
  }
  return readFile(resolvePath(io.cwd, file), 'utf8');
}

/** Builds the tool with its dependencies. */
export function makeLoadPscheduler(deps: LoadPschedulerDeps = {}): ToolMain {
  return async (argv: readonly string[], io: CliIo): Promise<number> => {
    const parsed = parseLoaderArgs(argv, FLAGS);
    if (parsed.kind === 'help') {
      io.stdout.write(helpText(PROG, USAGE, FLAGS));
      return 0;
    }
    if (parsed.kind === 'error') return usageError(io, PROG, USAGE, parsed.message);
    const args = parsed.args;
    const policyText = args.get('--policy');
    if (policyText !== undefined && !(FORMATTING_POLICIES as readonly string[]).includes(policyText)) {
      return usageError(io, PROG, USAGE, `option --policy: invalid choice: '${policyText}' (choose from ${FORMATTING_POLICIES.join(', ')})`);
    }
    let client;
    try {
      client = loaderClient(args, io);
    } catch (err) {
      return usageError(io, PROG, USAGE, (err as Error).message);
    }
    const resolveHost = deps.resolve ?? systemResolve;
    const defaults = { measurementAgent: args.get('--agent'), policy: policyText as FormattingPolicy | undefined };
    const sink = new ArchiveSink(client);
    const table = new Map<string, HostAddresses>();
    const keys = new Set<string>();
    let results = 0;
    let points = 0;
    let duplicates = 0;
    let rejected = 0;
    let failed = false;
    const reject = (where: string, why: string): void => {
      rejected += 1;
      io.stderr.write(`${PROG}: ${where}: rejected: ${why}\n`);
    };
    try {
      const files = args.positional.length > 0 ? args.positional : ['-'];
      outer: for (const file of files) {
        let text: string;
        try {
          text = await readInput(io, file);
        } catch (err) {
          reject(file, (err as Error).message);
          continue;
        }
        for (const { where, doc, error } of documentsOf(text, file === '-' ? '<stdin>' : file)) {
          if (error !== undefined) {
            reject(where, error);
            continue;
          }
          let record;
          try {
            const input = recordInputFromDocument(doc, defaults);
            for (const host of hostsOf(input)) {
              if (!table.has(host)) table.set(host, { v4: await resolveHost(host, 4), v6: await resolveHost(host, 6) });
            }
            record = mapRecord(input, { lookup: tableLookup(table), declareAll: args.has('--declare-all') });
          } catch (err) {
            if (!(err instanceof MappingError)) throw err;
            reject(where, err.message);
            continue;
          }
          try {
            const key = await sink.metadataKey(record.metadata);
            const counts = await sink.store([{ metadata: record.metadata, ts: record.point.ts, values: declaredValues(record) }]);
            keys.add(key);
            results += 1;
            points += counts.written;
            duplicates += counts.duplicates;
            if (args.has('--verbose')) {
              io.stderr.write(`${PROG}: ${where}: stored ${counts.written} point(s) under ${key}${counts.duplicates ? ` (${counts.duplicates} already stored)` : ''}\n`);
            }
          } catch (err) {
            io.stderr.write(`${PROG}: ${where}: storing failed: ${(err as Error).message}\n`);
            failed = true;
            break outer;
          }
        }
      }
    } finally {
      await client.close();
    }
    const extra = [duplicates > 0 ? `${duplicates} point(s) already stored` : '', rejected > 0 ? `${rejected} input(s) rejected` : '']
      .filter((s) => s !== '')
      .join(', ');
    io.stdout.write(`Stored ${results} result(s): ${keys.size} metadata, ${points} point(s)${extra ? `; ${extra}` : ''}\n`);
    return failed || rejected > 0 ? 1 : 0;
  };
}

/** The tool as the bin shim runs it. */
export const run: ToolMain = makeLoadPscheduler();
