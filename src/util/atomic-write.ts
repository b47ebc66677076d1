/**
 * The one atomic file write (state and checkpoint files): write a temporary file in the same
 * directory, fsync it, rename it over the target. A crash or a kill leaves the old content or the
 * new one, never a torn file; without the fsync a power loss could leave an empty file renamed
 * into place.
 * @module
 */
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';

/** Options of {@link writeFileAtomic}. */
export interface AtomicWriteOptions {
  /** Permission bits of a new file. @defaultValue 0o666 (less the umask) */
  mode?: number;
}

/**
 * The temporary file a write of `path` goes through (one fixed name, so a file left by a killed
 * writer is overwritten by the next write, or removed with {@link removeAtomic}). Writers of one
 * path are serialised by their callers (a state lock, a coalescing checkpoint writer).
 */
export const tempPathOf = (path: string): string => `${path}.tmp`;

/** Replaces `path` with `text` atomically (temp file, fsync, rename). */
export async function writeFileAtomic(path: string, text: string, options: AtomicWriteOptions = {}): Promise<void> {
  const tmp = tempPathOf(path);
  const file = await open(tmp, 'w', options.mode ?? 0o666);
  try {
    await file.writeFile(text);
    await file.sync();
  } catch (err) {
    await file.close();
    await rm(tmp, { force: true });
    throw err;
  }
  await file.close();
  await rename(tmp, path);
}

/** {@link writeFileAtomic} for callers that must not yield (a loader saving its state between lines). */
export function writeFileAtomicSync(path: string, text: string, options: AtomicWriteOptions = {}): void {
  const tmp = tempPathOf(path);
  const fd = openSync(tmp, 'w', options.mode ?? 0o666);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } catch (err) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw err;
  }
  closeSync(fd);
  renameSync(tmp, path);
}

/** Writes `value` as JSON (two-space indent, final newline) atomically. */
export function writeJsonAtomic(path: string, value: unknown, options: AtomicWriteOptions = {}): Promise<void> {
  return writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`, options);
}

/** Removes `path` and a temporary file a write of it may have left. */
export async function removeAtomic(path: string): Promise<void> {
  await rm(path, { force: true });
  await rm(tempPathOf(path), { force: true });
}
