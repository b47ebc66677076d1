/**
 * The output flags of the reading tools: `-o FORMAT` of the tools that print rows, `--chart`,
 * esmond-ps-plot's `-o FILE`, and esmond-ps-get-bulk's `-o`, `-D` and its own section of flags.
 * `queryFlagTable` in query-flags.ts puts each tool's output flags between the shared groups.
 * @module
 */
import { FILE_FORMATS, OUTPUT_FORMATS } from '../format/index.js';
import type { FlagDef } from './flags.js';

/** `-o FORMAT` of the tools that print rows. */
export const FORMAT_FLAG = {
  key: 'format',
  short: '-o',
  long: '--output-format',
  type: 'string',
  metavar: 'FORMAT',
  default: 'human',
  help: `Output format [${OUTPUT_FORMATS.join(', ')}] (default: human).`,
  original: true,
} as const satisfies FlagDef;

/** esmond-ps-get's `--chart`. */
export const CHART_FLAG = {
  key: 'chart',
  long: '--chart',
  type: 'flag',
  help: 'Draw a small chart of the values under the data (on a terminal only).',
  original: false,
} as const satisfies FlagDef;

/** esmond-ps-plot's `-o FILE`: it writes a picture, not rows. */
export const OUTPUT_FILE_FLAG = {
  key: 'outputFile',
  short: '-o',
  long: '--output',
  type: 'string',
  metavar: 'FILE',
  help: 'Chart file to write: FILE.svg, or FILE.png (rendered from the SVG).',
  original: false,
} as const satisfies FlagDef;

/** get-bulk's `-o`: a file format, and no default (`human` is refused, so help does not offer it). */
export const FILES_FORMAT_FLAG = {
  ...FORMAT_FLAG,
  help: `Output format of the files [${[...FILE_FORMATS].sort().join(', ')}] - required, there is no default.`,
} as const satisfies FlagDef;

/** get-bulk's `-D` (its default, the working directory, is shown in the help). */
export function outputDirectoryFlag(cwd: string) {
  return {
    key: 'outputDir',
    short: '-D',
    long: '--output-directory',
    type: 'string',
    metavar: 'OUTPUT_DIR',
    help: `Directory to output files to (default: ${cwd}).`,
    original: true,
  } as const satisfies FlagDef;
}

/** get-bulk's own flags, listed in their own help section. */
export const BULK_FLAGS = [
  {
    key: 'force',
    long: '--force',
    type: 'flag',
    help: 'Rewrite output files that already exist (default: skip them).',
    original: false,
  },
  {
    key: 'resume',
    long: '--resume',
    type: 'flag',
    help: 'Continue an interrupted run from its checkpoint; the files come out as if never interrupted.',
    original: false,
  },
  {
    key: 'checkpoint',
    long: '--checkpoint',
    type: 'string',
    metavar: 'FILE',
    help: 'Checkpoint file (default: OUTPUT_DIR/.esmond-ps-get-bulk.checkpoint.json).',
    original: false,
  },
  {
    key: 'report',
    long: '--report',
    type: 'string',
    metavar: 'FILE',
    help: 'Write the completeness report as JSON to FILE.',
    original: false,
  },
  {
    key: 'concurrency',
    long: '--concurrency',
    type: 'uint',
    metavar: 'N',
    help: 'Series fetched at the same time (default: 2, at most 16).',
    original: false,
  },
  {
    key: 'window',
    long: '--window',
    type: 'uint',
    metavar: 'SECONDS',
    help: 'Initial time window per request; adapts to the data (default: 86400).',
    original: false,
  },
  {
    key: 'pageSize',
    long: '--page-size',
    type: 'uint',
    metavar: 'N',
    help: 'Points per request, 1..10000 (default: 10000; lowered to 1000 if the archive refuses).',
    original: false,
  },
  {
    key: 'quiet',
    long: '--quiet',
    type: 'flag',
    help: 'No progress output; the report only when something failed.',
    original: false,
  },
  {
    key: 'safeNames',
    long: '--safe-names',
    type: 'flag',
    help: 'Replace ":" in file names (IPv6 addresses) with "-", for scp and Windows.',
    original: false,
  },
] as const satisfies readonly FlagDef[];
