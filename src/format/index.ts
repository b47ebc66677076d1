/**
 * Output formatting for the query tools: event-type families, row shaping and streaming
 * writers (human, csv, json, ndjson), plus the Python renderings they rely on. Imports only
 * `model/`.
 * @module
 */
export {
  BASE_COLUMNS,
  HOP_COLUMNS,
  ORIGINAL_EVENT_FORMATS,
  OUTPUT_FORMATS,
  STATISTICS_FIELDS,
  columnsFor,
  familyHasSummaries,
  familyOf,
  type Family,
  type OutputFormat,
} from './columns.js';
export { csvField, csvLine } from './csv.js';
export { PyFloat, pyFloat, pyFloatByRules, pyJson, pyJsonString, pyNumber, pyRepr, pyStr, pyStrRepr } from './python-repr.js';
export {
  HEADER_BLOCK,
  HOSTNAME_FIELDS,
  MAX_EPOCH,
  RawJson,
  baseRow,
  formatTimestamp,
  rowsForPoint,
  type Row,
  type RowContext,
  type RowMetadata,
} from './rows.js';
export {
  HUMAN_SEPARATOR,
  beginText,
  cellText,
  listColumnsOf,
  renderRow,
  unwrapRow,
  type RenderOptions,
  type RenderState,
} from './render.js';
export { createPointEncoder, type PointEncoder } from './encoder.js';
export {
  NO_DATA_CSV,
  NO_DATA_HUMAN,
  NO_DATA_JSON,
  createRowWriter,
  writeChunk,
  type RowWriter,
  type RowWriterOptions,
} from './writers.js';
