/**
 * The GridFTP transfer log in NetLogger form (`-log-transfer`): whitespace-separated `KEY=VALUE`
 * tokens (client spec §7.3). Unlike the original, a bad token never aborts the run (B33): the
 * line is reported as malformed. Values may contain `=` (split on the first one) and spaces (a
 * token that does not start a new upper-case `KEY=` continues the previous value, so
 * `FILE=/a b=2.dat` works).
 * Lines of the server's main log (`… :: Transfer stats: DATE=…`) are read too.
 * @module
 */
import { intOrText, type LineResult, type TransferRecord } from './transfer.js';

/** A token starting a field: NetLogger keys are upper case, except GridFTP's `retrans`. */
const KEY = /^(?:[A-Z][A-Z0-9_.]*|retrans)=/;
const STAMP = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})\.(\d{1,6})$/;
const MAIN_LOG_MARK = 'Transfer stats:';

/**
 * A NetLogger time (`%Y%m%d%H%M%S.%f`, UTC) as whole microseconds since the epoch, so durations
 * are exact like Python's timedelta.
 */
export function netloggerMicros(text: string): number | undefined {
  const m = STAMP.exec(text);
  if (m === null) return undefined;
  const [, y, mo, d, h, mi, s, frac = '0'] = m;
  const month = Number(mo);
  if (month < 1 || month > 12 || Number(d) < 1 || Number(d) > 31 || Number(h) > 23 || Number(mi) > 59 || Number(s) > 61) return undefined;
  const secs = Date.UTC(Number(y), month - 1, Number(d), Number(h), Number(mi), Number(s)) / 1000;
  return secs * 1_000_000 + Number(frac.padEnd(6, '0'));
}

/**
 * Splits a line into fields: keys lower-cased with `.` → `_` (`NL.EVNT` → `nl_evnt`).
 * @returns the fields, or a reason when the line has no `KEY=VALUE` structure.
 */
export function netloggerFields(line: string): Map<string, string> | string {
  let text = line;
  const mark = text.indexOf(MAIN_LOG_MARK);
  if (mark >= 0) text = text.slice(mark + MAIN_LOG_MARK.length);
  const tokens = text.trim().split(/[ \t]+/);
  const fields = new Map<string, string>();
  let last: string | undefined;
  for (const token of tokens) {
    if (KEY.test(token)) {
      const eq = token.indexOf('=');
      last = token.slice(0, eq).toLowerCase().replace(/\./g, '_');
      fields.set(last, token.slice(eq + 1));
    } else if (last === undefined) {
      return `token ${JSON.stringify(token.slice(0, 40))} is not KEY=VALUE`;
    } else {
      fields.set(last, `${fields.get(last)} ${token}`);
    }
  }
  return fields;
}

function retransmits(text: string | undefined): number[] | undefined {
  if (text === undefined || text === '') return [];
  const out: number[] = [];
  for (const part of text.split(',')) {
    if (!/^\s*[+-]?\d+\s*$/.test(part)) return undefined;
    out.push(Number(part));
  }
  return out;
}

/** Parses one line of a NetLogger transfer log. */
export function parseNetloggerLine(line: string): LineResult {
  if (line.trim() === '') return { kind: 'blank' };
  const fields = netloggerFields(line);
  if (typeof fields === 'string') return { kind: 'malformed', reason: fields };
  const type = fields.get('type');
  if (type === undefined) return { kind: 'malformed', reason: 'no TYPE field' };
  if (type !== 'RETR' && type !== 'STOR') return { kind: 'other' };
  const host = fields.get('host');
  const rawDest = fields.get('dest');
  if (!host) return { kind: 'malformed', reason: 'no HOST field' };
  if (!rawDest) return { kind: 'malformed', reason: 'no DEST field' };
  const startText = fields.get('start');
  const dateText = fields.get('date');
  const start = startText === undefined ? undefined : netloggerMicros(startText);
  const end = dateText === undefined ? undefined : netloggerMicros(dateText);
  if (start === undefined) return { kind: 'malformed', reason: `bad or missing START ${JSON.stringify(startText ?? '')}` };
  if (end === undefined) return { kind: 'malformed', reason: `bad or missing DATE ${JSON.stringify(dateText ?? '')}` };
  const nbytesText = fields.get('nbytes');
  const nbytes = nbytesText === undefined ? null : Number(nbytesText);
  if (nbytes !== null && (!/^\d+$/.test(nbytesText ?? '') || !Number.isSafeInteger(nbytes))) {
    return { kind: 'malformed', reason: `bad NBYTES ${JSON.stringify(nbytesText)}` };
  }
  const codeText = fields.get('code');
  const code = codeText === undefined ? null : Number(codeText);
  if (code !== null && !/^\d+$/.test(codeText ?? '')) return { kind: 'malformed', reason: `bad CODE ${JSON.stringify(codeText)}` };
  const retrans = retransmits(fields.get('retrans'));
  if (retrans === undefined) return { kind: 'malformed', reason: `bad retrans ${JSON.stringify(fields.get('retrans'))}` };
  const record: TransferRecord = {
    type,
    host,
    dest: rawDest.replace(/^\[/, '').replace(/\]$/, ''),
    start: start / 1e6,
    end: end / 1e6,
    seconds: (end - start) / 1e6,
    nbytes,
    code,
    streams: intOrText(fields.get('streams')),
    stripes: intOrText(fields.get('stripes')),
    program: intOrText(fields.get('prog')),
    blockSize: intOrText(fields.get('block')),
    bufferSize: intOrText(fields.get('buffer')),
    user: fields.get('user'),
    file: fields.get('file'),
    volume: fields.get('volume'),
    retransmits: retrans,
  };
  return { kind: 'transfer', record };
}
