/**
 * `esmond-ps-archive serve`: the archive's HTTP server with its page and /metrics, a banner, an
 * access log, and a clean stop on SIGINT/SIGTERM. The flags are declared in archive.ts.
 * @module
 */
import { InvalidArgumentError } from 'commander';
import { systemForwardResolver } from '../util/dns.js';
import { serveArchive } from '../archive/serve.js';
import { parsePublicUrl } from '../archive/origin.js';
import { serviceReader } from '../pictures/archive-reader.js';
import { createPicturesSite } from '../pictures/site.js';
import { createServeLog, serveBanner, type LogFormat, type LogLevel } from './archive-admin.js';
import { describeDb, openArchiveService, refuseMissing, type DbFlags } from './archive-db.js';
import { ExitCode } from './exit-codes.js';
import type { CliIo } from './io.js';

/** Resolves on SIGINT/SIGTERM, or when `stop` aborts (in-process callers). */
export function untilStopped(stop: AbortSignal | undefined): Promise<void> {
  return new Promise((done) => {
    const finish = () => {
      process.off('SIGINT', finish);
      process.off('SIGTERM', finish);
      stop?.removeEventListener('abort', finish);
      done();
    };
    process.once('SIGINT', finish);
    process.once('SIGTERM', finish);
    if (stop?.aborted === true) finish();
    else stop?.addEventListener('abort', finish, { once: true });
  });
}

export interface ServeFlags extends DbFlags {
  host: string;
  port: number;
  prefix: string;
  dns: boolean;
  allowIp: string[];
  trustedProxy: string[];
  publicUrl?: string;
  allowHost: string[];
  headersTimeout?: number;
  requestTimeout?: number;
  socketTimeout?: number;
  keepAliveTimeout?: number;
  maxConnections?: number;
  create?: boolean;
  logFormat: LogFormat;
  logLevel: LogLevel;
}

/** Seconds (fractions allowed) → ms, for the timeout flags. */
export function secondsOf(raw: string): number {
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n) || n <= 0 || n > 86_400) {
    throw new InvalidArgumentError('expected a number of seconds above 0, at most 86400.');
  }
  return Math.round(n * 1000);
}

export const sec = (ms: number): string => String(ms / 1000);

/** The entries whose value is defined (so absent flags leave the server's defaults). */
function definedOnly<T extends Record<string, number | undefined>>(o: T): Partial<Record<keyof T, number>> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<Record<keyof T, number>>;
}

export function publicUrlOf(raw: string): string {
  try {
    return parsePublicUrl(raw).origin;
  } catch (err) {
    throw new InvalidArgumentError(`${(err as Error).message}; expected scheme://host[:port].`);
  }
}

/** `esmond-ps-archive serve`: the archive and its page until SIGINT/SIGTERM (or `stop`). */
export async function serve(flags: ServeFlags, io: CliIo, stop: AbortSignal | undefined): Promise<number> {
  const dbPath = describeDb(flags, io);
  refuseMissing(flags.db, io, 'serve', flags.create);
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
      writers: flags.allowIp,
      trustedProxies: flags.trustedProxy,
      ...(flags.publicUrl === undefined ? {} : { publicUrl: flags.publicUrl }),
      allowedHosts: flags.allowHost,
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
