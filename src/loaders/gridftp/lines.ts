/**
 * Reads a log from a byte offset, line by line, with the byte offset after each line — what the
 * checkpoint records, so a resumed run starts exactly after the last stored line. A last line
 * without its newline is still being written and is left for the next run (unless the file is a
 * rotated, finished log).
 * @module
 */
import { open } from 'node:fs/promises';

/** One complete line and where the next one starts. */
export interface LogLine {
  text: string;
  /** Byte offset just past this line's newline. */
  end: number;
}

/** Options of {@link readLines}. */
export interface ReadLinesOptions {
  /** Also yield a final line that has no newline (for finished, rotated logs). @defaultValue false */
  partialTail?: boolean;
  /** Read size in bytes. @defaultValue 1 MiB */
  chunkSize?: number;
}

const NL = 0x0a;

/** Lines of `path` starting at byte `start` (which must be a line start). */
export async function* readLines(path: string, start: number, options: ReadLinesOptions = {}): AsyncGenerator<LogLine> {
  const fh = await open(path, 'r');
  try {
    const chunk = Buffer.allocUnsafe(options.chunkSize ?? 1 << 20);
    let carry: Buffer = Buffer.alloc(0);
    let position = start;
    let lineStart = start;
    for (;;) {
      const { bytesRead } = await fh.read(chunk, 0, chunk.length, position);
      if (bytesRead === 0) break;
      position += bytesRead;
      const buf =
        carry.length > 0 ? Buffer.concat([carry, chunk.subarray(0, bytesRead)]) : chunk.subarray(0, bytesRead);
      let from = 0;
      for (let nl = buf.indexOf(NL, from); nl >= 0; nl = buf.indexOf(NL, from)) {
        const stop = nl > from && buf[nl - 1] === 0x0d ? nl - 1 : nl;
        lineStart += nl + 1 - from;
        yield { text: buf.toString('utf8', from, stop), end: lineStart };
        from = nl + 1;
      }
      // Copy: `chunk` is reused by the next read.
      carry = Buffer.from(buf.subarray(from));
    }
    if (options.partialTail && carry.length > 0) yield { text: carry.toString('utf8'), end: lineStart + carry.length };
  } finally {
    await fh.close();
  }
}
