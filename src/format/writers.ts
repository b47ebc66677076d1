/**
 * Streaming row writers for human, csv, json and ndjson output. They write each batch as it
 * arrives (never the whole output at once), wait for the stream to drain, and produce the
 * original tools' exact layouts including the "no data" forms (client spec §2).
 * @module
 */
import type { Writable } from 'node:stream';
import { csvLine } from './csv.js';
import type { OutputFormat } from './columns.js';
import { pyJson, pyStr } from './python-repr.js';
import { HEADER_BLOCK, RawJson, type Row } from './rows.js';

/** The line between rows in human output. */
export const HUMAN_SEPARATOR = '= + = + = + = + = + =';
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
    const onDrain = (): void => done();
    const onClose = (): void => done();
    const onError = (err: unknown): void => done(err);
    out.once('drain', onDrain);
    out.once('close', onClose);
    out.once('error', onError);
  });
}

/** Columns of the first row that hold lists: they are joined with `, ` in every row (§2.1). */
export function listColumnsOf(row: Row): Set<string> {
  const cols = new Set<string>();
  for (const [k, v] of Object.entries(row)) if (Array.isArray(v)) cols.add(k);
  return cols;
}

/**
 * One human/CSV cell: Python `str()` of the value, `none` for a missing value (`None` in human,
 * empty in CSV), lists joined with `, ` when `joinList` (a list column of the first row), and
 * {@link RawJson} values as JSON text.
 */
export function cellText(v: unknown, joinList: boolean, none: string): string {
  if (v === null || v === undefined) return none;
  if (v instanceof RawJson) return pyJson(v.value);
  if (joinList && Array.isArray(v)) return v.map((x) => pyStr(x)).join(', ');
  return pyStr(v);
}

function unwrap(row: Row): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) out[k] = v instanceof RawJson ? v.value : v;
  return out;
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
  let count = 0;
  let listColumns: Set<string> | undefined;
  let csvHeaderDone = false;

  const csvHeader = (): string => {
    if (csvHeaderDone) return '';
    csvHeaderDone = true;
    return csvLine(columns);
  };

  const render = (rows: readonly Row[]): string => {
    let chunk = '';
    for (const row of rows) {
      listColumns ??= listColumnsOf(row);
      switch (format) {
        case 'human': {
          if (count > 0) chunk += `${HUMAN_SEPARATOR}\n`;
          const keys = row[HEADER_BLOCK] ? Object.keys(row) : opts.extended ? [...columns, ...Object.keys(row).filter((k) => !columns.includes(k))] : columns;
          for (const k of keys) chunk += `${k}: ${cellText(row[k], listColumns.has(k), 'None')}\n`;
          break;
        }
        case 'csv':
          chunk += csvHeader() + csvLine(columns.map((k) => cellText(row[k], listColumns?.has(k) ?? false, '')));
          break;
        case 'json':
          chunk += (count > 0 ? ', ' : '[') + pyJson(unwrap(row));
          break;
        case 'ndjson':
          chunk += `${JSON.stringify(unwrap(row))}\n`;
          break;
      }
      count++;
    }
    return chunk;
  };

  return {
    get count() {
      return count;
    },
    async write(rows) {
      if (rows.length > 0) await writeChunk(out, render(rows));
    },
    async end() {
      let tail: string;
      switch (format) {
        case 'human':
          tail = count === 0 ? `${NO_DATA_HUMAN}${nl}` : nl;
          break;
        case 'csv':
          tail = csvHeader() + (count === 0 ? csvLine(columns.map(() => NO_DATA_CSV)) : '') + nl;
          break;
        case 'json':
          tail = (count === 0 ? NO_DATA_JSON : ']') + nl;
          break;
        case 'ndjson':
          tail = '';
          break;
      }
      await writeChunk(out, tail);
    },
  };
}
