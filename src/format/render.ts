/**
 * Rendering of rows into output text, one implementation for every format: the streaming
 * writers of the query tools and esmond-ps-get-bulk's file encoder both print through it, so
 * their bytes cannot drift apart. What a format prints is its formatter's (see `registry.ts`);
 * this module keeps the state between rows. Rendering is pure: what it needs to know about
 * earlier rows (how many, which columns hold lists) is in a {@link RenderState} the caller keeps.
 * @module
 */
import { listColumnsOf } from './cells.js';
import type { OutputFormatter, RenderOptions } from './formatters/types.js';
import { formatterFor, type OutputFormat } from './registry.js';
import type { Row } from './row.js';

export type { RenderOptions };

/** What rendering remembers of the rows before (a checkpoint can carry it across a resume). */
export interface RenderState {
  /** Rows rendered so far (header blocks included). */
  rows: number;
  /** List-valued columns of the first row (set when it is rendered). */
  listColumns: string[] | undefined;
}

/** Text before the first row: the csv header or json's `[`. */
export function beginText(format: OutputFormat, columns: readonly string[]): string {
  return formatterFor(format).begin(columns);
}

/** {@link renderRow} with the formatter already looked up (the writers' and encoders' path). */
export function renderWith(
  formatter: OutputFormatter,
  columns: readonly string[],
  row: Row,
  state: RenderState,
  opts: RenderOptions = {},
): string {
  state.listColumns ??= [...listColumnsOf(row)];
  const index = state.rows++;
  const text = formatter.row(columns, row, state.listColumns, opts);
  return index > 0 && formatter.separator !== '' ? formatter.separator + text : text;
}

/**
 * The text of one row in `format` (without the csv header or json `[`, see {@link beginText});
 * updates `state`.
 */
export function renderRow(
  format: OutputFormat,
  columns: readonly string[],
  row: Row,
  state: RenderState,
  opts: RenderOptions = {},
): string {
  return renderWith(formatterFor(format), columns, row, state, opts);
}
