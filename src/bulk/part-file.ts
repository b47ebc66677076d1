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

/** Buffered bytes above which a write goes to disk even before the next commit. */
const FLUSH_BYTES = 1 << 18;

/** A `.part` file open for appending at a known committed length. */
export class PartFile {
  private chunks: Buffer[] = [];
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

  /** Appends text; resolves at once unless the buffer had to be flushed. */
  async write(text: string): Promise<void> {
    if (text.length === 0) return;
    const buf = Buffer.from(text, 'utf8');
    this.chunks.push(buf);
    this.buffered += buf.length;
    if (this.buffered >= FLUSH_BYTES) await this.flush();
  }

  private async flush(): Promise<void> {
    if (this.buffered === 0) return;
    const chunks = this.chunks;
    const total = this.buffered;
    this.chunks = [];
    this.buffered = 0;
    // One gathered write, no concatenation copy; a short write (rare) finishes piecewise.
    let { bytesWritten } = await this.handle.writev(chunks, this.position);
    this.position += bytesWritten;
    if (bytesWritten < total) {
      const rest = Buffer.concat(chunks, total).subarray(bytesWritten);
      let off = 0;
      while (off < rest.length) {
        ({ bytesWritten } = await this.handle.write(rest, off, rest.length - off, this.position));
        off += bytesWritten;
        this.position += bytesWritten;
      }
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
    this.chunks = [];
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
