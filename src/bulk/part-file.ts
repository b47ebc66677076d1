/**
 * The temporary file a series is written to before it gets its final name. Writes are
 * buffered; `commit()` makes everything so far durable enough for a checkpoint to point at it
 * (it is in the kernel, so it survives kill -9), and `rollback()` drops everything since the
 * last commit, so a failed window leaves no trace.
 * @module
 */
import { open, rename, rm, type FileHandle } from 'node:fs/promises';

/** Suffix of files being written; they never carry a final name. */
export const PART_SUFFIX = '.part';

/**
 * Size of the write buffer. Text is encoded straight into one buffer that lives as long as the
 * file, so writing a gigabyte allocates no per-write Buffers (each would be malloc'd memory
 * that stays in the process until a GC finds its wrapper dead).
 */
const BUFFER_BYTES = 1 << 18;

const DONE: Promise<void> = Promise.resolve();

/** A `.part` file open for appending at a known committed length. */
export class PartFile {
  private readonly buffer = Buffer.allocUnsafe(BUFFER_BYTES);
  private buffered = 0;
  /** Bytes on disk (committed or not). */
  private position: number;

  private constructor(
    private readonly handle: FileHandle,
    readonly path: string,
    /** Bytes known to be good: a checkpoint may record this number. */
    public committed: number,
  ) {
    this.position = committed;
  }

  /**
   * Opens `path` for writing from byte `from`: creates it (truncated) when `from` is 0, else
   * requires it to be at least `from` bytes long and cuts it there (what a killed run wrote after
   * its last checkpoint is dropped).
   */
  static async open(path: string, from: number): Promise<PartFile> {
    const handle = await open(path, from === 0 ? 'w' : 'r+');
    try {
      if (from > 0) {
        const { size } = await handle.stat();
        if (size < from) throw new Error(`${path} is shorter (${size} bytes) than its checkpoint (${from} bytes)`);
      }
      await handle.truncate(from);
    } catch (err) {
      await handle.close();
      throw err;
    }
    return new PartFile(handle, path, from);
  }

  /**
   * Appends text; resolves at once unless the buffer had to be written out. Not an async
   * function on purpose: the string is not kept while the disk is waited for (kept across that
   * wait it would survive young-generation GCs and be promoted, and the old generation would grow
   * with the output). Calls on one file must not overlap.
   */
  write(text: string): Promise<void> {
    if (text.length === 0) return DONE;
    if (Buffer.byteLength(text, 'utf8') <= this.buffer.length - this.buffered) {
      this.buffered += this.buffer.write(text, this.buffered, 'utf8');
      return DONE;
    }
    return this.writeAfterFlush(Buffer.from(text, 'utf8'));
  }

  private async writeAfterFlush(data: Buffer): Promise<void> {
    await this.flush();
    if (data.length > this.buffer.length) await this.writeOut(data);
    else this.buffered = data.copy(this.buffer, 0);
  }

  private async flush(): Promise<void> {
    if (this.buffered === 0) return;
    // The buffer is reused only after this write is done: calls on one file are sequential.
    await this.writeOut(this.buffer.subarray(0, this.buffered));
    this.buffered = 0;
  }

  /** Writes `data` at the end of the file (a short write, rare, is finished piecewise). */
  private async writeOut(data: Buffer): Promise<void> {
    let off = 0;
    while (off < data.length) {
      const { bytesWritten } = await this.handle.write(data, off, data.length - off, this.position);
      off += bytesWritten;
      this.position += bytesWritten;
    }
  }

  /** Writes out everything buffered and marks it good. Returns the committed length. */
  async commit(): Promise<number> {
    await this.flush();
    this.committed = this.position;
    return this.committed;
  }

  /** Forgets everything since the last commit, on disk too. */
  async rollback(): Promise<void> {
    this.buffered = 0;
    if (this.position !== this.committed) {
      await this.handle.truncate(this.committed);
      this.position = this.committed;
    }
  }

  /** Commits, syncs and closes, then renames to `finalPath` (atomic within one directory). */
  async finish(finalPath: string): Promise<void> {
    await this.commit();
    await this.handle.sync();
    await this.handle.close();
    await rename(this.path, finalPath);
  }

  /** Closes without renaming (the file stays for `--resume`), optionally deleting it. */
  async close(remove = false): Promise<void> {
    await this.handle.close().catch(() => undefined);
    if (remove) await rm(this.path, { force: true });
  }
}
