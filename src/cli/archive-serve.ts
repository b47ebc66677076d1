/**
 * `esmond-ps-archive serve`: the archive's HTTP server with its page and /metrics, a banner, an
 * access log, and a clean stop on SIGINT/SIGTERM: its flags as data ({@link SERVE_FLAGS}), their
 * typed settings ({@link serveFlagsOf}) and the run.
 * @module
 */
import { systemForwardResolver } from '../util/dns.js';
import { SERVER_LIMITS } from '../archive/server-limits.js';
import { parsePublicUrl } from '../archive/origin.js';
import { pyStrRepr } from '../model/python-str.js';
import {
  createServeLog,
  LOG_FORMATS,
  LOG_LEVELS,
  serveBanner,
  type LogFormat,
  type LogLevel,
} from './archive-admin.js';
import {
  DB_FLAGS,
  dbFlagsOf,
  describeDb,
  openArchiveService,
  refuseMissing,
  type DbFlags,
  type DbKey,
} from './archive-db.js';
import { ExitCode } from './exit-codes.js';
import { UsageError, type FlagDef, type FlagValues, type KeyOf } from './flags.js';
import type { CliIo } from './io.js';
import { listenFlags, listenOf, untilStopped } from './listen.js';

/** serve's settings. */
export interface ServeFlags extends DbFlags {
  host: string;
  port: number;
  prefix: string;
  dns: boolean;
  allowIp: readonly string[];
  trustedProxy: readonly string[];
  publicUrl?: string | undefined;
  allowHost: readonly string[];
  /** The timeouts, ms (absent: the server's defaults). */
  headersTimeout?: number | undefined;
  requestTimeout?: number | undefined;
  socketTimeout?: number | undefined;
  keepAliveTimeout?: number | undefined;
  maxConnections?: number | undefined;
  create: boolean;
  logFormat: LogFormat;
  logLevel: LogLevel;
}

const sec = (ms: number): string => String(ms / 1000);

/** A timeout flag in seconds (fractions allowed). */
function timeoutFlag<K extends string>(key: K, long: string, help: string, defaultMs: number) {
  return {
    key,
    long,
    type: 'string',
    metavar: 'SECONDS',
    help: `${help} (default: ${sec(defaultMs)}).`,
    original: false,
  } as const satisfies FlagDef;
}

/** serve's flags, in `--help` order. */
export const SERVE_FLAGS = [
  ...DB_FLAGS,
  {
    key: 'create',
    long: '--create',
    type: 'flag',
    help: 'Create the SQLite file when it does not exist (default: refuse, a typo would serve an empty archive).',
    original: false,
  },
  ...listenFlags(8080),
  {
    key: 'prefix',
    long: '--prefix',
    type: 'string',
    metavar: 'PATH',
    default: '/esmond',
    help: 'Mount prefix, "" for none (default: /esmond).',
    original: false,
  },
  {
    key: 'noDns',
    long: '--no-dns',
    type: 'flag',
    help: 'Do not resolve host names in source/destination filters.',
    original: false,
  },
  {
    key: 'allowIp',
    long: '--allow-ip',
    type: 'list',
    metavar: 'CIDR',
    help: 'Address or CIDR allowed to write without a key (repeatable).',
    original: false,
  },
  {
    key: 'trustedProxy',
    long: '--trusted-proxy',
    type: 'list',
    metavar: 'CIDR',
    help: 'Proxy whose X-Forwarded-For is believed (repeatable).',
    original: false,
  },
  {
    key: 'publicUrl',
    long: '--public-url',
    type: 'string',
    metavar: 'URL',
    help: 'The URL clients use (scheme://host[:port]) for emitted links.',
    original: false,
  },
  {
    key: 'allowHost',
    long: '--allow-host',
    type: 'list',
    metavar: 'NAME',
    help: 'Host header value believed besides the bound address (repeatable).',
    original: false,
  },
  timeoutFlag(
    'headersTimeout',
    '--headers-timeout',
    'Seconds to receive request headers, then 408',
    SERVER_LIMITS.headersTimeoutMs,
  ),
  timeoutFlag(
    'requestTimeout',
    '--request-timeout',
    'Seconds to receive a whole request, then 408',
    SERVER_LIMITS.requestTimeoutMs,
  ),
  timeoutFlag(
    'socketTimeout',
    '--socket-timeout',
    'Seconds a connection may stay silent both ways',
    SERVER_LIMITS.socketTimeoutMs,
  ),
  timeoutFlag(
    'keepAliveTimeout',
    '--keep-alive-timeout',
    'Seconds an idle keep-alive connection stays open',
    SERVER_LIMITS.keepAliveMs,
  ),
  {
    key: 'maxConnections',
    long: '--max-connections',
    type: 'uint',
    metavar: 'N',
    help: `Most open connections (default: ${SERVER_LIMITS.maxConnections}).`,
    original: false,
  },
  {
    key: 'logFormat',
    long: '--log-format',
    type: 'string',
    metavar: 'FORMAT',
    default: 'text',
    help: `Access log on stderr as text or JSON lines [${LOG_FORMATS.join(', ')}] (default: text).`,
    original: false,
  },
  {
    key: 'logLevel',
    long: '--log-level',
    type: 'string',
    metavar: 'LEVEL',
    default: 'info',
    help: `Least level logged, info logs every request, warn only problems [${LOG_LEVELS.join(', ')}] (default: info).`,
    original: false,
  },
] as const satisfies readonly FlagDef[];

/** The keys of {@link SERVE_FLAGS}. */
export type ServeKey = KeyOf<typeof SERVE_FLAGS> | DbKey;

/** `/esmond/` → `/esmond`, `/` → `''`; anything not starting with `/` is a usage error. */
function prefixOf(raw: string): string {
  const trimmed = raw.trim().replace(/\/+$/, '');
  if (trimmed !== '' && !/^\/[A-Za-z0-9._~\-/]*$/.test(trimmed))
    throw new UsageError(`option --prefix: expected a path such as /esmond, or "" for none, not ${pyStrRepr(raw)}`);
  return trimmed;
}

/** `--public-url` as an origin. */
function publicUrlOf(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  try {
    return parsePublicUrl(raw).origin;
  } catch (err) {
    throw new UsageError(`option --public-url: ${(err as Error).message}; expected scheme://host[:port]`);
  }
}

/** A timeout flag's value in ms, or undefined when not given. */
function timeoutMs(v: FlagValues<ServeKey>, key: ServeKey): number | undefined {
  const s = v.numberIn(key, 'seconds', { min: 0, minIncluded: false, max: 86_400 });
  return s === undefined ? undefined : Math.round(s * 1000);
}

/**
 * serve's settings from its flags.
 * @throws UsageError for a value out of range
 */
export function serveFlagsOf(v: FlagValues<ServeKey>): ServeFlags {
  return {
    ...dbFlagsOf(v),
    ...listenOf(v, 8080),
    prefix: prefixOf(v.string('prefix') ?? '/esmond'),
    dns: !v.flag('noDns'),
    allowIp: v.list('allowIp'),
    trustedProxy: v.list('trustedProxy'),
    publicUrl: publicUrlOf(v.string('publicUrl')),
    allowHost: v.list('allowHost'),
    headersTimeout: timeoutMs(v, 'headersTimeout'),
    requestTimeout: timeoutMs(v, 'requestTimeout'),
    socketTimeout: timeoutMs(v, 'socketTimeout'),
    keepAliveTimeout: timeoutMs(v, 'keepAliveTimeout'),
    maxConnections: v.intIn('maxConnections', 1, 1_000_000),
    create: v.flag('create'),
    logFormat: v.choice('logFormat', LOG_FORMATS) ?? 'text',
    logLevel: v.choice('logLevel', LOG_LEVELS) ?? 'info',
  };
}

/** The entries whose value is defined (so absent flags leave the server's defaults). */
function definedOnly<T extends Record<string, number | undefined>>(o: T): Partial<Record<keyof T, number>> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<Record<keyof T, number>>;
}

/** `esmond-ps-archive serve`: the archive and its page until SIGINT/SIGTERM (or `stop`). */
export async function serve(flags: ServeFlags, io: CliIo, stop: AbortSignal | undefined): Promise<number> {
  const dbPath = describeDb(flags, io);
  refuseMissing(flags.db, io, 'serve', flags.create);
  // The server, its page and the store load now, not with the flag table (--help).
  const [{ serveArchive }, { serviceReader }, { createPicturesSite }] = await Promise.all([
    import('../archive/serve.js'),
    import('../pictures/archive-reader.js'),
    import('../pictures/site.js'),
  ]);
  const service = await openArchiveService(flags, io, {
    resolver: flags.dns ? (io.dns?.forward ?? systemForwardResolver()) : false,
  });
  const serveLog = createServeLog(io, flags.logFormat, flags.logLevel);
  const log = (line: string): void => {
    serveLog.warn(line);
  };
  // The page's mesh summary and /metrics read this archive's service in process (its HTTP API
  // would add a request, JSON and a parse to each of a big mesh's thousands of reads); `reading`
  // stops a summary still running when the server stops, before the service closes.
  const reading = new AbortController();
  const site = createPicturesSite({
    reader: serviceReader(service, { prefix: flags.prefix, clock: io.now, signal: reading.signal }),
    apiBase: `${flags.prefix}/perfsonar/archive/`,
    archiveLabel: 'this archive',
    now: io.now,
    log,
  });
  try {
    const running = await serveArchive({
      front: (req, res) => {
        serveLog.observe(req, res);
        return site.handle(req, res);
      },
      service,
      host: flags.host,
      port: flags.port,
      prefix: flags.prefix,
      now: io.now,
      writers: [...flags.allowIp],
      trustedProxies: [...flags.trustedProxy],
      ...(flags.publicUrl === undefined ? {} : { publicUrl: flags.publicUrl }),
      allowedHosts: [...flags.allowHost],
      ...definedOnly({
        headersTimeoutMs: flags.headersTimeout,
        requestTimeoutMs: flags.requestTimeout,
        socketTimeoutMs: flags.socketTimeout,
        keepAliveMs: flags.keepAliveTimeout,
        maxConnections: flags.maxConnections,
      }),
      resolver: flags.dns ? (io.dns?.forward ?? systemForwardResolver()) : false,
      log,
    });
    const writeUsers = (await service.listUsers()).filter((u) => u.active).length;
    const banner = {
      url: running.url,
      api: `${running.url}${flags.prefix}/perfsonar/archive/`,
      db: dbPath,
      writeUsers,
    };
    serveLog.announce(
      `listening on ${running.url}`,
      banner,
      serveBanner({ url: running.url, prefix: flags.prefix, db: dbPath, writeUsers }),
    );
    let stopped = false;
    // Warm the grid's summary so the first page load does not wait for it.
    site.summary().catch((err: unknown) => {
      if (!stopped) log(`mesh summary failed: ${err instanceof Error ? err.message : String(err)}`);
    });
    await untilStopped(stop);
    stopped = true;
    site.close();
    reading.abort();
    serveLog.announce('stopping: finishing requests in flight');
    await running.close();
    serveLog.announce(`stopped; ${dbPath} closed`);
    return ExitCode.Ok;
  } finally {
    reading.abort();
    await service.close();
  }
}
