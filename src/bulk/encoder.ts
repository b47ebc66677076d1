/**
 * The bulk file encoder: the rows of esmond-ps-get (format module) for one series, in csv, json
 * or ndjson, without the final newline of `print` (§2.2, §6). Built from the format module's
 * primitives so it carries no state between calls (see {@link SeriesEncoder}); a test checks
 * that its bytes equal the format module's streaming writer.
 * @module
 */
import {
  columnsFor,
  csvField,
  csvLine,
  familyOf,
  formatTimestamp,
  PyFloat,
  pyFloat,
  pyJson,
  pyStr,
  RawJson,
  rowsForPoint,
  type Row,
  type RowContext,
} from '../format/index.js';
import type { WirePoint } from '../model/wire.js';
import type { HostnameCache } from './hostnames.js';
import type { BulkFormat, EncoderMemory, SeriesEncoder, SeriesJob } from './types.js';

/** How rows are written and names shown. Rows are labelled with the series read (`job.selector`). */
export interface EncoderOptions {
  format: BulkFormat;
  /** Host names for source/destination/hop ip; absent with `--ip`. */
  hostnames?: HostnameCache;
}

/**
 * Python's float repr for the common range, fast: for 1e-4 ≤ |x| < 1e16 both Python and
 * JavaScript print the shortest round-trip digits in plain notation, and Python adds `.0` to
 * integral values. Outside that range the format module's {@link pyFloat} decides.
 */
export function fastPyFloat(x: number): string {
  const a = Math.abs(x);
  if (a >= 1e-4 && a < 1e16) {
    const s = String(x);
    return Number.isInteger(x) ? `${s}.0` : s;
  }
  return pyFloat(x);
}

function textOf(v: unknown, joinList: boolean): string {
  if (v === null || v === undefined) return '';
  if (v instanceof PyFloat) return fastPyFloat(v.value);
  if (v instanceof RawJson) return pyJson(v.value);
  if (joinList && Array.isArray(v)) return v.map((x) => pyStr(x)).join(', ');
  return pyStr(v);
}

function unwrap(row: Row): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) out[k] = v instanceof RawJson ? v.value : v;
  return out;
}

function listColumnsOf(row: Row): string[] {
  return Object.entries(row)
    .filter(([, v]) => Array.isArray(v))
    .map(([k]) => k);
}

/** Collects packet-trace hop addresses of a page (they are shown as host names too). */
function hopAddresses(points: readonly WirePoint[]): Set<string> {
  const out = new Set<string>();
  for (const p of points) {
    if (!Array.isArray(p.val)) continue;
    for (const hop of p.val as unknown[]) {
      const ip = hop !== null && typeof hop === 'object' ? (hop as Record<string, unknown>)['ip'] : undefined;
      if (typeof ip === 'string' && ip !== '') out.add(ip);
    }
  }
  return out;
}

/** The encoder of one series. */
export function createSeriesEncoder(job: SeriesJob, opts: EncoderOptions): SeriesEncoder {
  const summaryType = job.selector.summaryType ?? 'base';
  const family = familyOf(job.eventType, summaryType);
  const columns = columnsFor(family, { format: opts.format });
  const cache = opts.hostnames;
  const labels = new Map<string, string>();
  if (job.metadata.source) labels.set(job.metadata.source, job.sourceLabel);
  if (job.metadata.destination) labels.set(job.metadata.destination, job.destinationLabel);
  const ctx: RowContext = {
    metadata: job.metadata,
    eventType: job.eventType,
    summaryType,
    summaryWindow: job.selector.summaryWindow ?? 0,
    format: opts.format,
    family,
    ...(cache ? { hostnames: (v: string) => labels.get(v) ?? cache.get(v) } : {}),
  };

  // The leading columns (source … summary_window) are the same in every row of a series: their
  // csv and json text is made once, from the first row, and reused while a row still has them.
  const CONSTANT_COLUMNS = ['source', 'destination', 'event_type', 'tool', 'summary_type', 'summary_window'];
  const keyText = new Map(columns.map((c) => [c, `${pyJson(c)}: `]));
  const jsonValue = (v: unknown): string => (v instanceof PyFloat && Number.isFinite(v.value) ? fastPyFloat(v.value) : pyJson(v));
  let constant: { values: unknown[]; csv: string; json: string } | undefined;
  /** True when the row's first keys are the constant columns (in order) with the noted values. */
  const leadMatches = (row: Row, values?: unknown[]): boolean => {
    let j = 0;
    for (const k in row) {
      if (j === CONSTANT_COLUMNS.length) return true;
      if (k !== CONSTANT_COLUMNS[j] || (values !== undefined && !Object.is(row[k], values[j]))) return false;
      j++;
    }
    return j === CONSTANT_COLUMNS.length;
  };
  const noteConstant = (row: Row): void => {
    if (!CONSTANT_COLUMNS.every((c, j) => columns[j] === c) || !leadMatches(row)) return;
    const values = CONSTANT_COLUMNS.map((c) => row[c]);
    constant = {
      values,
      csv: values.map((v) => csvField(textOf(v, false))).join(','),
      json: CONSTANT_COLUMNS.map((c, j) => keyText.get(c)! + jsonValue(values[j])).join(', '),
    };
  };
  /** pyJson of a row (same bytes), faster. */
  const jsonObject = (row: Row): string => {
    let out = '{';
    let first = true;
    let skip = 0;
    if (constant !== undefined && leadMatches(row, constant.values)) {
      out += constant.json;
      first = false;
      skip = CONSTANT_COLUMNS.length;
    }
    let n = 0;
    for (const k in row) {
      if (n++ < skip) continue;
      const v = row[k];
      if (v === undefined) continue;
      const text = k === 'timestamp' && typeof v === 'string' ? `"${v}"` : jsonValue(v);
      out += (first ? '' : ', ') + (keyText.get(k) ?? `${pyJson(k)}: `) + text;
      first = false;
    }
    return `${out}}`;
  };
  const numericFast =
    family === 'numeric' &&
    opts.format !== 'ndjson' &&
    columns.length === CONSTANT_COLUMNS.length + 2 &&
    columns[CONSTANT_COLUMNS.length] === 'timestamp' &&
    columns[CONSTANT_COLUMNS.length + 1] === 'value';
  // Only the unknown family puts RawJson wrappers in rows; other rows serialise as they are.
  const plain = family === 'unknown' ? unwrap : (row: Row): Row => row;
  const renderRow = (row: Row, index: number, lists: ReadonlySet<string>): string => {
    switch (opts.format) {
      case 'csv': {
        // The leading columns (source … summary_window) are the same in every row of a series:
        // their quoted text is made once. Floats and timestamps never need quoting.
        let line = '';
        let i = 0;
        if (constant !== undefined && constant.values.every((v, j) => Object.is(v, row[columns[j]!]))) {
          line = constant.csv;
          i = constant.values.length;
        }
        for (; i < columns.length; i++) {
          const k = columns[i]!;
          const v = row[k];
          const cell = v instanceof PyFloat ? fastPyFloat(v.value) : k === 'timestamp' && typeof v === 'string' ? v : csvField(textOf(v, lists.size > 0 && lists.has(k)));
          line += i === 0 ? cell : `,${cell}`;
        }
        return `${line}\r\n`;
      }
      case 'json':
        return (index > 0 ? ', ' : '') + (family === 'unknown' ? pyJson(plain(row)) : jsonObject(row));
      case 'ndjson':
        return `${JSON.stringify(plain(row))}\n`;
    }
  };

  return {
    begin: () => (opts.format === 'csv' ? csvLine(columns) : opts.format === 'json' ? '[' : ''),
    ...(cache && family === 'packet_trace'
      ? {
          async prepare(points: readonly WirePoint[]): Promise<void> {
            await Promise.all([...hopAddresses(points)].map((ip) => cache.resolve(ip)));
          },
        }
      : {}),
    encode(points: readonly WirePoint[], memory: EncoderMemory) {
      let text = '';
      let rows = 0;
      let lists = new Set(memory.listColumns ?? []);
      for (const point of points) {
        // Fast path for the commonest series, a number per point: the row rowsForPoint would
        // build is the constant columns, the timestamp and the value as a Python float.
        if (numericFast && constant !== undefined && memory.listColumns !== undefined && typeof point.val === 'number') {
          const ts = formatTimestamp(point.ts);
          const v = point.val;
          text +=
            opts.format === 'csv'
              ? `${constant.csv},${ts},${fastPyFloat(v)}\r\n`
              : `${memory.rows > 0 ? ', ' : ''}{${constant.json}, "timestamp": "${ts}", "value": ${Number.isFinite(v) ? fastPyFloat(v) : pyJson(new PyFloat(v))}}`;
          memory.rows++;
          rows++;
          continue;
        }
        for (const row of rowsForPoint(ctx, point)) {
          if (memory.rows === 0 && memory.listColumns === undefined) {
            memory.listColumns = listColumnsOf(row);
            lists = new Set(memory.listColumns);
          }
          if (constant === undefined && opts.format !== 'ndjson') noteConstant(row);
          text += renderRow(row, memory.rows, lists);
          memory.rows++;
          rows++;
        }
      }
      return { text, rows };
    },
    end: () => (opts.format === 'json' ? ']' : ''),
  };
}
