/**
 * Shared by the gridftp loader tests: a fake DNS, generated NetLogger lines (one distinct transfer
 * each), what the archive should hold for them, what it holds, and the `main.end` counters.
 */
import assert from 'node:assert/strict';
import { parseNetloggerLine } from '../../src/loaders/gridftp/netlogger.js';
import { parseJsonLogLine } from '../../src/loaders/gridftp/json-log.js';
import { transferToEsmond } from '../../src/loaders/gridftp/transfer.js';
import type { GridftpRunOptions } from '../../src/loaders/gridftp/run.js';
import type { TestArchive } from '../helpers/archive.js';
import { captureIo as capture, type CapturedIo } from '../helpers/capture-io.js';
import { allMetadata, storedForm, storedValues } from './archive-compare.js';

export const HOST_IP = '192.0.2.50';
export const DNS: Record<string, { 4?: string; 6?: string }> = {
  'gftp.example.org': { 4: HOST_IP, 6: '2001:db8::50' },
  localhost: { 4: '127.0.0.1', 6: '::1' },
  'gridftp1.example.org': { 4: '192.0.2.7' },
};
export const resolve = async (h: string, f: 4 | 6) => DNS[h]?.[f];

const pad = (n: number, w = 2) => String(n).padStart(w, '0');
function stamp(epochMicros: number): string {
  const d = new Date(Math.floor(epochMicros / 1000));
  return `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}.${pad(epochMicros % 1_000_000, 6)}`;
}

/** A distinct transfer per i (own second, own size): RETR/STOR, every 7th a failure, every 5th a LIST. */
export function netLine(i: number): string {
  const start = (1_700_000_000 + i * 7) * 1_000_000 + 250_000;
  const type = i % 5 === 4 ? 'LIST' : i % 2 === 0 ? 'RETR' : 'STOR';
  const code = i % 7 === 6 ? 426 : 226;
  return (
    `DATE=${stamp(start + 1_000_000 + (i % 9) * 100_000)} HOST=gftp.example.org PROG=globus-gridftp-server NL.EVNT=FTP_INFO ` +
    `START=${stamp(start)} USER=u${i} FILE=/data/f${i}.dat BUFFER=87380 BLOCK=262144 NBYTES=${1_000_000 + i} VOLUME=/ ` +
    `STREAMS=4 STRIPES=1 DEST=[198.51.100.${(i % 5) + 1}] TYPE=${type} CODE=${code} retrans=${i % 3},1,2,3`
  );
}
export const lines = (from: number, to: number): string =>
  Array.from({ length: to - from }, (_, k) => `${netLine(from + k)}\n`).join('');

/** What an archive should hold for these log lines: (subject, size, ts, event type) → stored value. */
export function expectedFrom(text: string, json = false): Map<string, unknown> {
  const want = new Map<string, unknown>();
  for (const line of text.split('\n')) {
    const r = json ? parseJsonLogLine(line) : parseNetloggerLine(line);
    if (r.kind !== 'transfer') continue;
    const ip = DNS[r.record.host]?.[r.record.dest.includes(':') ? 6 : 4];
    assert.ok(ip !== undefined, `no test address for ${r.record.host}`);
    const e = transferToEsmond(r.record, ip, { json });
    for (const v of e.values) {
      const id = `${e.metadata.source}|${e.metadata.destination}|${String(e.metadata['gridftp-bytes-transferred'])}|${e.ts} ${v['event-type']}`;
      assert.ok(!want.has(id), `test log has two transfers with one identity: ${id}`);
      want.set(id, storedForm(v['event-type'], v.val));
    }
  }
  return want;
}

/** What the archive holds for gridftp, in the same keys. */
export async function held(a: TestArchive): Promise<Map<string, unknown>> {
  const out = new Map<string, unknown>();
  for (const md of await allMetadata(a.archiveUrl, '&tool-name=gridftp')) {
    for (const [k, v] of await storedValues(a.url, md)) {
      out.set(`${md.source}|${md.destination}|${String(md['gridftp-bytes-transferred'])}|${k}`, v);
    }
  }
  return out;
}

/**
 * The engine options of a plain run over the NetLogger log `file` with its state at `statePath`:
 * state written, the whole log, no progress lines, no privacy rules, a stopped clock. Each test
 * adds its sink, batch size and log.
 */
export function netloggerRun(
  file: string,
  statePath: string,
  resolveHost: GridftpRunOptions['resolve'] = resolve,
): Omit<GridftpRunOptions, 'sink' | 'batchSize' | 'log'> {
  return {
    file,
    statePath,
    format: 'netlogger',
    write: true,
    single: false,
    deleteState: false,
    progress: false,
    privacy: {},
    resolve: resolveHost,
    now: () => 0,
  };
}

export const captureIo = (cwd: string): CapturedIo => capture({ cwd, now: Date.UTC(2026, 0, 1, 12) });

/** `main.end` counters of a run's log. */
export type Counters = {
  transfers: number;
  stored: number;
  values: number;
  duplicates: number;
  malformed: number;
  unresolved: number;
};
export function counters(log: string): Counters {
  const m = /event=main\.end id=\d+ (.*)\n/.exec(log);
  assert.ok(m, log);
  const kv = new Map(m[1]!.split(' ').map((x) => x.split('=') as [string, string]));
  const get = (k: string): number => Number(kv.get(k) ?? NaN);
  return {
    transfers: get('transfers'),
    stored: get('stored'),
    values: get('values'),
    duplicates: get('duplicates'),
    malformed: get('malformed'),
    unresolved: get('unresolved'),
  };
}
