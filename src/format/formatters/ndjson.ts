/**
 * `-o ndjson` (new): one compact JSON object per line, as `JSON.stringify` writes it (`NaN` and
 * infinities as `null`); nothing at all when empty.
 * @module
 */
import { unwrapRow } from '../cells.js';
import { defineFormatter } from './types.js';

export const ndjson = defineFormatter({
  name: 'ndjson',
  file: true,
  extended: true,
  traceHeaderBlocks: false,
  separator: '',
  end: '',
  finalNewline: false,
  begin: () => '',
  row: (_columns, row) => `${JSON.stringify(unwrapRow(row))}\n`,
  numeric(columns, values) {
    const lead = JSON.stringify(Object.fromEntries(columns.map((c, i) => [c, values[i]])));
    // 'null' for NaN/inf, as JSON.stringify of the row gives.
    return {
      head: `${lead.slice(0, -1)},"timestamp":"`,
      middle: '","value":',
      tail: '}\n',
      value: (x) => JSON.stringify(x),
    };
  },
  noData: () => '',
});
