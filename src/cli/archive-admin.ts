/**
 * What esmond-ps-archive says around its commands: the refusal of a `--db` file that does not
 * exist (a typo would serve or list an empty archive), serve's start-up banner and its stop
 * message, the access log (pino; `--log-format text|json`, `--log-level`), and what add-user
 * tells about the key it printed.
 * @module
 */
import { existsSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pino, type Logger } from 'pino';
import type { CliIo } from './io.js';

const TOOL = 'esmond-ps-archive';

/** `postgres://…` and other URLs name a database server, not a file. */
export function isDatabaseUrl(raw: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(raw);
}

/**
 * Why `command` must not open `path` (a SQLite file that does not exist: opening would create an
 * empty archive), or `undefined` when it may.
 */
export function missingArchiveProblem(path: string, command: string): string | undefined {
  if (isDatabaseUrl(path) || existsSync(path)) return undefined;
  return (
    `no archive at ${path} (a typo?); ${command} does not create one. ` +
    `Create it with "${TOOL} add-user NAME --db ${path}" or "${TOOL} seed --db ${path}", or pass --create`
  );
}

/** Log formats of serve. */
export const LOG_FORMATS = ['text', 'json'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];
/** pino's levels, as `--log-level` takes them. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** The serve log: pino records, written as text lines or as JSON lines on stderr. */
export interface ServeLog {
  /** Lines the server reports (aborted uploads, internal errors): level warn. */
  warn(line: string): void;
  /** A start/stop message, written whatever the level (text: as is; json: a record with `fields`). */
  announce(msg: string, fields?: Record<string, unknown>, text?: readonly string[]): void;
  /** Logs `req` when its response is done (method, path, status, bytes, ms, remote address). */
  observe(req: IncomingMessage, res: ServerResponse): void;
}

interface AccessRecord {
  level?: number;
  time?: string;
  msg?: string;
  method?: string;
  path?: string;
  status?: number;
  bytes?: number | null;
  ms?: number;
  remote?: string;
  aborted?: boolean;
}

/** One access record as a text line (common-log-like, UTC ISO time first). */
function textLine(r: AccessRecord): string {
  if (r.method === undefined) return r.msg ?? '';
  const aborted = r.aborted === true ? ' (aborted)' : '';
  const bytes = typeof r.bytes === 'number' ? `${r.bytes} B ` : '';
  return `${r.time ?? ''} ${r.remote ?? '-'} "${r.method} ${r.path ?? ''}" ${r.status ?? '-'} ${bytes}${r.ms ?? '-'} ms${aborted}`;
}

/** Creates serve's log on `io.stderr`. */
export function createServeLog(io: CliIo, format: LogFormat, level: LogLevel): ServeLog {
  const destination = {
    write(line: string): void {
      if (format === 'json') io.stderr.write(line);
      else io.stderr.write(`${textLine(JSON.parse(line) as AccessRecord)}\n`);
    },
  };
  const logger: Logger = pino(
    {
      level,
      base: null,
      timestamp: () => `,"time":"${new Date(io.now()).toISOString()}"`,
    },
    destination,
  );
  return {
    warn: (line) => {
      logger.warn(line);
    },
    announce(msg, fields = {}, text = [msg]) {
      if (format === 'json')
        io.stderr.write(`${JSON.stringify({ level: 30, time: new Date(io.now()).toISOString(), msg, ...fields })}\n`);
      else io.stderr.write(text.map((l) => `${l}\n`).join(''));
    },
    observe(req, res) {
      const t0 = performance.now();
      res.once('close', () => {
        const length = Number(res.getHeader('content-length'));
        logger.info({
          msg: 'request',
          method: req.method,
          // The path and query only: keys travel in headers, which are never logged.
          path: req.url,
          status: res.statusCode,
          bytes: Number.isFinite(length) ? length : null,
          ms: Math.round((performance.now() - t0) * 10) / 10,
          remote: req.socket.remoteAddress,
          ...(res.writableFinished ? {} : { aborted: true }),
        });
      });
    },
  };
}

/** Serve's banner: the first line stays `listening on URL` (scripts wait for it). */
export function serveBanner(o: { url: string; prefix: string; db: string; writeUsers: number }): string[] {
  const how = `${TOOL} add-user NAME --db ${o.db}`;
  return [
    `listening on ${o.url}`,
    `  API:         ${o.url}${o.prefix}/perfsonar/archive/`,
    `  database:    ${o.db}`,
    `  write users: ${o.writeUsers} active${o.writeUsers === 0 ? ' (reads only until one is added)' : ''}; add one with: ${how}`,
    '  stop with Ctrl-C (SIGINT) or SIGTERM',
  ];
}

/** What add-user says on stderr after printing the key (stdout keeps only the key line). */
export function addUserGuidance(name: string, rotated: boolean): string {
  return (
    `${rotated ? `The old key of ${name} no longer works. ` : ''}The key is shown only this once (the archive stores a hash).\n` +
    'Use it as ESMOND_KEY=<key> with the loaders, or send the header "Authorization: Token <key>".\n'
  );
}
