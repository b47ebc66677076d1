/**
 * The options shared by the four query tools (client spec §1.1) as data, their parsing
 * (optparse-compatible pre-pass + commander), the §1.3 validation in its original order with the
 * original messages and exit codes, and the translation into a {@link MetadataQuery} and
 * {@link ClientOptions}. esmond-ps-get-bulk uses this too (it adds `-D`).
 *
 * Deliberate differences from the original (bugs fixed): every diagnostic goes to **stderr**
 * (B14); IPv6 literals are valid hosts (B5); `-F` splits at the first `:`, takes dashed keys and
 * free-form parameters, and a bad `-F` is an error instead of being skipped (B6); start after
 * end is rejected (B23); `--timeout` defaults to 30 s (B11); TLS is verified unless
 * `--no-ssl-verify`/`--insecure` (B12); `--user`/`-k, --key` (or ESMOND_USER/ESMOND_KEY) send
 * an API key (B13); `-o ndjson` is new.
 * @module
 */
import { existsSync, statSync } from 'node:fs';
import { isIP } from 'node:net';
import { lookup } from 'node:dns/promises';
import { resolve as resolvePath } from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import { EVENT_TYPE_NAMES, SUMMARY_TYPES, type SummaryType } from '../model/event-types.js';
import { ORIGINAL_EVENT_FORMATS, OUTPUT_FORMATS, type OutputFormat } from '../format/index.js';
import type { ClientOptions, DataQuery, MetadataQuery } from '../query/types.js';
import { normalizeArgv, parsePythonInt, type ArgSpec } from './abbrev.js';
import { retryNotice, type HintContext } from './failures.js';
import type { CliIo } from './io.js';
import { formatOptionHelp, textwrap } from './optparse-help.js';
import { applyArchiveFlags, ARCHIVE_OPTION_DEFS } from './archive-flags.js';
import { closest } from './suggest.js';
import { helpIntro, versionText } from './tool-help.js';

/** One option of the query tools, as data. */
export interface OptionDef {
  /** Key in {@link QueryFlags}. */
  key: keyof QueryFlags;
  short?: string;
  long: string;
  kind: 'string' | 'int' | 'flag' | 'append';
  /** optparse's metavar (`dest.upper()`), for options that take a value. */
  metavar?: string;
  help: string;
  /** In the original's option set: wins abbreviation matching. */
  original: boolean;
}

/** Parsed flag values, before validation. */
export interface QueryFlags {
  help?: boolean;
  version?: boolean;
  url?: string;
  src?: string;
  dest?: string;
  agent?: string;
  type?: string;
  tool?: string;
  start?: string;
  end?: string;
  filter: string[];
  listEvent: boolean;
  metadata: boolean;
  summaryType?: string;
  /** `-W`; 0 when absent. */
  summaryWindow: number;
  summaryWindowGiven: boolean;
  format: string;
  outputDir?: string;
  ip: boolean;
  verbose: boolean;
  sslVerify: boolean;
  noSslVerify: boolean;
  insecure: boolean;
  timeout?: number;
  user?: string;
  key?: string;
  /** `--retries N`: retries of a failed request (the library's default when absent). */
  retries?: number;
  archive?: string;
  password?: string;
  ca?: string;
  /** esmond-ps-plot's `-o/--output FILE`. */
  outputFile?: string;
  /** esmond-ps-get's `--chart`. */
  chart: boolean;
}

/** The usage line (the original's; it really says `--begin`/`--end` nowhere now). */
export function usageText(prog: string): string {
  return `Usage: ${prog} [ -u URL -s SRC -d DEST | -a AGENT | -e EVENT | -t TOOL | -L | -o FORMAT | -v ]\n`;
}

/** How `-S`/`-E` are read, for `--help`. */
const TIMES_NOTE =
  "Times (-S, -E): dates such as 2024-05-01 or '2024-05-01 10:00 -05:00' (naive times are UTC), relative times such as '1 day ago', yesterday or 'last monday', or epoch seconds.";

/** Default `--retries` (the library's default retry limit). */
export const DEFAULT_RETRIES = 3;

/** Default `--timeout`, seconds (the original had none: B11). */
export const DEFAULT_TIMEOUT_S = 30;

/**
 * The option list of a query tool, in `--help` order. Pass `outputDirectory` (the start-up cwd)
 * to get get-bulk's `-D`.
 */
export function queryOptionDefs(opts: { outputDirectory?: string; chartFile?: boolean; terminalChart?: boolean } = {}): OptionDef[] {
  const defs: OptionDef[] = [
    { key: 'help', short: '-h', long: '--help', kind: 'flag', help: 'show this help message and exit', original: true },
    { key: 'version', long: '--version', kind: 'flag', help: "show the program's version number and exit", original: false },
    { key: 'url', short: '-u', long: '--url', kind: 'string', metavar: 'URL', help: 'URL of esmond API you want to talk to.', original: true },
    { key: 'src', short: '-s', long: '--src', kind: 'string', metavar: 'SRC', help: 'Host originating the test.', original: true },
    { key: 'dest', short: '-d', long: '--dest', kind: 'string', metavar: 'DEST', help: 'Test endpoint.', original: true },
    { key: 'agent', short: '-a', long: '--agent', kind: 'string', metavar: 'AGENT', help: 'Host that initiated the test - useful for central MAs.', original: true },
    { key: 'type', short: '-e', long: '--event-type', kind: 'string', metavar: 'TYPE', help: 'Type of data (loss, latency, throughput, etc) - see -L arg.', original: true },
    { key: 'tool', short: '-t', long: '--tool', kind: 'string', metavar: 'TOOL', help: 'Tool used to run test (bwctl/iperf3, powstream, "bwctl/tracepath,traceroute", gridftp, etc).', original: true },
    { key: 'start', short: '-S', long: '--start-time', kind: 'string', metavar: 'START', help: 'Start time of query (default: 24 hours ago).', original: true },
    { key: 'end', short: '-E', long: '--end-time', kind: 'string', metavar: 'END', help: 'End time of query (default: now).', original: true },
    { key: 'filter', short: '-F', long: '--filter', kind: 'append', metavar: 'FILTER', help: 'Specify additional query filters - format: -F key:value (split at the first ":"). Can be used multiple times; an invalid filter is an error.', original: true },
    { key: 'listEvent', short: '-L', long: '--list-events', kind: 'flag', help: 'List available event types.', original: true },
    { key: 'metadata', short: '-M', long: '--metadata-extended', kind: 'flag', help: 'Show extended metadata tool-specific values (can not be used with -o csv).', original: true },
    { key: 'summaryType', short: '-T', long: '--summary-type', kind: 'string', metavar: 'SUMMARY_TYPE', help: 'Request summary data of type [aggregation, average, statistics].', original: true },
    { key: 'summaryWindow', short: '-W', long: '--summary-window', kind: 'int', metavar: 'SUMMARY_WINDOW', help: 'Timeframe in seconds described by the summary (default: 0).', original: true },
    opts.outputDirectory === undefined
      ? { key: 'format', short: '-o', long: '--output-format', kind: 'string', metavar: 'FORMAT', help: 'Output format [human, json, csv, ndjson] (default: human).', original: true }
      : { key: 'format', short: '-o', long: '--output-format', kind: 'string', metavar: 'FORMAT', help: 'Output format of the files [csv, json, ndjson] - required, there is no default.', original: true },
  ];
  if (opts.chartFile === true) {
    // esmond-ps-plot writes a picture, not rows: its -o names the file.
    const i = defs.findIndex((d) => d.key === 'format');
    defs.splice(i, 1, { key: 'outputFile', short: '-o', long: '--output', kind: 'string', metavar: 'FILE', help: 'Chart file to write: FILE.svg, or FILE.png (rendered from the SVG).', original: false });
  }
  if (opts.terminalChart === true) {
    defs.push({ key: 'chart', long: '--chart', kind: 'flag', help: 'Draw a small chart of the values under the data (on a terminal only).', original: false });
  }
  if (opts.outputDirectory !== undefined) {
    defs.push({ key: 'outputDir', short: '-D', long: '--output-directory', kind: 'string', metavar: 'OUTPUT_DIR', help: `Directory to output files to (default: ${opts.outputDirectory}).`, original: true });
  }
  defs.push(
    { key: 'ip', short: '-I', long: '--ip', kind: 'flag', help: 'Show source/dest as IP addresses, not hostnames.', original: true },
    { key: 'verbose', short: '-v', long: '--verbose', kind: 'flag', help: 'Verbose output.', original: true },
    { key: 'sslVerify', long: '--ssl-verify', kind: 'flag', help: 'Verify SSL certificate (default: True)', original: true },
    { key: 'timeout', long: '--timeout', kind: 'int', metavar: 'TIMEOUT', help: `Timeout (in seconds) client will wait without receiving data before exiting (default: ${DEFAULT_TIMEOUT_S})`, original: true },
    { key: 'noSslVerify', long: '--no-ssl-verify', kind: 'flag', help: 'Do not verify the TLS certificate of the archive.', original: false },
    { key: 'insecure', long: '--insecure', kind: 'flag', help: 'Same as --no-ssl-verify.', original: false },
    { key: 'user', long: '--user', kind: 'string', metavar: 'USER', help: 'User name for the API key (default: $ESMOND_USER).', original: false },
    { key: 'key', short: '-k', long: '--key', kind: 'string', metavar: 'KEY', help: 'API key sent as "Authorization: Token <key>" (default: $ESMOND_KEY).', original: false },
    { key: 'retries', long: '--retries', kind: 'int', metavar: 'N', help: `Retries of a failed request, each said on stderr (default: ${DEFAULT_RETRIES}).`, original: false },
    ...ARCHIVE_OPTION_DEFS,
  );
  return defs;
}

/** The full `--help` text: usage, description, examples, how times are read, then optparse's option list. */
export function helpText(prog: string, defs: readonly OptionDef[], env: CliIo['env'] = {}): string {
  const parsed = Number.parseInt(env.COLUMNS ?? '', 10);
  const width = (Number.isFinite(parsed) ? parsed : 80) - 2;
  const times = textwrap(TIMES_NOTE, width).join('\n');
  return `${usageText(prog)}\n${helpIntro(prog)}\n${times}\n\n${formatOptionHelp(defs, env.COLUMNS)}`;
}

/** The outcome of {@link parseQueryFlags}. */
export type ParsedFlags = { kind: 'ok'; flags: QueryFlags } | { kind: 'help' } | { kind: 'version' } | { kind: 'error'; message: string };

/** Parses argv into {@link QueryFlags}: optparse semantics (prefixes, `=`, clusters), commander underneath. */
export function parseQueryFlags(argv: readonly string[], defs: readonly OptionDef[]): ParsedFlags {
  const specs: ArgSpec[] = defs.map((d) => ({
    ...(d.short ? { short: d.short } : {}),
    long: d.long,
    takesValue: d.kind !== 'flag',
    int: d.kind === 'int',
    original: d.original,
    help: d.key === 'help',
    version: d.key === 'version',
  }));
  const norm = normalizeArgv(argv, specs);
  if (norm.kind !== 'ok') return norm;

  const cmd = new Command()
    .helpOption(false)
    .allowExcessArguments(true)
    .exitOverride()
    .configureOutput({ writeOut: () => undefined, writeErr: () => undefined });
  for (const d of defs) {
    if (d.key === 'help' || d.key === 'version') continue;
    // Unique attribute names: commander would pair `--ssl-verify` with `--no-ssl-verify`.
    const opt = new Option(d.kind === 'flag' ? d.long : `${d.long} <value>`, d.help);
    opt.attributeName = () => d.key;
    opt.negate = false; // `--no-ssl-verify` is its own flag, not the negation of `--ssl-verify`
    if (d.kind === 'append') opt.argParser((v: string, prev: string[]) => [...prev, v]).default([]);
    cmd.addOption(opt);
  }
  let o: Record<string, unknown>;
  try {
    cmd.parse(norm.argv, { from: 'user' });
    o = cmd.opts();
  } catch (err) {
    return { kind: 'error', message: err instanceof CommanderError ? err.message.replace(/^error: /, '') : String(err) };
  }
  const str = (k: keyof QueryFlags): string | undefined => (typeof o[k] === 'string' ? (o[k]) : undefined);
  const int = (k: keyof QueryFlags): number | undefined => {
    const s = str(k);
    return s === undefined ? undefined : parsePythonInt(s);
  };
  const flags: QueryFlags = {
    filter: Array.isArray(o.filter) ? (o.filter as string[]) : [],
    listEvent: o.listEvent === true,
    metadata: o.metadata === true,
    summaryWindow: int('summaryWindow') ?? 0,
    summaryWindowGiven: str('summaryWindow') !== undefined,
    format: str('format') ?? 'human',
    ip: o.ip === true,
    verbose: o.verbose === true,
    sslVerify: o.sslVerify === true,
    noSslVerify: o.noSslVerify === true,
    insecure: o.insecure === true,
    chart: o.chart === true,
  };
  for (const k of ['url', 'src', 'dest', 'agent', 'type', 'tool', 'start', 'end', 'summaryType', 'outputDir', 'user', 'key', 'archive', 'password', 'ca', 'outputFile'] as const) {
    const v = str(k);
    if (v !== undefined) flags[k] = v;
  }
  const timeout = int('timeout');
  if (timeout !== undefined) flags.timeout = timeout;
  const retries = int('retries');
  if (retries !== undefined) flags.retries = retries;
  return { kind: 'ok', flags };
}

/** Which §1.2 requirements a tool has. */
export interface ToolRequirements {
  /** esmond-ps-get: `--src` and `--dest` (ntp-* only `--src`), and `-e`. */
  requireSrcDest?: boolean;
  requireEvent?: boolean;
  /** esmond-ps-get-bulk: `-o` must be a file format and `-D` must exist. */
  requireOutput?: boolean;
  /** Formats allowed with `requireOutput`. @defaultValue ['json', 'csv', 'ndjson'] */
  outputFormats?: readonly OutputFormat[];
  /** Reads data: `-W` without `-T` is an error (B15). */
  readsData?: boolean;
  /** esmond-ps-plot: `-o FILE` (.svg or .png) instead of `-o FORMAT`, and required. */
  chartFile?: boolean;
  /** esmond-ps-get: accepts `--chart`. */
  terminalChart?: boolean;
}

/** Injectable pieces (tests never touch real DNS). */
export interface QueryDeps {
  /** Does a host name resolve? Default: `dns.lookup` with a 5 s limit (skipped under ESMOND_TEST_NO_DNS). */
  hostResolves?: (name: string) => Promise<boolean>;
}

/** Everything a query tool needs after validation. */
export interface QuerySettings {
  flags: QueryFlags;
  client: ClientOptions;
  metadataQuery: MetadataQuery;
  /** Time filters for every data request. */
  dataQuery: DataQuery;
  eventType?: string;
  summaryType?: SummaryType;
  /** `-W` (0 when absent). */
  summaryWindow: number;
  summaryWindowGiven: boolean;
  format: OutputFormat;
  extended: boolean;
  ip: boolean;
  verbose: boolean;
  /** The query range, epoch seconds (defaults: the last 24 h). */
  timeStart: number;
  timeEnd: number;
  /** Absolute `-D` (get-bulk only). */
  outputDirectory?: string;
  /** What failure hints need to know. */
  hintContext: HintContext;
  /** Absolute `-o FILE` (esmond-ps-plot only). */
  outputFile?: string;
}

/** Validation failed: the messages are written; exit with this code. */
export interface QueryExit {
  exitCode: number;
}

/** The 33 names of the original `-L` list, then the other event types of the archive. */
export function listableEventTypes(): string[] {
  const original = ORIGINAL_EVENT_FORMATS.map(([name]) => name);
  return [...original, ...EVENT_TYPE_NAMES.filter((n) => !original.includes(n))];
}

/** The `-L` text: `\nValid event types:` and one indented line per type. */
export function eventTypeListText(): string {
  return `\nValid event types:\n${listableEventTypes().map((n) => `    ${n}\n`).join('')}`;
}

function pyList(items: readonly string[]): string {
  return `[${items.map((s) => `'${s}'`).join(', ')}]`;
}

function utcText(epoch: number): string {
  return new Date(epoch * 1000).toISOString().replace('T', ' ').replace(/\.\d+Z$/, '');
}

/** `2023-11-14T00:00:00Z`: the resolved window as `-v` shows it. */
function isoText(epoch: number): string {
  return new Date(epoch * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
}

async function defaultHostResolves(name: string, env: CliIo['env']): Promise<boolean> {
  if (env.ESMOND_TEST_NO_DNS) return /^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$/.test(name);
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      lookup(name).then(() => true, () => false),
      new Promise<boolean>((r) => {
        timer = setTimeout(() => { r(false); }, 5000);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

const METADATA_FILTER_KEYS: Readonly<Record<string, keyof MetadataQuery>> = {
  'metadata-key': 'metadataKey',
  source: 'source',
  destination: 'destination',
  'input-source': 'inputSource',
  'input-destination': 'inputDestination',
  'measurement-agent': 'measurementAgent',
  'tool-name': 'toolName',
  'event-type': 'eventType',
  'subject-type': 'subjectType',
  'summary-type': 'summaryType',
  'summary-window': 'summaryWindow',
  'dns-match-rule': 'dnsMatchRule',
};
const TIME_FILTER_KEYS: Readonly<Record<string, 'time' | 'timeStart' | 'timeEnd' | 'timeRange'>> = {
  time: 'time',
  'time-start': 'timeStart',
  'time-end': 'timeEnd',
  'time-range': 'timeRange',
};
/** Keys the client controls itself, or that were internal attributes of the original (B6). */
const REJECTED_FILTER_KEYS = new Set(['limit', 'offset', 'format', 'verbose', 'ssl-verify', 'timeout', 'auth-username', 'auth-apikey', 'wrn', 'warn', 'metadata-filters', 'time-filters']);
const DNS_MATCH_RULES = ['v4v6', 'only-v4', 'only-v6', 'prefer-v4', 'prefer-v6'];

/**
 * Parses and validates a query tool's argv. On success returns the settings; otherwise writes
 * the messages (help to stdout for `-h`, the list for `-L`, diagnostics to stderr) and returns
 * the exit code: 0 (`-h`, `-L`), 2 (option-parser errors), 255 (validation).
 */
export async function prepareQueryTool(
  prog: string,
  argv: readonly string[],
  io: CliIo,
  req: ToolRequirements,
  deps: QueryDeps = {},
): Promise<QuerySettings | QueryExit> {
  const defs = queryOptionDefs({
    ...(req.requireOutput ? { outputDirectory: io.cwd } : {}),
    ...(req.chartFile ? { chartFile: true } : {}),
    ...(req.terminalChart ? { terminalChart: true } : {}),
  });
  const help = (): string => helpText(prog, defs, io.env);
  const err = (text: string): QueryExit => {
    io.stderr.write(text.endsWith('\n') ? text : `${text}\n`);
    return { exitCode: 255 };
  };
  // The original printed the whole help after these messages, burying them; one line says more.
  const errWithHelp = (text: string): QueryExit => err(`${prog}: ${text} (--help lists every option)`);

  const parsed = parseQueryFlags(argv, defs);
  if (parsed.kind === 'help') {
    io.stdout.write(help());
    return { exitCode: 0 };
  }
  if (parsed.kind === 'version') {
    io.stdout.write(versionText(prog));
    return { exitCode: 0 };
  }
  if (parsed.kind === 'error') {
    io.stderr.write(`${usageText(prog)}\n${prog}: error: ${parsed.message}\n`);
    return { exitCode: 2 };
  }
  const f = parsed.flags;

  // 1. -L before anything else.
  if (f.listEvent) {
    io.stdout.write(eventTypeListText());
    return { exitCode: 0 };
  }
  // 2. --url.
  if (!f.url) return errWithHelp('--url is required: the archive to ask, e.g. -u http://archive.example.net');
  let url = f.url.trim().replace(/\/+$/, '');
  if (!/^https?:\/\/[^/]/i.test(url)) return err(`--url arg must be an http:// or https:// URL: ${f.url}`);
  try {
    if (new URL(url).pathname.startsWith('/esmond/perfsonar/archive')) {
      io.stderr.write('\n not necessary to add /esmond/perfsonar/archive to --url arg - trimming\n');
      url = new URL(url).origin;
    }
  } catch {
    return err(`--url arg must be an http:// or https:// URL: ${f.url}`);
  }
  // 3. get: --src/--dest.
  if (req.requireSrcDest && (!f.src || (!f.dest && !(f.type ?? '').startsWith('ntp-')))) {
    return errWithHelp('--src and --dest args are both required (ntp-* event types only require --src)');
  }
  // 4. get-bulk: output format and directory.
  let outputFile: string | undefined;
  if (req.chartFile) {
    if (!f.outputFile) return errWithHelp('--output FILE.svg or FILE.png is required.\n');
    if (!/\.(svg|png)$/i.test(f.outputFile)) return err(`--output must name a .svg or .png file: ${f.outputFile}`);
    outputFile = resolvePath(io.cwd, f.outputFile);
  }
  let outputDirectory: string | undefined;
  if (req.requireOutput) {
    const allowed = req.outputFormats ?? ['json', 'csv', 'ndjson'];
    if (!(allowed as readonly string[]).includes(f.format)) return errWithHelp('please specify either json, csv or ndjson --output-format for bulk output');
    outputDirectory = resolvePath(io.cwd, f.outputDir ?? io.cwd);
    if (!existsSync(outputDirectory) || !statSync(outputDirectory).isDirectory()) return err(`output path ${outputDirectory} does not exist.`);
  }
  // 5. hosts (IPv6 literals are fine: B5).
  const resolves = deps.hostResolves ?? ((name: string) => defaultHostResolves(name, io.env));
  for (const [flag, value] of [['--src', f.src], ['--dest', f.dest], ['--agent', f.agent]] as const) {
    if (value === undefined || value === '') continue;
    if (isIP(value) !== 0) continue;
    if (!(await resolves(value))) return err(`${flag} arg had invalid hostname: ${value}`);
  }
  // 6. event type.
  if (f.type !== undefined && !(EVENT_TYPE_NAMES as readonly string[]).includes(f.type)) {
    const near = closest(f.type, listableEventTypes());
    return err(`${f.type} is not a valid event type${near !== undefined ? `; did you mean ${near}?` : ''} (-L lists all ${listableEventTypes().length})`);
  }
  if (req.requireEvent && !f.type) return errWithHelp('The --event-type arg is required. Use -L to see a list.');
  // 7. summary type.
  if (f.summaryType !== undefined && !(SUMMARY_TYPES as readonly string[]).includes(f.summaryType)) {
    return err(`${f.summaryType} is not a valid --summary-type arg (one of: ${pyList(SUMMARY_TYPES)})`);
  }
  // 8. output format.
  if (!(OUTPUT_FORMATS as readonly string[]).includes(f.format)) {
    return err(`${f.format} is not a valid --output-format arg (one of: ${pyList(OUTPUT_FORMATS)})`);
  }
  const format = f.format as OutputFormat;
  if (format === 'csv' && f.metadata) return err('--output-format csv can not be used with --metadata-extended');
  // 9. times (default: the last 24 hours, whole seconds).
  const nowS = Math.floor(io.now() / 1000);
  let timeStart = nowS - 86400;
  let timeEnd = nowS;
  // The date parser (chrono-node) is loaded only when a date is given: it is most of the
  // start-up time of a tool.
  const resolveWhen = f.start || f.end ? (await import('./dates.js')).resolveWhen : undefined;
  for (const [flag, text] of [['--start-time', f.start], ['--end-time', f.end]] as const) {
    if (!text || !resolveWhen) continue;
    const when = resolveWhen(text, io.now());
    if ('problem' in when) return err(`could not parse ${flag} arg: ${text}: ${when.problem}`);
    if (flag === '--start-time') timeStart = when.seconds;
    else timeEnd = when.seconds;
  }
  if (timeStart > timeEnd) return err(`--start-time (${utcText(timeStart)}) is later than --end-time (${utcText(timeEnd)})`);

  // Metadata filters in the original's order (§1.4), then -F.
  const q: MetadataQuery = {};
  if (f.src) q.source = f.src;
  if (f.dest) q.destination = f.dest;
  if (f.agent) q.measurementAgent = f.agent;
  if (f.type) q.eventType = f.type;
  if (f.tool) q.toolName = f.tool;
  if (f.summaryType) q.summaryType = f.summaryType;
  if (f.summaryWindow !== 0) q.summaryWindow = f.summaryWindow;
  const times: Pick<MetadataQuery, 'time' | 'timeStart' | 'timeEnd' | 'timeRange'> = { timeStart, timeEnd };
  const filterTimes: typeof times = {};
  const freeForm: Array<readonly [string, string]> = [];
  // 10. -F key:value, split at the FIRST colon (B6).
  for (const item of f.filter) {
    const colon = item.indexOf(':');
    if (colon < 0) return err(`--filter arg ${item} should be of the format key:value`);
    const key = item.slice(0, colon);
    const value = item.slice(colon + 1);
    const dashed = key.replace(/_/g, '-');
    if (key === '' || REJECTED_FILTER_KEYS.has(dashed)) return err(`--filter arg ${key} is not a valid filtering value`);
    const timeKey = TIME_FILTER_KEYS[dashed];
    const mdKey = METADATA_FILTER_KEYS[dashed];
    if (timeKey) {
      const n = value.trim() === '' ? NaN : Number(value.trim());
      if (!Number.isFinite(n)) return err(`--filter arg ${item}: the timestamp value ${value} is not a valid integer`);
      if (timeKey === 'timeRange' && n < 0) return err(`--filter arg ${item}: time-range must not be negative`);
      times[timeKey] = Math.trunc(n);
      filterTimes[timeKey] = Math.trunc(n);
    } else if (mdKey === 'summaryWindow') {
      const n = parsePythonInt(value);
      if (n === undefined) return err(`--filter arg ${item}: summary-window must be an integer`);
      q.summaryWindow = n;
    } else if (mdKey === 'dnsMatchRule') {
      if (!DNS_MATCH_RULES.includes(value)) return err(`--filter arg ${item}: dns-match-rule must be one of ${DNS_MATCH_RULES.join(', ')}`);
      q.dnsMatchRule = value as NonNullable<MetadataQuery['dnsMatchRule']>;
    } else if (mdKey) {
      (q as Record<string, unknown>)[mdKey] = value;
    } else {
      freeForm.push([key, value]);
    }
  }
  if (freeForm.length > 0) q.filters = freeForm;
  // The metadata search filters on `time-updated` (the series' last write), so only the window's
  // start narrows it: a series last written before the start has nothing in the window, but one
  // written after the end may well have data inside it. -F time filters go through as given.
  Object.assign(q, { timeStart: times.timeStart }, filterTimes);
  if ((times.timeStart ?? -Infinity) > (times.timeEnd ?? Infinity)) {
    return err(`--start-time (${utcText(times.timeStart ?? 0)}) is later than --end-time (${utcText(times.timeEnd ?? 0)})`);
  }
  // -W without -T would label base data with a window it does not have (B15).
  if (req.readsData && f.summaryWindowGiven && f.summaryWindow !== 0 && !f.summaryType) {
    return err('--summary-window requires --summary-type (base data has no summary window)');
  }
  if (f.summaryWindow < 0) return err('--summary-window must not be negative');
  // Connection.
  if (f.timeout !== undefined && f.timeout <= 0) return err('--timeout must be a positive number of seconds');
  const apiKey = f.key ?? io.env.ESMOND_KEY;
  const username = f.user ?? io.env.ESMOND_USER;
  if (f.user !== undefined && !apiKey && !(f.password ?? io.env.ESMOND_PASSWORD)) return err('--user requires --key (or ESMOND_KEY)');
  if (f.retries !== undefined && (f.retries < 0 || f.retries > 20)) return err('--retries must be from 0 to 20');
  const retries = f.retries ?? DEFAULT_RETRIES;
  const client: ClientOptions = {
    url,
    timeoutMs: (f.timeout ?? DEFAULT_TIMEOUT_S) * 1000,
    tlsVerify: !(f.noSslVerify || f.insecure),
    retries,
    onRetry: (info) => {
      io.stderr.write(`${retryNotice(info, retries)}${f.verbose ? ` [${info.method} ${info.url}]` : ''}\n`);
    },
  };
  if (apiKey) client.credentials = username ? { apiKey, username } : { apiKey };
  const hintContext: HintContext = { url: f.url };
  if (apiKey) hintContext.keySource = f.key !== undefined ? '--key' : 'ESMOND_KEY';
  const archiveProblem = applyArchiveFlags(f, io, client);
  if (archiveProblem !== undefined) return err(archiveProblem);
  const dataQuery: DataQuery = {};
  for (const k of ['time', 'timeStart', 'timeEnd', 'timeRange'] as const) {
    const v = times[k];
    if (v !== undefined) dataQuery[k] = v;
  }
  const settings: QuerySettings = {
    flags: f,
    client,
    metadataQuery: q,
    dataQuery,
    summaryWindow: f.summaryWindow,
    summaryWindowGiven: f.summaryWindowGiven,
    format,
    extended: f.metadata,
    ip: f.ip,
    verbose: f.verbose,
    timeStart: times.timeStart ?? timeStart,
    timeEnd: times.timeEnd ?? timeEnd,
    hintContext,
  };
  if (f.verbose) io.stderr.write(`[time window: ${isoText(settings.timeStart)} to ${isoText(settings.timeEnd)} (UTC)]\n`);
  if (f.type) settings.eventType = f.type;
  if (f.summaryType) settings.summaryType = f.summaryType as SummaryType;
  if (outputDirectory !== undefined) settings.outputDirectory = outputDirectory;
  if (outputFile !== undefined) settings.outputFile = outputFile;
  return settings;
}

/** True when {@link prepareQueryTool} stopped with an exit code. */
export function isQueryExit(r: QuerySettings | QueryExit): r is QueryExit {
  return 'exitCode' in r;
}
