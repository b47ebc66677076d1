/**
 * Streaming row writers for human, csv, json and ndjson output. They write each batch as it
 * arrives (never the whole output at once), wait for the stream to drain, and produce the
 * original tools' exact layouts including the "no data" forms (client spec §2).
 * @module
 */
import type { Writable } from 'node:stream';
import { csvLine } from './csv.js';
import type { OutputFormat } from './columns.js';
import type { PointEncoder } from './encoder.js';
import { beginText, renderRow, type RenderState } from './render.js';
import type { Row } from './rows.js';
import type { WirePoint } from '../model/wire.js';


/** What human output prints when there are no rows. */
export const NO_DATA_HUMAN = 'No data found.';
/** What csv output puts in every column when there are no rows. */
export const NO_DATA_CSV = 'No data';
/** The whole json output when there are no rows. */
export const NO_DATA_JSON = '[{"msg": "No data found."}]';

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
    const onDrain = (): void => { done(); };
    const onClose = (): void => { done(); };
    const onError = (err: unknown): void => { done(err); };
    out.once('drain', onDrain);
    out.once('close', onClose);
    out.once('error', onError);
  });
}

/**
 * A streaming writer for `format` on `out` with the given column order.
 *
 * - human: `column: value` lines, rows separated by {@link HUMAN_SEPARATOR}, a trailing blank
 *   line; `No data found.` when empty.
 * - csv: header, `\r\n` records, Python quoting; one `No data` row when empty.
 * - json: one line, Python separators, streamed as `[`, rows, `]`; `[{"msg": …}]` when empty.
 * - ndjson: one compact JSON object per line; nothing at all when empty.
 */
export function createRowWriter(format: OutputFormat, out: Writable, columns: readonly string[], opts: RowWriterOptions = {}): RowWriter {
  const nl = opts.trailingNewline === false ? '' : '\n';
  const state: RenderState = { rows: 0, listColumns: undefined };
  const renderOpts = { extended: opts.extended ?? false };
  /** Prefixes the csv header / json `[` when `text` holds the first rows. */
  const withBegin = (rowsBefore: number, text: string): string => (rowsBefore === 0 && state.rows > 0 ? beginText(format, columns) + text : text);

  return {
    get count() {
      return state.rows;
    },
    async write(rows) {
      if (rows.length === 0) return;
      const before = state.rows;
      let chunk = '';
      for (const row of rows) chunk += renderRow(format, columns, row, state, renderOpts);
      await writeChunk(out, withBegin(before, chunk));
    },
    async writePoints(encoder, points) {
      const before = state.rows;
      const chunk = encoder.encode(points, state);
      await writeChunk(out, withBegin(before, chunk));
    },
    async end() {
      const empty = state.rows === 0;
      let tail: string;
      switch (format) {
        case 'human':
          tail = empty ? `${NO_DATA_HUMAN}${nl}` : nl;
          break;
        case 'csv':
          tail = (empty ? csvLine(columns) + csvLine(columns.map(() => NO_DATA_CSV)) : '') + nl;
          break;
        case 'json':
          tail = (empty ? NO_DATA_JSON : ']') + nl;
          break;
        case 'ndjson':
          tail = '';
          break;
      }
      await writeChunk(out, tail);
    },
  };
}
