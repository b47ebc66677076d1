/**
 * `-o human` (the default): `column: value` lines, rows separated by a line of `= + =`, values as
 * Python's `str()` (`None` when missing), a trailing blank line; `No data found.` when empty.
 * Packet traces print a header block, then one block per hop. Stdout only.
 * @module
 */
import { cellText } from '../cells.js';
import { pyFloat } from '../python-repr.js';
import { HEADER_BLOCK } from '../row.js';
import { defineFormatter } from './types.js';

/** The line between rows in human output. */
export const HUMAN_SEPARATOR = '= + = + = + = + = + =';
/** What human output prints when there are no rows. */
export const NO_DATA_HUMAN = 'No data found.';

export const human = defineFormatter({
  name: 'human',
  file: false,
  extended: true,
  traceHeaderBlocks: true,
  separator: `${HUMAN_SEPARATOR}\n`,
  end: '',
  finalNewline: true,
  begin: () => '',
  row(columns, row, lists, opts) {
    const keys = row[HEADER_BLOCK]
      ? Object.keys(row)
      : opts.extended
        ? [...columns, ...Object.keys(row).filter((k) => !columns.includes(k))]
        : columns;
    let text = '';
    for (const k of keys) text += `${k}: ${cellText(row[k], lists.length > 0 && lists.includes(k), 'None')}\n`;
    return text;
  },
  numeric: (columns, values) => ({
    head: `${columns.map((c, i) => `${c}: ${cellText(values[i], false, 'None')}\n`).join('')}timestamp: `,
    middle: '\nvalue: ',
    tail: '\n',
    value: pyFloat,
  }),
  noData: () => NO_DATA_HUMAN,
});
