/**
 * Streaming row writers for every output format. They write each batch as it arrives (never the
 * whole output at once), wait for the stream to drain, and produce the original tools' exact
 * layouts including the "no data" forms (the original's output layouts), as the format's formatter spells them.
 * @module
 */
import type { Writable } from 'node:stream';
import type { WirePoint } from '../model/wire.js';
import type { PointEncoder } from './encoder.js';
import { formatterFor, type OutputFormat } from './registry.js';
import { renderWith, type RenderState } from './render.js';
import type { Row } from './row.js';

/** Options of {@link createRowWriter}. */
export interface RowWriterOptions {
  /**
   * Append the `\n` Python's final `print()` added on stdout. Files written by get-bulk have
   * none. @defaultValue true
   */
  trailingNewline?: boolean;
  /**
   * Human output of `-M`: after the listed columns, print every other key of the row in the
   * row's own order. @defaultValue false
   */
  extended?: boolean;
}

/** A streaming writer of rows in one output format. */
export interface RowWriter {
  /** Writes a batch of rows; resolves when the stream can take more (backpressure). */
  write(rows: readonly Row[]): Promise<void>;
  /**
   * Writes the rows of `points` as `encoder` renders them (an encoder from
   * `createPointEncoder` for this writer's format and columns): same bytes as
   * `write(points.flatMap(p => rowsForPoint(ctx, p)))`, much faster for numeric series.
   */
  writePoints(encoder: PointEncoder, points: readonly WirePoint[]): Promise<void>;
  /** Writes the closing part (or the no-data form when nothing was written). */
  end(): Promise<void>;
  /** Rows written so far (header blocks included). */
  readonly count: number;
}

/** Writes `chunk` and waits for `drain` if the stream's buffer is full. */
export async function writeChunk(out: Writable, chunk: string): Promise<void> {
  if (chunk === '') return;
  if (out.write(chunk)) return;
  await new Promise<void>((resolve, reject) => {
    const done = (err?: unknown): void => {
      out.off('drain', onDrain);
      out.off('close', onClose);
      out.off('error', onError);
      if (err) reject(err instanceof Error ? err : new Error(String(err)));
      else resolve();
    };
    const onDrain = (): void => {
      done();
    };
    const onClose = (): void => {
      done();
    };
    const onError = (err: unknown): void => {
      done(err);
    };
    out.once('drain', onDrain);
    out.once('close', onClose);
    out.once('error', onError);
  });
}

/**
 * A streaming writer for `format` on `out` with the given column order: the formatter's text
 * before the first row, its rows, then its closing text, or its no-data form when nothing was
 * written, and the final newline of Python's `print()` where the format has one.
 */
export function createRowWriter(
  format: OutputFormat,
  out: Writable,
  columns: readonly string[],
  opts: RowWriterOptions = {},
): RowWriter {
  const formatter = formatterFor(format);
  const nl = opts.trailingNewline === false || !formatter.finalNewline ? '' : '\n';
  const state: RenderState = { rows: 0, listColumns: undefined };
  const renderOpts = { extended: opts.extended ?? false };
  /** Prefixes the csv header / json `[` when `text` holds the first rows. */
  const withBegin = (rowsBefore: number, text: string): string =>
    rowsBefore === 0 && state.rows > 0 ? formatter.begin(columns) + text : text;

  return {
    get count() {
      return state.rows;
    },
    async write(rows) {
      if (rows.length === 0) return;
      const before = state.rows;
      let chunk = '';
      for (const row of rows) chunk += renderWith(formatter, columns, row, state, renderOpts);
      await writeChunk(out, withBegin(before, chunk));
    },
    async writePoints(encoder, points) {
      const before = state.rows;
      const chunk = encoder.encode(points, state);
      await writeChunk(out, withBegin(before, chunk));
    },
    async end() {
      await writeChunk(out, (state.rows === 0 ? formatter.noData(columns) : formatter.end) + nl);
    },
  };
}
