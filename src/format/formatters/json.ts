/**
 * `-o json`: one line holding a list of objects, written as Python's `json.dumps` writes them
 * (`", "` and `": "` separators, ASCII only, floats in repr form), streamed as `[`, rows, `]`;
 * `[{"msg": "No data found."}]` when empty.
 * @module
 */
import { unwrapRow } from '../cells.js';
import { pyFloat, PyFloat, pyJson } from '../python-repr.js';
import { RawJson, type Row } from '../row.js';
import { defineFormatter } from './types.js';

/** The whole json output when there are no rows. */
export const NO_DATA_JSON = '[{"msg": "No data found."}]';

/** `pyJson` of the row, {@link RawJson} values embedded as their JSON. */
function jsonObject(row: Row): string {
  for (const k in row) if (row[k] instanceof RawJson) return pyJson(unwrapRow(row));
  return pyJson(row);
}

export const json = defineFormatter({
  name: 'json',
  file: true,
  extended: true,
  traceHeaderBlocks: false,
  separator: ', ',
  end: ']',
  finalNewline: true,
  begin: () => '[',
  row: (_columns, row) => jsonObject(row),
  numeric: (columns, values) => ({
    head: `{${columns.map((c, i) => `${pyJson(c)}: ${pyJson(values[i])}`).join(', ')}, "timestamp": "`,
    middle: '", "value": ',
    tail: '}',
    value: (x) => (Number.isFinite(x) ? pyFloat(x) : pyJson(new PyFloat(x))),
  }),
  noData: () => NO_DATA_JSON,
});
