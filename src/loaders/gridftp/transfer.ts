/**
 * A GridFTP transfer as both log formats describe it, and its esmond form: one metadata per
 * transfer (the archive returns the existing one for identical bodies) plus the values stored at
 * the transfer's start second (the original GridFTP loader's netlogger format; the original GridFTP loader's JSON format).
 * @module
 */
import type { WireNewMetadata } from '../../model/wire.js';
import type { EsmondItem } from '../esmond-item.js';

/** One RETR (server sends) or STOR (server receives) transfer. */
export interface TransferRecord {
  type: 'RETR' | 'STOR';
  /** The server's host name as logged. */
  host: string;
  /** The peer's address (brackets removed). */
  dest: string;
  /** Start and end, UNIX seconds with fraction. */
  start: number;
  end: number;
  /** Duration in seconds, computed exactly from microseconds where the log gives them. */
  seconds: number;
  nbytes: number | null;
  /** FTP reply code; `null` when the log has none (JSON logs without `ret_code`). */
  code: number | null;
  /** Free-form parameters (int where the text is an integer), `undefined` when not logged. */
  streams: number | string | undefined;
  stripes: number | string | undefined;
  program: number | string | undefined;
  blockSize: number | string | undefined;
  bufferSize: number | string | undefined;
  user: string | undefined;
  file: string | undefined;
  volume: string | undefined;
  /** Retransmits per stream. */
  retransmits: number[];
  /** JSON logs only: system and per-stream details, keys already normalised. */
  rusage?: unknown;
  iostat?: unknown;
  mpstat?: unknown;
  tcpinfo?: unknown[];
}

/** What one log line is. */
export type LineResult =
  | { kind: 'transfer'; record: TransferRecord }
  /** A well-formed line that is not a finished RETR/STOR transfer (LIST, Transfer-Start, …). */
  | { kind: 'other' }
  | { kind: 'blank' }
  | { kind: 'malformed'; reason: string };

/** Privacy opt-ins (-F, -N, -V): the file, user and volume are sensitive, so off by default. */
export interface PrivacyFlags {
  file?: boolean;
  user?: boolean;
  volume?: boolean;
}

/** Reply texts of the FTP codes (the original's table), for the failures value. */
export const FTP_CODE_TEXT: Readonly<Record<number, string>> = {
  200: 'Command okay.',
  202: 'Command not implemented, superfluous at this site.',
  211: 'System status, or system help reply.',
  212: 'Directory status.',
  213: 'File status.',
  214: 'Help message.',
  215: 'NAME system type.',
  220: 'Service ready for new user.',
  221: 'Service closing control connection.',
  225: 'Data connection open; no transfer in progress.',
  226: 'Closing data connection.',
  227: 'Entering Passive Mode (h1,h2,h3,h4,p1,p2).',
  230: 'User logged in, proceed.',
  250: 'Requested file action okay, completed.',
  257: '"PATHNAME" created.',
  331: 'User name okay, need password.',
  332: 'Need account for login.',
  350: 'Requested file action pending further information.',
  421: 'Service not available, closing control connection.',
  425: 'Cant open data connection.',
  426: 'Connection closed; transfer aborted.',
  450: 'Requested file action not taken.',
  451: 'Requested action aborted: local error in processing.',
  452: 'Requested action not taken.',
  500: 'Syntax error, command unrecognized.',
  501: 'Syntax error in parameters or arguments.',
  502: 'Command not implemented.',
  503: 'Bad sequence of commands.',
  504: 'Command not implemented for that parameter.',
  530: 'Not logged in.',
  532: 'Need account for storing files.',
  550: 'Requested action not taken.',
  551: 'Requested action aborted: page type unknown.',
  552: 'Requested file action aborted.',
  553: 'Requested action not taken.',
};

/** Options of {@link transferToEsmond}. */
export interface TransferMapOptions extends PrivacyFlags {
  /** The JSON-log event types (rusage, iostat, mpstat, streams-tcpinfo) are declared (B35 fixed). */
  json?: boolean;
}

/**
 * The metadata and values of one transfer.
 * @param hostIp - the server's address in the peer's family (the caller resolves `host`).
 */
export function transferToEsmond(t: TransferRecord, hostIp: string, options: TransferMapOptions = {}): EsmondItem {
  const send = t.type === 'RETR';
  const eventTypes = ['throughput', 'streams-packet-retransmits', 'failures'];
  if (options.json) eventTypes.push('rusage', 'iostat', 'mpstat', 'streams-tcpinfo');
  const md: WireNewMetadata = {
    'subject-type': 'point-to-point',
    source: send ? hostIp : t.dest,
    destination: send ? t.dest : hostIp,
    'tool-name': 'gridftp',
    'measurement-agent': hostIp,
    'input-source': send ? t.host : t.dest,
    'input-destination': send ? t.dest : t.host,
    'event-types': eventTypes.map((et) => ({ 'event-type': et, summaries: [] })),
  };
  // The original sends a missing value as null, which an archive cannot store: left out instead.
  const free: [string, unknown][] = [
    ['bw-parallel-streams', t.streams],
    ['bw-stripes', t.stripes],
    ['gridftp-program', t.program],
    ['gridftp-block-size', t.blockSize],
    ['tcp-window-size', t.bufferSize],
    ['gridftp-bytes-transferred', t.nbytes],
  ];
  if (options.file) free.push(['gridftp-file', t.file]);
  if (options.user) free.push(['gridftp-user', t.user]);
  if (options.volume) free.push(['gridftp-volume', t.volume]);
  for (const [k, v] of free) if (v !== undefined && v !== null && v !== '') md[k] = v;

  const ts = Math.trunc(t.start);
  const values: EsmondItem['values'] = [];
  if (t.code !== null && t.code !== 226) {
    values.push({ 'event-type': 'failures', val: { error: `${t.code} ${FTP_CODE_TEXT[t.code] ?? 'None'}` } });
    return { metadata: md, ts, values };
  }
  if (t.seconds > 0 && t.nbytes !== null) values.push({ 'event-type': 'throughput', val: (8 * t.nbytes) / t.seconds });
  values.push({ 'event-type': 'streams-packet-retransmits', val: t.retransmits });
  if (options.json) {
    if (t.iostat !== undefined) values.push({ 'event-type': 'iostat', val: t.iostat });
    if (t.mpstat !== undefined) values.push({ 'event-type': 'mpstat', val: t.mpstat });
    if (t.rusage !== undefined) values.push({ 'event-type': 'rusage', val: t.rusage });
    if (t.tcpinfo !== undefined) values.push({ 'event-type': 'streams-tcpinfo', val: t.tcpinfo });
  }
  return { metadata: md, ts, values };
}

/** `int()` of a text when it is a plain integer, else the text itself. */
export function intOrText(v: string | undefined): number | string | undefined {
  if (v === undefined) return undefined;
  return /^\s*[+-]?\d+\s*$/.test(v) && Number.isSafeInteger(Number(v)) ? Number(v) : v;
}
