/**
 * The flags of `esmond-ps-archive import`, as data ({@link IMPORT_FLAGS}: the `--db` family,
 * what to copy with the query tools' short names, how to reach the source with the query tools'
 * connection flags), and their typed settings ({@link importFlagsOf}).
 * @module
 */
import { EVENT_TYPE_NAMES } from '../model/event-types.js';
import { pyStrRepr } from '../model/python-str.js';
import { ARCHIVE_MODES } from './archive-flags.js';
import { DB_FLAGS, dbFlagsOf, type DbFlags, type DbKey } from './archive-db.js';
import { pickFlags, UsageError, type FlagDef, type FlagValues, type KeyOf } from './flags.js';
import { CONNECTION_FLAGS } from './query-flags.js';

/** The settings of `import`. */
export interface ImportFlags extends DbFlags {
  from: string;
  archive: (typeof ARCHIVE_MODES)[number];
  startTime?: string | undefined;
  endTime?: string | undefined;
  source?: string | undefined;
  destination?: string | undefined;
  agent?: string | undefined;
  eventType?: string | undefined;
  tool?: string | undefined;
  /** `-F key:value` filters, as given. */
  filter: readonly string[];
  user?: string | undefined;
  key?: string | undefined;
  password?: string | undefined;
  ca?: string | undefined;
  /** `--no-ssl-verify` or `--insecure`. */
  noSslVerify: boolean;
  /** Seconds per request. */
  timeout: number;
  concurrency?: number | undefined;
  checkpoint?: string | undefined;
  quiet: boolean;
  verbose: boolean;
}

/** The flags of `import`, in `--help` order (the query tools' names where they have them). */
export const IMPORT_FLAGS = [
  ...DB_FLAGS,
  {
    key: 'from',
    long: '--from',
    type: 'string',
    metavar: 'URL',
    help: 'The archive to copy: esmond 4.x, elmond, or a perfSONAR 5 OpenSearch (https://node/opensearch) - required.',
    original: false,
  },
  {
    key: 'archive',
    long: '--archive',
    type: 'string',
    metavar: 'TYPE',
    default: 'auto',
    help: `What --from is [${ARCHIVE_MODES.join(', ')}] (default: auto: find out).`,
    original: false,
  },
  {
    key: 'startTime',
    short: '-S',
    long: '--start-time',
    type: 'string',
    metavar: 'WHEN',
    help: 'Copy points from this time (default: the first point).',
    original: false,
  },
  {
    key: 'endTime',
    short: '-E',
    long: '--end-time',
    type: 'string',
    metavar: 'WHEN',
    help: 'Copy points up to this time (default: now).',
    original: false,
  },
  {
    key: 'source',
    short: '-s',
    long: '--source',
    type: 'string',
    metavar: 'HOST',
    help: 'Only metadata with this source.',
    original: false,
  },
  {
    key: 'destination',
    short: '-d',
    long: '--destination',
    type: 'string',
    metavar: 'HOST',
    help: 'Only metadata with this destination.',
    original: false,
  },
  {
    key: 'agent',
    short: '-a',
    long: '--agent',
    type: 'string',
    metavar: 'HOST',
    help: 'Only metadata with this measurement agent.',
    original: false,
  },
  {
    key: 'eventType',
    short: '-e',
    long: '--event-type',
    type: 'string',
    metavar: 'TYPE',
    help: 'Only this event type (esmond-ps-get -L lists them).',
    original: false,
  },
  {
    key: 'tool',
    short: '-t',
    long: '--tool',
    type: 'string',
    metavar: 'NAME',
    help: 'Only metadata of this tool, e.g. pscheduler/iperf3.',
    original: false,
  },
  {
    key: 'filter',
    short: '-F',
    long: '--filter',
    type: 'list',
    metavar: 'KEY:VALUE',
    help: 'Free-form metadata filter, e.g. ip-transport-protocol:tcp (repeatable).',
    original: false,
  },
  ...pickFlags(CONNECTION_FLAGS, ['user', 'key', 'password', 'ca', 'noSslVerify']),
  {
    key: 'timeout',
    long: '--timeout',
    type: 'uint',
    metavar: 'SECONDS',
    default: '30',
    help: 'Seconds per request to the source, 1 to 3600 (default: 30).',
    original: false,
  },
  {
    key: 'concurrency',
    long: '--concurrency',
    type: 'uint',
    metavar: 'N',
    help: 'Series copied at once, 1 to 16 (default: 2).',
    original: false,
  },
  {
    key: 'checkpoint',
    long: '--checkpoint',
    type: 'string',
    metavar: 'FILE',
    help: 'Where the progress is kept for a rerun (default: beside the SQLite file, or ./esmond-ps-archive-import.checkpoint.json).',
    original: false,
  },
  {
    key: 'quiet',
    short: '-q',
    long: '--quiet',
    type: 'flag',
    help: 'No progress, report only failures.',
    original: false,
  },
  {
    key: 'verbose',
    short: '-v',
    long: '--verbose',
    type: 'flag',
    help: 'Say which kind of archive --from is.',
    original: false,
  },
] as const satisfies readonly FlagDef[];

/** The keys of {@link IMPORT_FLAGS}. */
export type ImportKey = KeyOf<typeof IMPORT_FLAGS> | DbKey;

/**
 * The settings of `import` from its flags.
 * @throws UsageError for a missing `--from` or a value out of range
 */
export function importFlagsOf(v: FlagValues<ImportKey>): ImportFlags {
  const from = v.string('from');
  if (from === undefined) throw new UsageError('--from URL is required (the archive to copy)');
  const eventType = v.string('eventType');
  if (eventType !== undefined && !(EVENT_TYPE_NAMES as readonly string[]).includes(eventType))
    throw new UsageError(`option --event-type: ${eventType} is not an event type (esmond-ps-get -L lists them)`);
  const filter = v.list('filter');
  const bad = filter.find((f) => f.indexOf(':') <= 0);
  if (bad !== undefined) throw new UsageError(`option --filter: expected key:value, not ${pyStrRepr(bad)}`);
  return {
    ...dbFlagsOf(v),
    from,
    archive: v.choice('archive', ARCHIVE_MODES) ?? 'auto',
    startTime: v.string('startTime'),
    endTime: v.string('endTime'),
    source: v.string('source'),
    destination: v.string('destination'),
    agent: v.string('agent'),
    eventType,
    tool: v.string('tool'),
    filter,
    user: v.string('user'),
    key: v.string('key'),
    password: v.string('password'),
    ca: v.string('ca'),
    noSslVerify: v.flag('noSslVerify'),
    timeout: v.intIn('timeout', 1, 3600) ?? 30,
    concurrency: v.intIn('concurrency', 1, 16),
    checkpoint: v.string('checkpoint'),
    quiet: v.flag('quiet'),
    verbose: v.flag('verbose'),
  };
}
