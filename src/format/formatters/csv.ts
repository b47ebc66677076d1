/**
 * `-o csv`: a header, then `\r\n` records quoted as Python's csv module quotes them, values as
 * Python's `str()` (empty when missing); one `No data` row under the header when empty.
 * @module
 */
import { cellText } from '../cells.js';
import { csvField, csvLine } from '../csv.js';
import { pyFloat } from '../python-repr.js';
import { defineFormatter } from './types.js';

/** What csv output puts in every column when there are no rows. */
export const NO_DATA_CSV = 'No data';

export const csv = defineFormatter({
  name: 'csv',
  file: true,
  extended: false,
  traceHeaderBlocks: false,
  separator: '',
  end: '',
  finalNewline: true,
  begin: (columns) => csvLine(columns),
  row(columns, row, lists) {
    const [only] = columns;
    // A lone empty field is written `""` (csvLine knows), so one column goes through it.
    if (columns.length === 1 && only !== undefined)
      return csvLine([cellText(row[only], lists.length > 0 && lists.includes(only), '')]);
    let line = '';
    let separator = '';
    for (const k of columns) {
      line += separator + csvField(cellText(row[k], lists.length > 0 && lists.includes(k), ''));
      separator = ',';
    }
    return `${line}\r\n`;
  },
  numeric: (_columns, values) => ({
    head: `${values.map((v) => csvField(cellText(v, false, ''))).join(',')},`,
    middle: ',',
    tail: '\r\n',
    value: pyFloat,
  }),
  noData: (columns) => csvLine(columns) + csvLine(columns.map(() => NO_DATA_CSV)),
});
