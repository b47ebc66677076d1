/**
 * Rendering of rows into output text, one implementation for every format: the streaming
 * writers of the query tools and esmond-ps-get-bulk's file encoder both print through it, so
 * their bytes cannot drift apart. Rendering is pure: what it needs to know about earlier rows
 * (how many, which columns hold lists) is in a {@link RenderState} the caller keeps.
 * @module
 */
import { csvField, csvLine } from './csv.js';
import type { OutputFormat } from './columns.js';
import { pyFloat, PyFloat, pyJson, pyStr } from './python-repr.js';
import { HEADER_BLOCK, RawJson, type Row } from './rows.js';

/** The line between rows in human output. */
export const HUMAN_SEPARATOR = '= + = + = + = + = + =';

/** What rendering remembers of the rows before (a checkpoint can carry it across a resume). */
export interface RenderState {
  /** Rows rendered so far (header blocks included). */
  rows: number;
  /** List-valued columns of the first row (set when it is rendered). */
  listColumns: string[] | undefined;
}

/** Options of {@link renderRow}. */
export interface RenderOptions {
  /**
   * Human output of `-M`: after the listed columns, print every other key of the row in the
   * row's own order. @defaultValue false
   */
  extended?: boolean;
}

/** Columns of a row that hold lists: they are joined with `, ` in every row (§2.1). */
export function listColumnsOf(row: Row): Set<string> {
  const cols = new Set<string>();
  for (const k in row) if (Object.prototype.hasOwnProperty.call(row, k) && Array.isArray(row[k])) cols.add(k);
  return cols;
}

/**
 * One human/CSV cell: Python `str()` of the value, `none` for a missing value (`None` in human,
 * empty in CSV), lists joined with `, ` when `joinList` (a list column of the first row), and
 * {@link RawJson} values as JSON text.
 */
export function cellText(v: unknown, joinList: boolean, none: string): string {
  if (v === null || v === undefined) return none;
  if (v instanceof PyFloat) return pyFloat(v.value);
  if (v instanceof RawJson) return pyJson(v.value);
  if (joinList && Array.isArray(v)) return v.map((x) => pyStr(x)).join(', ');
  return pyStr(v);
}

/** The row with {@link RawJson} wrappers replaced by their values (for the JSON formats). */
export function unwrapRow(row: Row): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k in row) {
    if (!Object.prototype.hasOwnProperty.call(row, k)) continue;
    const v = row[k];
    out[k] = v instanceof RawJson ? v.value : v;
  }
  return out;
}

/** Text before the first row: the csv header or json's `[`. */
export function beginText(format: OutputFormat, columns: readonly string[]): string {
  return format === 'csv' ? csvLine(columns) : format === 'json' ? '[' : '';
}

/** `pyJson` of the row, {@link RawJson} values embedded as their JSON. */
function jsonObject(row: Row): string {
  for (const k in row) if (row[k] instanceof RawJson) return pyJson(unwrapRow(row));
  return pyJson(row);
}

/**
 * The text of one row in `format` (without the csv header or json `[`, see {@link beginText});
 * updates `state`.
 */
export function renderRow(format: OutputFormat, columns: readonly string[], row: Row, state: RenderState, opts: RenderOptions = {}): string {
  if (state.listColumns === undefined) state.listColumns = [...listColumnsOf(row)];
  const lists = state.listColumns;
  const index = state.rows++;
  switch (format) {
    case 'human': {
      let text = index > 0 ? `${HUMAN_SEPARATOR}\n` : '';
      const keys = row[HEADER_BLOCK] ? Object.keys(row) : opts.extended ? [...columns, ...Object.keys(row).filter((k) => !columns.includes(k))] : columns;
      for (const k of keys) text += `${k}: ${cellText(row[k], lists.length > 0 && lists.includes(k), 'None')}\n`;
      return text;
    }
    case 'csv': {
      const [only] = columns;
      if (columns.length === 1 && only !== undefined) return csvLine([cellText(row[only], lists.length > 0 && lists.includes(only), '')]);
      let line = '';
      let separator = '';
      for (const k of columns) {
        line += separator + csvField(cellText(row[k], lists.length > 0 && lists.includes(k), ''));
        separator = ',';
      }
      return `${line}\r\n`;
    }
    case 'json':
      return (index > 0 ? ', ' : '') + jsonObject(row);
    case 'ndjson':
      return `${JSON.stringify(unwrapRow(row))}\n`;
  }
}
