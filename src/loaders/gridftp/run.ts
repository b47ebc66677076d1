/**
 * One run of the gridftp loader: pick up where the last run stopped (or notice a rotated,
 * truncated or replaced log), read line by line, store transfers in batches, and move the state
 * forward only past lines whose transfers are stored. A batch that cannot be stored stops the run
 * with the state still before it, so nothing is skipped and nothing is loaded twice.
 * @module
 */
import { readdirSync, statSync } from 'node:fs';
import { isIP } from 'node:net';
import { dirname, join } from 'node:path';
import { deleteState, fileIdentity, readState, StateWriter, tailBefore, type LoaderState } from '../checkpoint.js';
import { RESOLVE_HINT, type HostResolver } from '../host-table.js';
import type { LoaderLog } from '../log.js';
import type { ArchiveSink, SinkItem } from '../sink.js';
import { parseJsonLogLine } from './json-log.js';
import { readLines } from './lines.js';
import { netloggerFields, parseNetloggerLine } from './netlogger.js';
import { transferToEsmond, type LineResult, type PrivacyFlags, type TransferRecord } from './transfer.js';

export type { HostResolver } from '../host-table.js';

/** Inputs of {@link runGridftpLoad}. */
export interface GridftpRunOptions {
  file: string;
  statePath: string;
  format: 'netlogger' | 'json';
  /** Write the state (false with `--dont_write`). */
  write: boolean;
  /** Stop after the first transfer that reached the posting stage. */
  single: boolean;
  /** Remove the state file after a run that stored everything (logrotate prerotate). */
  deleteState: boolean;
  /** Log `<n> records processed` every 100 transfers. */
  progress: boolean;
  /** Also log each stored batch and where the state now points. @defaultValue false */
  verbose?: boolean;
  privacy: PrivacyFlags;
  /** Transfers per batch (one state write per batch). */
  batchSize: number;
  resolve: HostResolver;
  /** Where transfers go ({@link ArchiveSink}, or a stand-in with its `store`). */
  sink: Pick<ArchiveSink, 'store'>;
  log: LoaderLog;
  now: () => number;
}

/** What a run did. */
export interface GridftpRunResult {
  /** RETR/STOR transfers read. */
  transfers: number;
  /** Transfers whose values are all in the archive now. */
  stored: number;
  /** Values written, and values the archive already had. */
  written: number;
  duplicates: number;
  /** Lines skipped as malformed (a transfer whose DEST is no IP address included: it can never be stored). */
  malformed: number;
  /** Transfers whose server host name did not resolve: the run stopped at the first one. */
  unresolved: number;
  /** Transfers the archive refused as invalid (400); skipped so they cannot block the log. */
  refused: number;
  /**
   * A transfer could not be stored for a reason that may pass (the archive failed, a host name did
   * not resolve): the run stopped and the state was left before it.
   */
  failed: boolean;
  /** Why the run stopped, in one line (when `failed`). */
  reason?: string;
}

/** A stretch of a log file to read. */
interface Segment {
  path: string;
  start: number;
  /** A finished (rotated) log: its last line needs no newline. */
  finished: boolean;
}

/** The file in `dir` with this device and inode (where logrotate moved the old log). */
function findByInode(dir: string, dev: number, ino: number): string | undefined {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return undefined;
  }
  for (const name of names) {
    const p = join(dir, name);
    try {
      const st = statSync(p);
      if (st.isFile() && st.dev === dev && st.ino === ino) return p;
    } catch {
      // Vanished while looking: not the one.
    }
  }
  return undefined;
}

/** Where to start, from the state and the files on disk. */
async function planSegments(opts: GridftpRunOptions, state: LoaderState | undefined): Promise<Segment[]> {
  const { file, log } = opts;
  const current = { path: file, start: 0, finished: false };
  if (state === undefined) {
    log('main.process', `No last record, processing ${file}`);
    return [current];
  }
  const id = fileIdentity(file);
  if (state.file !== file) {
    // The same file under another name (`-f log.1` right after logrotate renamed log): go on
    // from the stored offset if it still holds the bytes the state saw there.
    if (
      id.dev === state.dev &&
      id.ino === state.ino &&
      id.size >= state.offset &&
      (await tailBefore(file, state.offset)) === state.tail
    ) {
      log(
        'main.process',
        `File ${file} is ${state.file} of the state renamed (same device and inode, same content) - processing it from byte ${state.offset}`,
      );
      return [{ ...current, start: state.offset }];
    }
    log(
      'main.warn',
      `state file ${opts.statePath} belongs to ${state.file}, not ${file} - processing ${file} from the start`,
    );
    return [current];
  }
  if (id.dev === state.dev && id.ino === state.ino) {
    if (id.size < state.offset) {
      log(
        'main.warn',
        `File ${file} is shorter than the last stored position ${state.offset} (truncated?) - processing it from the start`,
      );
      return [current];
    }
    if ((await tailBefore(file, state.offset)) !== state.tail) {
      log('main.warn', `File ${file} does not contain last log entry. Maybe rotated?- proceeding`);
      return [current];
    }
    log('main.process', `File ${file} passes last record check`);
    return [{ ...current, start: state.offset }];
  }
  const old = findByInode(dirname(file), state.dev, state.ino);
  if (old !== undefined && (await tailBefore(old, state.offset)) === state.tail) {
    log(
      'main.process',
      `File ${file} was rotated to ${old}: finishing ${old} from byte ${state.offset}, then ${file} from the start`,
    );
    return [{ path: old, start: state.offset, finished: true }, current];
  }
  log(
    'main.warn',
    `File ${file} does not contain last log entry. Maybe rotated?- proceeding (the rotated log was not found next to it; lines written to it after the last run are not loaded)`,
  );
  return [current];
}

/** Same fields, same values: the original's test for "this is the last record". */
function sameRecord(fields: Map<string, string>, record: Record<string, string>): boolean {
  const keys = Object.keys(record);
  return fields.size === keys.length && keys.every((k) => fields.get(k) === record[k]);
}

/**
 * Where to start after the original loader: right after the line its pickle recorded. Starting
 * over is the fallback; it is safe, since the archive reports values it holds as duplicates.
 */
async function resumeFromLegacy(
  opts: GridftpRunOptions,
  record: Record<string, string> | undefined,
): Promise<Segment[]> {
  const { file, log } = opts;
  const start = { path: file, start: 0, finished: false };
  if (record === undefined || opts.format !== 'netlogger') {
    log(
      'main.warn',
      `state file ${opts.statePath} is a pickle of the original loader that cannot be read here - processing ${file} from the start (values already stored count as duplicates)`,
    );
    return [start];
  }
  log('main.start', `found last record of the original loader: ${JSON.stringify(record)}`);
  for await (const line of readLines(file, 0)) {
    const fields = netloggerFields(line.text);
    if (typeof fields !== 'string' && sameRecord(fields, record)) {
      log('main.process', `File ${file} passes last record check`);
      return [{ ...start, start: line.end }];
    }
  }
  log('main.warn', `File ${file} does not contain last log entry. Maybe rotated?- proceeding`);
  return [start];
}

/**
 * Loads a GridFTP transfer log into an archive.
 * @throws StateError for an unusable state file (before anything is read or stored).
 */
export async function runGridftpLoad(opts: GridftpRunOptions): Promise<GridftpRunResult> {
  const { log } = opts;
  const scope = opts.format === 'json' ? 'scan_and_load_json' : 'scan_and_load_netlogger';
  const parse: (line: string) => LineResult = opts.format === 'json' ? parseJsonLogLine : parseNetloggerLine;
  const res: GridftpRunResult = {
    transfers: 0,
    stored: 0,
    written: 0,
    duplicates: 0,
    malformed: 0,
    unresolved: 0,
    refused: 0,
    failed: false,
  };

  const loaded = readState(opts.statePath);
  let state: LoaderState | undefined;
  let segments: Segment[] | undefined;
  if (loaded === 'empty')
    log('main.warn', `state file ${opts.statePath} is empty (left by the original loader?) - ignoring it`);
  else if (loaded !== undefined && 'legacy' in loaded) {
    segments = await resumeFromLegacy(opts, loaded.legacy);
  } else if (loaded !== undefined && loaded.format !== opts.format) {
    log('main.warn', `state file ${opts.statePath} belongs to a ${loaded.format} log - ignoring it`);
  } else state = loaded;
  if (segments === undefined) {
    log('main.start', state === undefined ? 'no last record found' : `found last record: ${JSON.stringify(state)}`);
    segments = await planSegments(opts, state);
  }
  const addressCache = new Map<string, string | undefined>();
  /**
   * The server's address in the peer's family (the original did not restrict IPv4, B34), or why
   * there is none: for ever (`permanent`: DEST is no address) or for now (a name DNS does not know).
   */
  const hostIp = async (t: TransferRecord): Promise<{ ip: string } | { why: string; permanent: boolean }> => {
    const family = isIP(t.dest);
    if (family === 0) return { why: `DEST ${t.dest} is not an IP address`, permanent: true };
    const key = `${family} ${t.host}`;
    if (!addressCache.has(key))
      addressCache.set(key, await opts.resolve(t.host, family === 6 ? 6 : 4).catch(() => undefined));
    const ip = addressCache.get(key);
    return ip === undefined
      ? { why: `cannot resolve ${t.host} to an IPv${family} address (${RESOLVE_HINT})`, permanent: false }
      : { ip };
  };

  // State writes go on while the next batch is stored; all have ended before the run returns.
  const saver = new StateWriter(opts.statePath);
  /**
   * The last batch's store (false: it failed). The next batch is read while it runs, so parsing
   * and the archive's work overlap; it is stored only after this one, so nothing is stored (or
   * moves the state) past a batch that failed.
   */
  let storing = Promise.resolve(true);
  try {
    for (const seg of segments) {
      const id = fileIdentity(seg.path);
      let batch: SinkItem[] = [];
      let batchLines: string[] = [];
      let batchTransfers = 0;
      let consumed = seg.start;
      let lastTransfer: string | undefined;
      let stop = false;
      /** The offset the state was last written at in this segment (a second write there would change nothing). */
      let savedAt: number | undefined;

      /**
       * Stores the batch read so far once the previous one is stored, then moves the state past
       * it; false when a store failed. Unless `wait`, it returns once this batch's store started.
       */
      const flush = async (wait = false): Promise<boolean> => {
        if (!(await storing)) return false;
        storing = store(batch, batchLines, batchTransfers, consumed, lastTransfer);
        batch = [];
        batchLines = [];
        batchTransfers = 0;
        return wait ? storing : true;
      };
      const store = async (
        batch: SinkItem[],
        lines: string[],
        batchTransfers: number,
        consumed: number,
        lastTransfer: string | undefined,
      ): Promise<boolean> => {
        if (batch.length > 0) {
          try {
            const counts = await opts.sink.store(batch, (i, err) => {
              res.refused += 1;
              batchTransfers -= 1;
              log(
                `${scope}.error`,
                `the archive refused the transfer of row: ${(lines[i] ?? '').slice(0, 200)} - skipping it: ${err.message}`,
              );
            });
            res.written += counts.written;
            res.duplicates += counts.duplicates;
            if (opts.verbose) {
              log(
                `${scope}.debug`,
                `stored ${batchTransfers} transfer(s) of ${seg.path} up to byte ${consumed}: ${counts.written} value(s), ${counts.duplicates} already stored`,
              );
            }
          } catch (err) {
            log(
              `${scope}.error`,
              `storing failed, abort processing, not updating state - ERR: ${(err as Error).message}`,
            );
            res.failed = true;
            res.reason = `storing failed: ${(err as Error).message}`;
            return false;
          }
          res.stored += batchTransfers;
        }
        if (opts.write && consumed !== savedAt) {
          const offset = consumed;
          const last = lastTransfer;
          const updated = opts.now();
          saver.save(async () => ({
            version: 1,
            format: opts.format,
            // The live log's name, also while finishing its rotated predecessor (identified by inode).
            file: opts.file,
            dev: id.dev,
            ino: id.ino,
            offset,
            tail: await tailBefore(seg.path, offset),
            ...(last !== undefined ? { lastTransfer: last } : {}),
            updated,
          }));
          savedAt = consumed;
        }
        return true;
      };

      for await (const line of readLines(seg.path, seg.start, { partialTail: seg.finished })) {
        if (res.failed) break; // the batch being stored failed: read no further
        const parsed = parse(line.text);
        if (parsed.kind === 'malformed') {
          res.malformed += 1;
          log(
            `${scope}.warning`,
            `skipping malformed line ${JSON.stringify(line.text.slice(0, 200))}: ${parsed.reason}`,
          );
        } else if (parsed.kind === 'transfer') {
          res.transfers += 1;
          const host = await hostIp(parsed.record);
          if ('why' in host && !host.permanent) {
            // It may resolve later (or be given): store what came before it, leave the state before it, stop.
            res.unresolved += 1;
            log(
              `${scope}.error`,
              `could not generate metadata args for row: ${line.text.slice(0, 200)} - exception: ${host.why}`,
            );
            log(
              `${scope}.error`,
              `stopping before this transfer (byte ${consumed} of ${seg.path}); the next run starts with it`,
            );
            if (await flush(true)) {
              res.failed = true;
              res.reason = `${host.why}; stopped before that transfer, the state stays before it`;
            }
            break;
          }
          if ('why' in host) {
            res.malformed += 1;
            log(
              `${scope}.error`,
              `could not generate metadata args for row: ${line.text.slice(0, 200)} - exception: ${host.why}`,
            );
          } else {
            const e = transferToEsmond(parsed.record, host.ip, { ...opts.privacy, json: opts.format === 'json' });
            batch.push(e);
            batchLines.push(line.text);
            batchTransfers += 1;
            lastTransfer = line.text;
            if (opts.single) stop = true;
          }
          if (opts.progress && res.transfers % 100 === 0) log(`${scope}.info`, `${res.transfers} records processed`);
        }
        consumed = line.end;
        if (stop || batchTransfers >= opts.batchSize) {
          if (!(await flush(stop)) || stop) break;
        }
      }
      // A failed batch or -S ends the run; otherwise the segment's last transfers (and the lines after them) are stored.
      if (res.failed || stop || !(await flush(true))) break;
    }
  } finally {
    await storing;
    await saver.idle();
  }
  saver.check();

  log(`${scope}.end`, `Loaded ${res.stored} records`);
  if (opts.deleteState && !res.failed) {
    deleteState(opts.statePath);
  }
  return res;
}
