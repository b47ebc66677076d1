/**
 * The flag tables of the reading tools (esmond-ps-get, -get-endpoints, -get-metadata, -get-bulk,
 * -plot), as shared groups: what to read ({@link SELECTION_FLAGS}), how to show it
 * ({@link DISPLAY_FLAGS}), how to reach the archive ({@link CONNECTION_FLAGS}); each tool adds
 * its output flag. A flag added to a group is in every reading tool's parser and help. The help
 * texts of the original's options are the original's (the usage line too, which names no `-S`).
 * @module
 */
import { ARCHIVE_MODES } from './archive-flags.js';
import type { CommandLine, FlagDef, KeyOf } from './flags.js';
import { HELP_FLAG, noSslVerifyFlags, VERSION_FLAG } from './flags.js';
import { OPTPARSE_LAYOUT, type HelpLayout } from './help.js';
import {
  BULK_FLAGS,
  CHART_FLAG,
  FILES_FORMAT_FLAG,
  FORMAT_FLAG,
  OUTPUT_FILE_FLAG,
  outputDirectoryFlag,
} from './output-flags.js';

export { BULK_FLAGS, FORMAT_FLAG } from './output-flags.js';

/** Default `--retries` (the library's default retry limit). */
export const DEFAULT_RETRIES = 3;

/** Default `--timeout`, seconds (the original had none: see docs/differences.md). */
export const DEFAULT_TIMEOUT_S = 30;

/** What to read: the archive, the series, the time range. */
export const SELECTION_FLAGS = [
  HELP_FLAG,
  VERSION_FLAG,
  {
    key: 'url',
    short: '-u',
    long: '--url',
    type: 'string',
    metavar: 'URL',
    help: 'URL of esmond API you want to talk to.',
    original: true,
  },
  {
    key: 'src',
    short: '-s',
    long: '--src',
    type: 'string',
    metavar: 'SRC',
    help: 'Host originating the test.',
    original: true,
  },
  { key: 'dest', short: '-d', long: '--dest', type: 'string', metavar: 'DEST', help: 'Test endpoint.', original: true },
  {
    key: 'agent',
    short: '-a',
    long: '--agent',
    type: 'string',
    metavar: 'AGENT',
    help: 'Host that initiated the test - useful for central MAs.',
    original: true,
  },
  {
    key: 'type',
    short: '-e',
    long: '--event-type',
    type: 'string',
    metavar: 'TYPE',
    help: 'Type of data (loss, latency, throughput, etc) - see -L arg.',
    original: true,
  },
  {
    key: 'tool',
    short: '-t',
    long: '--tool',
    type: 'string',
    metavar: 'TOOL',
    help: 'Tool used to run test (bwctl/iperf3, powstream, "bwctl/tracepath,traceroute", gridftp, etc).',
    original: true,
  },
  {
    key: 'start',
    short: '-S',
    long: '--start-time',
    type: 'string',
    metavar: 'START',
    help: 'Start time of query (default: 24 hours ago).',
    original: true,
  },
  {
    key: 'end',
    short: '-E',
    long: '--end-time',
    type: 'string',
    metavar: 'END',
    help: 'End time of query (default: now).',
    original: true,
  },
  {
    key: 'filter',
    short: '-F',
    long: '--filter',
    type: 'list',
    metavar: 'FILTER',
    help: 'Specify additional query filters - format: -F key:value (split at the first ":"). Can be used multiple times; an invalid filter is an error.',
    original: true,
  },
  {
    key: 'listEvent',
    short: '-L',
    long: '--list-events',
    type: 'flag',
    help: 'List available event types.',
    original: true,
  },
  {
    key: 'metadata',
    short: '-M',
    long: '--metadata-extended',
    type: 'flag',
    help: 'Show extended metadata tool-specific values (can not be used with -o csv).',
    original: true,
  },
  {
    key: 'summaryType',
    short: '-T',
    long: '--summary-type',
    type: 'string',
    metavar: 'SUMMARY_TYPE',
    help: 'Request summary data of type [aggregation, average, statistics].',
    original: true,
  },
  {
    key: 'summaryWindow',
    short: '-W',
    long: '--summary-window',
    type: 'int',
    metavar: 'SUMMARY_WINDOW',
    help: 'Timeframe in seconds described by the summary (default: 0).',
    original: true,
  },
] as const satisfies readonly FlagDef[];

/** How rows are shown and traced. */
export const DISPLAY_FLAGS = [
  {
    key: 'ip',
    short: '-I',
    long: '--ip',
    type: 'flag',
    help: 'Show source/dest as IP addresses, not hostnames.',
    original: true,
  },
  { key: 'verbose', short: '-v', long: '--verbose', type: 'flag', help: 'Verbose output.', original: true },
] as const satisfies readonly FlagDef[];

/** How the archive is reached: TLS, timeouts, credentials, retries, the kind of archive. */
export const CONNECTION_FLAGS = [
  {
    key: 'sslVerify',
    long: '--ssl-verify',
    type: 'flag',
    help: 'Verify SSL certificate (default: True)',
    original: true,
  },
  {
    key: 'timeout',
    long: '--timeout',
    type: 'int',
    metavar: 'TIMEOUT',
    help: `Timeout (in seconds) client will wait without receiving data before exiting (default: ${DEFAULT_TIMEOUT_S})`,
    original: true,
  },
  ...noSslVerifyFlags('Do not verify the TLS certificate of the archive.'),
  {
    key: 'user',
    long: '--user',
    type: 'string',
    metavar: 'USER',
    help: 'User name for the API key (default: $ESMOND_USER).',
    original: false,
  },
  {
    key: 'key',
    short: '-k',
    long: '--key',
    type: 'string',
    metavar: 'KEY',
    help: 'API key sent as "Authorization: Token <key>" (default: $ESMOND_KEY).',
    original: false,
  },
  {
    key: 'retries',
    long: '--retries',
    type: 'int',
    metavar: 'N',
    help: `Retries of a failed request, each said on stderr (default: ${DEFAULT_RETRIES}).`,
    original: false,
  },
  {
    key: 'archive',
    long: '--archive',
    type: 'string',
    metavar: 'ARCHIVE',
    default: 'auto',
    help: `Archive type [${ARCHIVE_MODES.join(', ')}] (default: auto: esmond or elmond, else the OpenSearch of a perfSONAR 5 node found at URL or URL/opensearch).`,
    original: false,
  },
  {
    key: 'password',
    long: '--password',
    type: 'string',
    metavar: 'PASSWORD',
    help: 'Password for --user, sent as HTTP Basic auth (OpenSearch) (default: $ESMOND_PASSWORD).',
    original: false,
  },
  {
    key: 'ca',
    long: '--ca',
    type: 'string',
    metavar: 'FILE',
    help: 'PEM file of the CA that signed the archive’s certificate (e.g. /etc/opensearch/root-ca.pem).',
    original: false,
  },
] as const satisfies readonly FlagDef[];

/** Every key of the reading tools' flags. */
export type QueryKey =
  | KeyOf<typeof SELECTION_FLAGS>
  | KeyOf<typeof DISPLAY_FLAGS>
  | KeyOf<typeof CONNECTION_FLAGS>
  | KeyOf<typeof BULK_FLAGS>
  | 'format'
  | 'outputDir'
  | 'outputFile'
  | 'chart';

/** The reading tools' flag tables differ in their output flags. */
export type QueryToolKind = 'rows' | 'chart-rows' | 'files' | 'chart-file';

/** The main option list of a reading tool, in `--help` order. */
export function queryFlagTable(kind: QueryToolKind, cwd: string): readonly FlagDef<QueryKey>[] {
  const output: FlagDef<QueryKey>[] =
    kind === 'files'
      ? [FILES_FORMAT_FLAG, outputDirectoryFlag(cwd)]
      : kind === 'chart-file'
        ? [OUTPUT_FILE_FLAG]
        : kind === 'chart-rows'
          ? [FORMAT_FLAG, CHART_FLAG]
          : [FORMAT_FLAG];
  return [...SELECTION_FLAGS, ...output, ...DISPLAY_FLAGS, ...CONNECTION_FLAGS];
}

/** The original's usage line (it names no `-S`/`-E`). */
const USAGE = '%prog [ -u URL -s SRC -d DEST | -a AGENT | -e EVENT | -t TOOL | -L | -o FORMAT | -v ]';

/** How `-S`/`-E` are read, for `--help`. */
const TIMES_NOTE =
  "Times (-S, -E): dates such as 2024-05-01 or '2024-05-01 10:00 -05:00' (naive times are UTC), relative times such as '1 day ago', yesterday or 'last monday', or epoch seconds.";

/** get-bulk's own section and closing note: 79 columns, words wrapped at spaces. */
const BULK_LAYOUT: HelpLayout = { width: 79, helpPosition: { fixed: 24 }, gap: 2, wrap: 'words' };
const BULK_NOTES =
  'Files are named <source>_<destination>_<event-type>_<start-date>_<end-date>.<csv|json|ndjson>. ' +
  'When several series would get the same name, each of them gets its tool name after the event type ' +
  '(..._failures_pscheduler-ping_...); those of the same tool also get _<first 8 characters of the metadata key> ' +
  '(the whole key if that is not enough) before the extension. Files are written as <name>.part and renamed ' +
  'when complete; existing files are skipped unless --force. Progress and the completeness report go to ' +
  'stderr. Ctrl-C stops at once and says how far the run got; --resume continues it. Exit status 1 when any series failed.';

/** A reading tool's command line; `cwd` is shown as get-bulk's `-D` default. */
export function queryCommandLine(prog: string, kind: QueryToolKind, cwd: string): CommandLine<QueryKey> {
  const main = queryFlagTable(kind, cwd);
  const bulk = kind === 'files';
  return {
    prog,
    usage: USAGE,
    flags: bulk ? [...main, ...BULK_FLAGS] : main,
    help: () => ({
      before: [{ text: TIMES_NOTE, layout: OPTPARSE_LAYOUT }],
      sections: [
        { title: 'Options', entries: main, layout: OPTPARSE_LAYOUT },
        ...(bulk ? [{ title: 'Bulk export options', entries: BULK_FLAGS, layout: BULK_LAYOUT }] : []),
      ],
      after: bulk ? [{ text: BULK_NOTES, layout: { width: 79, wrap: 'words' } }] : [],
    }),
  };
}
