/**
 * The gridftp loader's resume state, as JSON (never pickle, B31), written atomically (temp file +
 * fsync + rename) so a crash leaves the old or the new state, never a torn one. It records which
 * file (device + inode), how far it was stored (byte offset just past the last stored line) and the
 * bytes before that offset, so a rotated, truncated or replaced log is recognised.
 * @module
 */
import { closeSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { parseLegacyPickle } from './gridftp/legacy-pickle.js';
import { writeFileAtomic } from '../util/atomic-write.js';

/** State file contents. */
export interface LoaderState {
  version: 1;
  /** Log format the state belongs to. */
  format: 'netlogger' | 'json';
  /** Path of the live log as given (`-f`). */
  file: string;
  /** Identity of the file the offset belongs to: the live log, or its rotated predecessor. */
  dev: number;
  ino: number;
  /** Byte offset just past the last line whose transfer is stored. */
  offset: number;
  /** Base64 of up to {@link TAIL_BYTES} bytes just before `offset`. */
  tail: string;
  /** The last stored transfer line (for people reading the file). */
  lastTransfer?: string;
  /** UNIX ms of the write. */
  updated: number;
}

/** Bytes before the offset kept to recognise the same content again. */
export const TAIL_BYTES = 256;

/** A state file that cannot be used; the message says why and what to do. */
export class StateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StateError';
  }
}

/** A state file of the original loader: its pickled last record, when it could be read. */
export interface LegacyState {
  legacy: Record<string, string> | undefined;
}

/**
 * Reads a state file.
 * @returns the state, `undefined` when there is no file, `'empty'` for a 0-byte file (the
 * original leaves those behind, B31), or the original's pickled record ({@link LegacyState}).
 * @throws StateError for a file that is neither this tool's JSON state nor a pickle.
 */
export function readState(path: string): LoaderState | LegacyState | 'empty' | undefined {
  let raw: Buffer;
  try {
    raw = readFileSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new StateError(`cannot read state file ${path}: ${(err as Error).message}`);
  }
  if (raw.length === 0) return 'empty';
  if (raw[0] === 0x80 || raw[0] === 0x28 /* ( */ || raw[0] === 0x7d /* } */) return { legacy: parseLegacyPickle(raw) };
  let doc: unknown;
  try {
    doc = JSON.parse(raw.toString('utf8'));
  } catch {
    throw new StateError(`state file ${path} is not valid JSON; remove it to start over`);
  }
  const s = doc as Partial<LoaderState> | null;
  if (
    s === null ||
    typeof s !== 'object' ||
    s.version !== 1 ||
    (s.format !== 'netlogger' && s.format !== 'json') ||
    typeof s.file !== 'string' ||
    !Number.isSafeInteger(s.dev) ||
    !Number.isSafeInteger(s.ino) ||
    !Number.isSafeInteger(s.offset) ||
    (s.offset ?? -1) < 0 ||
    typeof s.tail !== 'string'
  ) {
    throw new StateError(`state file ${path} is not a state of this loader (version 1); remove it to start over`);
  }
  return s as LoaderState;
}

/** Writes the state atomically: temp file in the same directory, fsync, rename. */
export function writeStateAtomic(path: string, state: LoaderState): Promise<void> {
  return writeFileAtomic(path, `${JSON.stringify(state, null, 1)}\n`, { mode: 0o600 });
}

/**
 * The state writes of one run, each behind the batch after it: a write (an fsync) runs while
 * the next batch is being stored, one write at a time, in order. Only a stored batch's state is
 * ever saved, so a write that has not happened yet only means a run restarting earlier.
 */
export class StateWriter {
  private chain: Promise<void> = Promise.resolve();
  private failure: { error: unknown } | undefined;

  constructor(private readonly path: string) {}

  /** Queues a write of the state `build` makes (when its turn comes); throws an earlier write's error. */
  save(build: () => Promise<LoaderState>): void {
    this.check();
    this.chain = this.chain
      .then(async () => {
        if (this.failure === undefined) await writeStateAtomic(this.path, await build());
      })
      .catch((error: unknown) => {
        this.failure ??= { error };
      });
  }

  /** Resolves once every queued write ended (never rejects: see {@link check}). */
  idle(): Promise<void> {
    return this.chain;
  }

  /** Throws the error of the first write that failed. */
  check(): void {
    if (this.failure !== undefined) throw this.failure.error;
  }
}

/** Removes a state file; a missing one is fine (B36). */
export function deleteState(path: string): void {
  rmSync(path, { force: true });
}

/** Identity of a file. */
export function fileIdentity(path: string): { dev: number; ino: number; size: number } {
  const st = statSync(path);
  return { dev: st.dev, ino: st.ino, size: st.size };
}

/** Base64 of the up to {@link TAIL_BYTES} bytes before `offset`. */
export async function tailBefore(path: string, offset: number): Promise<string> {
  const n = Math.min(offset, TAIL_BYTES);
  if (n === 0) return '';
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(n);
    const { bytesRead } = await fh.read(buf, 0, n, offset - n);
    return buf.subarray(0, bytesRead).toString('base64');
  } finally {
    await fh.close();
  }
}

/** Another run holds the state's lock. */
export class LockedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LockedError';
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes `<state>.lock` so two runs (a slow cron job and the next one) never work on one state at
 * once. A lock left by a process that no longer exists is taken over.
 * @returns a function that releases the lock.
 * @throws LockedError when a live process holds it.
 */
export function lockState(statePath: string): () => void {
  const lockPath = `${statePath}.lock`;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockPath, 'wx', 0o600);
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      return () => {
        rmSync(lockPath, { force: true });
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = Number.parseInt(readFileSync(lockPath, 'utf8'), 10);
      if (Number.isInteger(pid) && pid > 0 && alive(pid)) {
        throw new LockedError(`another run (pid ${pid}) is using ${statePath}; remove ${lockPath} if that is wrong`);
      }
      rmSync(lockPath, { force: true }); // stale: its process is gone
    }
  }
  throw new LockedError(`cannot take the lock ${lockPath}`);
}
