/**
 * The GridFTP transfer log in NetLogger form (`-log-transfer`): whitespace-separated `KEY=VALUE`
 * tokens (the original GridFTP loader's netlogger format). Unlike the original, a bad token never aborts the run (B33): the
 * line is reported as malformed. Values may contain `=` (split on the first one) and spaces (a
 * token that does not start a new upper-case `KEY=` continues the previous value, so
 * `FILE=/a b=2.dat` works).
 * Lines of the server's main log (`… :: Transfer stats: DATE=…`) are read too.
 * @module
 */
import { intOrText, type LineResult, type TransferRecord } from './transfer.js';

/** What comes before the fields on a line of the server's main log. */
const MAIN_LOG_MARK = 'Transfer stats:';

/** Seconds since the epoch of each day seen (`YYYYMMDD` → UTC midnight), so a line costs no Date call. */
const dayCache = new Map<string, number | undefined>();

function digitsAt(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    n = n * 10 + c;
  }
  return n;
}

function dayStart(text: string): number | undefined {
  const key = text.slice(0, 8);
  if (dayCache.has(key)) return dayCache.get(key);
  const y = digitsAt(text, 0, 4);
  const mo = digitsAt(text, 4, 6);
  const d = digitsAt(text, 6, 8);
  let secs: number | undefined;
  if (y >= 0 && mo >= 1 && mo <= 12 && d >= 1 && d <= 31) {
    const ms = Date.UTC(y, mo - 1, d);
    // Reject days that roll over into the next month (Feb 30).
    if (new Date(ms).getUTCDate() === d) secs = ms / 1000;
  }
  if (dayCache.size > 10_000) dayCache.clear();
  dayCache.set(key, secs);
  return secs;
}

/**
 * A NetLogger time (`%Y%m%d%H%M%S.%f`, UTC) as whole microseconds since the epoch, so durations
 * are exact like Python's timedelta.
 */
export function netloggerMicros(text: string): number | undefined {
  const len = text.length;
  if (len < 16 || len > 21 || text.charCodeAt(14) !== 46 /* . */) return undefined;
  const day = dayStart(text);
  const h = digitsAt(text, 8, 10);
  const mi = digitsAt(text, 10, 12);
  const s = digitsAt(text, 12, 14);
  const frac = digitsAt(text, 15, len);
  if (day === undefined || h < 0 || h > 23 || mi < 0 || mi > 59 || s < 0 || s > 61 || frac < 0) return undefined;
  return (day + h * 3600 + mi * 60 + s) * 1_000_000 + frac * 10 ** (6 - (len - 15));
}

/**
 * Where the `=` of a token that starts a field is, or -1. NetLogger keys are upper case
 * (`NL.EVNT`), except GridFTP's `retrans`.
 */
function fieldEquals(token: string): number {
  const c0 = token.charCodeAt(0);
  if (c0 === 114 /* r */) return token.startsWith('retrans=') ? 7 : -1;
  if (c0 < 65 || c0 > 90) return -1;
  for (let i = 1; i < token.length; i++) {
    const c = token.charCodeAt(i);
    if (c === 61 /* = */) return i;
    if (!((c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 46)) return -1;
  }
  return -1;
}

/** Fields under their keys as logged (`NL.EVNT`), or why the line has no `KEY=VALUE` structure. */
function rawFields(line: string): Map<string, string> | string {
  let text = line;
  const mark = text.indexOf(MAIN_LOG_MARK);
  if (mark >= 0) text = text.slice(mark + MAIN_LOG_MARK.length);
  const tokens = text.includes('\t') ? text.split(/[ \t]+/) : text.split(' ');
  const fields = new Map<string, string>();
  let last: string | undefined;
  for (const token of tokens) {
    if (token === '') continue;
    const eq = fieldEquals(token);
    if (eq > 0) {
      last = token.slice(0, eq);
      fields.set(last, token.slice(eq + 1));
    } else if (last === undefined) {
      return `token ${JSON.stringify(token.slice(0, 40))} is not KEY=VALUE`;
    } else {
      fields.set(last, `${fields.get(last)} ${token}`);
    }
  }
  return fields;
}

/**
 * Splits a line into fields: keys lower-cased with `.` → `_` (`NL.EVNT` → `nl_evnt`), as the
 * original's records have them.
 * @returns the fields, or a reason when the line has no `KEY=VALUE` structure.
 */
export function netloggerFields(line: string): Map<string, string> | string {
  const raw = rawFields(line);
  if (typeof raw === 'string') return raw;
  return new Map([...raw].map(([k, v]) => [k.toLowerCase().replace(/\./g, '_'), v]));
}

function retransmits(text: string | undefined): number[] | undefined {
  if (text === undefined || text === '') return [];
  const out: number[] = [];
  for (const part of text.split(',')) {
    const n = Number(part);
    if (!Number.isSafeInteger(n) || part.trim() === '' || part.includes('e') || part.includes('.')) return undefined;
    out.push(n);
  }
  return out;
}

/** Parses one line of a NetLogger transfer log. */
export function parseNetloggerLine(line: string): LineResult {
  if (line.trim() === '') return { kind: 'blank' };
  const fields = rawFields(line);
  if (typeof fields === 'string') return { kind: 'malformed', reason: fields };
  const type = fields.get('TYPE');
  if (type === undefined) return { kind: 'malformed', reason: 'no TYPE field' };
  if (type !== 'RETR' && type !== 'STOR') return { kind: 'other' };
  const host = fields.get('HOST');
  const rawDest = fields.get('DEST');
  if (!host) return { kind: 'malformed', reason: 'no HOST field' };
  if (!rawDest) return { kind: 'malformed', reason: 'no DEST field' };
  const startText = fields.get('START');
  const dateText = fields.get('DATE');
  const start = startText === undefined ? undefined : netloggerMicros(startText);
  const end = dateText === undefined ? undefined : netloggerMicros(dateText);
  if (start === undefined)
    return { kind: 'malformed', reason: `bad or missing START ${JSON.stringify(startText ?? '')}` };
  if (end === undefined) return { kind: 'malformed', reason: `bad or missing DATE ${JSON.stringify(dateText ?? '')}` };
  const nbytesText = fields.get('NBYTES');
  const nbytes = nbytesText === undefined ? null : Number(nbytesText);
  if (nbytes !== null && (!/^\d+$/.test(nbytesText ?? '') || !Number.isSafeInteger(nbytes))) {
    return { kind: 'malformed', reason: `bad NBYTES ${JSON.stringify(nbytesText)}` };
  }
  const codeText = fields.get('CODE');
  const code = codeText === undefined ? null : Number(codeText);
  if (code !== null && !/^\d+$/.test(codeText ?? ''))
    return { kind: 'malformed', reason: `bad CODE ${JSON.stringify(codeText)}` };
  const retrans = retransmits(fields.get('retrans'));
  if (retrans === undefined)
    return { kind: 'malformed', reason: `bad retrans ${JSON.stringify(fields.get('retrans'))}` };
  const record: TransferRecord = {
    type,
    host,
    dest: rawDest.replace(/^\[/, '').replace(/\]$/, ''),
    start: start / 1e6,
    end: end / 1e6,
    seconds: (end - start) / 1e6,
    nbytes,
    code,
    streams: intOrText(fields.get('STREAMS')),
    stripes: intOrText(fields.get('STRIPES')),
    program: intOrText(fields.get('PROG')),
    blockSize: intOrText(fields.get('BLOCK')),
    bufferSize: intOrText(fields.get('BUFFER')),
    user: fields.get('USER'),
    file: fields.get('FILE'),
    volume: fields.get('VOLUME'),
    retransmits: retrans,
  };
  return { kind: 'transfer', record };
}
