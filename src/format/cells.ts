/**
 * Cell and row helpers shared by several formatters: the text of one human/CSV cell, and a row
 * as the JSON formats embed it.
 * @module
 */
import { pyFloat, PyFloat, pyJson, pyStr } from './python-repr.js';
import { RawJson, type Row } from './row.js';

/** Columns of a row that hold lists: they are joined with `, ` in every row (the original's output layouts). */
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
