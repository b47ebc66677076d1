/**
 * Output formatting for the query tools: event-type families, row shaping, the output formats
 * (one formatter module each in `formatters/`, listed in `registry.ts`) and streaming writers,
 * plus the Python renderings they rely on. Imports only `model/`.
 * @module
 */
export {
  BASE_COLUMNS,
  HOP_COLUMNS,
  ORIGINAL_EVENT_FORMATS,
  STATISTICS_FIELDS,
  columnsFor,
  familyHasSummaries,
  familyOf,
  type Family,
} from './columns.js';
export {
  FILE_FORMATS,
  OUTPUT_FORMATS,
  formatterFor,
  isOutputFormat,
  type FileFormat,
  type OutputFormat,
} from './registry.js';
export type { NumericTemplate, OutputFormatter } from './formatters/types.js';
export { HUMAN_SEPARATOR, NO_DATA_HUMAN } from './formatters/human.js';
export { NO_DATA_CSV } from './formatters/csv.js';
export { NO_DATA_JSON } from './formatters/json.js';
export { csvField, csvLine } from './csv.js';
export {
  PyFloat,
  pyFloat,
  pyFloatByRules,
  pyJson,
  pyJsonString,
  pyNumber,
  pyRepr,
  pyStr,
  pyStrRepr,
} from './python-repr.js';
export { HEADER_BLOCK, RawJson, type Row } from './row.js';
export {
  HOSTNAME_FIELDS,
  MAX_EPOCH,
  baseRow,
  formatTimestamp,
  rowsForPoint,
  type RowContext,
  type RowMetadata,
} from './rows.js';
export { cellText, listColumnsOf, unwrapRow } from './cells.js';
export { beginText, renderRow, renderWith, type RenderOptions, type RenderState } from './render.js';
export { createPointEncoder, type PointEncoder } from './encoder.js';
export { createRowWriter, writeChunk, type RowWriter, type RowWriterOptions } from './writers.js';
