/**
 * The GridFTP JSON transfer log (`-J`): one object per line; `Transfer-End` objects are the
 * finished transfers (the original GridFTP loader's JSON format). Keys inside `getrusage`, `iostat`, `mpstat` and each
 * stream's `TCPinfo` are normalised (lower case, `/` → `_`, `%` removed) on copies — the input is
 * never modified. Fixes over the original (B35): a null stripe is ignored, `ret_code` is honoured.
 * @module
 */
import { isJsonObject as isObj, type JsonObject as Obj } from '../../model/json-object.js';
import type { LineResult, TransferRecord } from './transfer.js';

/** `rkB/s` → `rkb_s`, `%util` → `util`, `State` → `state`. */
export function normaliseStatKey(key: string): string {
  return key.toLowerCase().replace(/\//g, '_').replace(/%/g, '');
}

function normalisedCopy(v: unknown): unknown {
  if (!isObj(v)) return v;
  const out: Obj = {};
  for (const [k, val] of Object.entries(v)) out[normaliseStatKey(k)] = val;
  return out;
}

/** `float()` of a number or numeric string. */
function seconds(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return undefined;
}

function scalar(v: unknown): number | string | undefined {
  if (typeof v === 'number' || typeof v === 'string') return v;
  return undefined;
}

/** Parses one line of a JSON transfer log. */
export function parseJsonLogLine(line: string): LineResult {
  if (line.trim() === '') return { kind: 'blank' };
  let doc: unknown;
  try {
    doc = JSON.parse(line);
  } catch {
    return { kind: 'malformed', reason: 'log line is not valid JSON' };
  }
  if (!isObj(doc)) return { kind: 'malformed', reason: 'log line is not a JSON object' };
  if (doc.event_type !== 'Transfer-End') return { kind: 'other' };
  const type = doc.cmd_type;
  if (type !== 'RETR' && type !== 'STOR') return { kind: 'other' };
  const host = typeof doc.host === 'string' ? doc.host.trim() : '';
  const dest = typeof doc.dest === 'string' ? doc.dest.trim().replace(/^\[/, '').replace(/\]$/, '') : '';
  if (host === '') return { kind: 'malformed', reason: 'no "host"' };
  if (dest === '') return { kind: 'malformed', reason: 'no "dest"' };
  const start = seconds(doc.start_timestamp);
  const end = seconds(doc.end_timestamp);
  if (start === undefined) return { kind: 'malformed', reason: 'bad or missing "start_timestamp"' };
  if (end === undefined) return { kind: 'malformed', reason: 'bad or missing "end_timestamp"' };
  const nbytes = doc.nbytes === undefined || doc.nbytes === null ? null : Number(doc.nbytes);
  if (nbytes !== null && !Number.isSafeInteger(nbytes)) return { kind: 'malformed', reason: 'bad "nbytes"' };
  let code: number | null = null;
  if (doc.ret_code !== undefined && doc.ret_code !== null) {
    code = Number(doc.ret_code);
    if (!Number.isInteger(code)) return { kind: 'malformed', reason: 'bad "ret_code"' };
  }
  const streams = Array.isArray(doc.streams) ? doc.streams.filter(isObj) : [];
  const stripeIds = streams.map((s) => s.stripe).filter((s): s is number => typeof s === 'number');
  const retransmits: number[] = [];
  for (const s of streams) {
    const r = isObj(s.TCPinfo) ? s.TCPinfo.total_retrans : undefined;
    if (typeof r === 'number') retransmits.push(r);
  }
  const record: TransferRecord = {
    type,
    host,
    dest,
    start,
    end,
    seconds: end - start,
    nbytes,
    code,
    streams: scalar(doc.nstreams),
    stripes: stripeIds.length > 0 ? Math.max(...stripeIds) + 1 : undefined,
    program: scalar(doc.prog),
    blockSize: scalar(doc.globus_blocksize),
    bufferSize: scalar(doc.tcp_bufsize),
    user: typeof doc.user === 'string' ? doc.user : undefined,
    file: typeof doc.file === 'string' ? doc.file : undefined,
    volume: typeof doc.volume === 'string' ? doc.volume : undefined,
    retransmits,
  };
  if (doc.getrusage !== undefined) record.rusage = normalisedCopy(doc.getrusage);
  if (doc.iostat !== undefined) record.iostat = normalisedCopy(doc.iostat);
  if (doc.mpstat !== undefined) record.mpstat = normalisedCopy(doc.mpstat);
  if (Array.isArray(doc.streams)) {
    record.tcpinfo = streams.map((s) => (isObj(s.TCPinfo) ? { ...s, TCPinfo: normalisedCopy(s.TCPinfo) } : { ...s }));
  }
  return { kind: 'transfer', record };
}
