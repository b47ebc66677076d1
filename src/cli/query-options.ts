/**
 * The validation step of the reading tools (esmond-ps-get, -get-endpoints, -get-metadata,
 * -get-bulk, -plot): their parsed flags (query-flags.ts) checked in the original's order with
 * the original's messages and exit codes, and turned into typed {@link QuerySettings}: a
 * {@link MetadataQuery}, the data time range and {@link ClientOptions}.
 *
 * Deliberate differences from the original (see docs/differences.md): every diagnostic goes to
 * stderr; IPv6 literals are valid hosts; a bad `-F` is an error instead of being skipped; start
 * after end is rejected; `--timeout` defaults to 30 s; TLS is verified unless
 * `--no-ssl-verify`/`--insecure`; `--user`/`-k, --key` (or ESMOND_USER/ESMOND_KEY) send an API
 * key; `-o ndjson` is new.
 * @module
 */
import { existsSync, statSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import { EVENT_TYPE_NAMES, SUMMARY_TYPES, type SummaryType } from '../model/event-types.js';
import { FILE_FORMATS, formatterFor, isOutputFormat, OUTPUT_FORMATS, type OutputFormat } from '../format/index.js';
import type { ClientOptions, DataQuery, MetadataQuery } from '../query/types.js';
import { applyArchiveFlags } from './archive-flags.js';
import { ExitCode } from './exit-codes.js';
import { retryNotice, type HintContext } from './failures.js';
import { startCommandLine, type FlagValues } from './flags.js';
import { defaultHostCheck, invalidHost, type HostCheck } from './host-check.js';
import type { CliIo } from './io.js';
import {
  DEFAULT_RETRIES,
  DEFAULT_TIMEOUT_S,
  queryCommandLine,
  type QueryKey,
  type QueryToolKind,
} from './query-flags.js';
import { applyFilters, eventTypeListText, listableEventTypes, type TimeFilters } from './query-filters.js';
import { closest } from './suggest.js';

/** The reading tools' flags, typed (before validation). */
export interface QueryFlags {
  url?: string | undefined;
  src?: string | undefined;
  dest?: string | undefined;
  agent?: string | undefined;
  type?: string | undefined;
  tool?: string | undefined;
  start?: string | undefined;
  end?: string | undefined;
  filter: readonly string[];
  listEvent: boolean;
  metadata: boolean;
  summaryType?: string | undefined;
  /** `-W`; 0 when absent. */
  summaryWindow: number;
  summaryWindowGiven: boolean;
  format: string;
  outputDir?: string | undefined;
  ip: boolean;
  verbose: boolean;
  /** `--no-ssl-verify` or `--insecure`. */
  noSslVerify: boolean;
  timeout?: number | undefined;
  user?: string | undefined;
  key?: string | undefined;
  /** `--retries N`: retries of a failed request (the tool's default when absent). */
  retries?: number | undefined;
  archive?: string | undefined;
  password?: string | undefined;
  ca?: string | undefined;
  /** esmond-ps-plot's `-o/--output FILE`. */
  outputFile?: string | undefined;
  /** esmond-ps-get's `--chart`. */
  chart: boolean;
}

/** The typed view of the parsed flags. */
export function queryFlagsOf(v: FlagValues<QueryKey>): QueryFlags {
  return {
    url: v.string('url'),
    src: v.string('src'),
    dest: v.string('dest'),
    agent: v.string('agent'),
    type: v.string('type'),
    tool: v.string('tool'),
    start: v.string('start'),
    end: v.string('end'),
    filter: v.list('filter'),
    listEvent: v.flag('listEvent'),
    metadata: v.flag('metadata'),
    summaryType: v.string('summaryType'),
    summaryWindow: v.int('summaryWindow') ?? 0,
    summaryWindowGiven: v.flag('summaryWindow'),
    format: v.string('format') ?? 'human',
    outputDir: v.string('outputDir'),
    ip: v.flag('ip'),
    verbose: v.flag('verbose'),
    noSslVerify: v.flag('noSslVerify'),
    timeout: v.int('timeout'),
    user: v.string('user'),
    key: v.string('key'),
    retries: v.int('retries'),
    archive: v.string('archive'),
    password: v.string('password'),
    ca: v.string('ca'),
    outputFile: v.string('outputFile'),
    chart: v.flag('chart'),
  };
}

/** Which the original's flags requirements a tool has. */
export interface ToolRequirements {
  /** esmond-ps-get: `--src` and `--dest` (ntp-* only `--src`), and `-e`. */
  requireSrcDest?: boolean;
  requireEvent?: boolean;
  /** esmond-ps-get-bulk: `-o` must be a file format and `-D` must exist. */
  requireOutput?: boolean;
  /** Reads data: `-W` without `-T` is an error (B15). */
  readsData?: boolean;
  /** esmond-ps-plot: `-o FILE` (.svg or .png) instead of `-o FORMAT`, and required. */
  chartFile?: boolean;
  /** esmond-ps-get: accepts `--chart`. */
  terminalChart?: boolean;
}

/** The flag table a tool with these requirements has. */
export function toolKindOf(req: ToolRequirements): QueryToolKind {
  return req.requireOutput ? 'files' : req.chartFile ? 'chart-file' : req.terminalChart ? 'chart-rows' : 'rows';
}

/** Injectable pieces (tests never touch real DNS). */
export interface QueryDeps {
  /** Does a host name resolve? Default: `io.dns`, else the system resolver with a 5 s limit. */
  hostResolves?: HostCheck;
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
  exitCode: ExitCode;
}

function pyList(items: readonly string[]): string {
  return `[${items.map((s) => `'${s}'`).join(', ')}]`;
}

function utcText(epoch: number): string {
  return new Date(epoch * 1000)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, '');
}

/** `2023-11-14T00:00:00Z`: the resolved window as `-v` shows it. */
function isoText(epoch: number): string {
  return new Date(epoch * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
}

/**
 * Parses and validates a reading tool's argv ({@link startCommandLine}, then
 * {@link validateQueryFlags}). On success returns the settings; otherwise the messages are
 * written and the exit code returned.
 */
export async function prepareQueryTool(
  prog: string,
  argv: readonly string[],
  io: CliIo,
  req: ToolRequirements,
  deps: QueryDeps = {},
): Promise<QuerySettings | QueryExit> {
  const values = startCommandLine(queryCommandLine(prog, toolKindOf(req), io.cwd), argv, io);
  if (typeof values === 'number') return { exitCode: values };
  return validateQueryFlags(prog, values, io, req, deps);
}

/**
 * The validation step of the reading tools, in the original's order: returns the settings, or
 * writes the messages (the list for `-L` on stdout, diagnostics on stderr) and returns the exit
 * code: {@link ExitCode.Ok} for `-L`, {@link ExitCode.Invalid} for a validation error.
 */
export async function validateQueryFlags(
  prog: string,
  values: FlagValues<QueryKey>,
  io: CliIo,
  req: ToolRequirements,
  deps: QueryDeps = {},
): Promise<QuerySettings | QueryExit> {
  const err = (text: string): QueryExit => {
    io.stderr.write(text.endsWith('\n') ? text : `${text}\n`);
    return { exitCode: ExitCode.Invalid };
  };
  // The original printed the whole help after these messages, burying them; one line says more.
  const errWithHelp = (text: string): QueryExit => err(`${prog}: ${text} (--help lists every option)`);
  const f = queryFlagsOf(values);

  // 1. -L before anything else.
  if (f.listEvent) {
    io.stdout.write(eventTypeListText());
    return { exitCode: ExitCode.Ok };
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
    if (!(FILE_FORMATS as readonly string[]).includes(f.format)) {
      const names = `${FILE_FORMATS.slice(0, -1).join(', ')} or ${FILE_FORMATS.at(-1) ?? ''}`;
      return errWithHelp(`please specify either ${names} --output-format for bulk output`);
    }
    outputDirectory = resolvePath(io.cwd, f.outputDir ?? io.cwd);
    if (!existsSync(outputDirectory) || !statSync(outputDirectory).isDirectory())
      return err(`output path ${outputDirectory} does not exist.`);
  }
  // 5. hosts (IPv6 literals are fine: B5).
  const badHost = await invalidHost(
    [
      ['--src', f.src],
      ['--dest', f.dest],
      ['--agent', f.agent],
    ],
    deps.hostResolves ?? ((name) => defaultHostCheck(name, io)),
  );
  if (badHost !== undefined) return err(badHost);
  // 6. event type.
  if (f.type !== undefined && !(EVENT_TYPE_NAMES as readonly string[]).includes(f.type)) {
    const near = closest(f.type, listableEventTypes());
    return err(
      `${f.type} is not a valid event type${near !== undefined ? `; did you mean ${near}?` : ''} (-L lists all ${listableEventTypes().length})`,
    );
  }
  if (req.requireEvent && !f.type) return errWithHelp('The --event-type arg is required. Use -L to see a list.');
  // 7. summary type.
  if (f.summaryType !== undefined && !(SUMMARY_TYPES as readonly string[]).includes(f.summaryType)) {
    return err(`${f.summaryType} is not a valid --summary-type arg (one of: ${pyList(SUMMARY_TYPES)})`);
  }
  // 8. output format.
  const format = f.format;
  if (!isOutputFormat(format))
    return err(`${format} is not a valid --output-format arg (one of: ${pyList(OUTPUT_FORMATS)})`);
  if (f.metadata && !formatterFor(format).extended)
    return err(`--output-format ${format} can not be used with --metadata-extended`);
  // 9. times (default: the last 24 hours, whole seconds).
  const nowS = Math.floor(io.now() / 1000);
  let timeStart = nowS - 86400;
  let timeEnd = nowS;
  // The date parser (chrono-node) is loaded only when a date is given: it is most of the
  // start-up time of a tool.
  const resolveWhen = f.start || f.end ? (await import('./dates.js')).resolveWhen : undefined;
  for (const [flag, text] of [
    ['--start-time', f.start],
    ['--end-time', f.end],
  ] as const) {
    if (!text || !resolveWhen) continue;
    const when = resolveWhen(text, io.now());
    if ('problem' in when) return err(`could not parse ${flag} arg: ${text}: ${when.problem}`);
    if (flag === '--start-time') timeStart = when.seconds;
    else timeEnd = when.seconds;
  }
  if (timeStart > timeEnd)
    return err(`--start-time (${utcText(timeStart)}) is later than --end-time (${utcText(timeEnd)})`);

  // Metadata filters in the original's order (the original's URL handling), then -F.
  const q: MetadataQuery = {};
  if (f.src) q.source = f.src;
  if (f.dest) q.destination = f.dest;
  if (f.agent) q.measurementAgent = f.agent;
  if (f.type) q.eventType = f.type;
  if (f.tool) q.toolName = f.tool;
  if (f.summaryType) q.summaryType = f.summaryType;
  if (f.summaryWindow !== 0) q.summaryWindow = f.summaryWindow;
  const times: TimeFilters = { timeStart, timeEnd };
  // 10. -F key:value.
  const filtered = applyFilters(f.filter, q, times);
  if ('problem' in filtered) return err(filtered.problem);
  const { filterTimes } = filtered;
  // The metadata search filters on `time-updated` (the series' last write), so only the window's
  // start narrows it: a series last written before the start has nothing in the window, but one
  // written after the end may well have data inside it. -F time filters go through as given.
  Object.assign(q, { timeStart: times.timeStart }, filterTimes);
  if ((times.timeStart ?? -Infinity) > (times.timeEnd ?? Infinity)) {
    return err(
      `--start-time (${utcText(times.timeStart ?? 0)}) is later than --end-time (${utcText(times.timeEnd ?? 0)})`,
    );
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
  if (f.user !== undefined && !apiKey && !(f.password ?? io.env.ESMOND_PASSWORD))
    return err('--user requires --key (or ESMOND_KEY)');
  if (f.retries !== undefined && (f.retries < 0 || f.retries > 20)) return err('--retries must be from 0 to 20');
  const retries = f.retries ?? DEFAULT_RETRIES;
  const client: ClientOptions = {
    url,
    timeoutMs: (f.timeout ?? DEFAULT_TIMEOUT_S) * 1000,
    tlsVerify: !f.noSslVerify,
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
  if (f.verbose)
    io.stderr.write(`[time window: ${isoText(settings.timeStart)} to ${isoText(settings.timeEnd)} (UTC)]\n`);
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
