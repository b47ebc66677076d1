/**
 * Row shaping: one data point of a series → the row objects the writers print (client spec
 * the original's columns per event type). Rows are plain objects whose key order is the column order, as the original built them.
 * @module
 */
import type { WirePoint } from '../model/wire.js';
import { familyOf, HOP_COLUMNS, STATISTICS_FIELDS, type Family } from './columns.js';
import { PyFloat } from './python-repr.js';
import { formatterFor, type OutputFormat } from './registry.js';
import { HEADER_BLOCK, RawJson, type Row } from './row.js';

/** The fields reverse DNS applies to (the original's reverse DNS). */
export const HOSTNAME_FIELDS = ['source', 'destination', 'ip', 'measurement_agent'] as const;

/**
 * The metadata fields row shaping needs. A decoded `Metadata` from the query library fits;
 * `raw` is only read for `sample-bucket-width`.
 */
export interface RowMetadata {
  source: string | undefined;
  destination: string | undefined;
  toolName: string | undefined;
  parameters?: Record<string, string>;
  raw?: Record<string, unknown>;
}

/** What {@link rowsForPoint} needs besides the point. */
export interface RowContext {
  metadata: RowMetadata;
  /** The event type as asked for (`-e`) or as listed on the metadata (bulk). */
  eventType: string;
  /** `base`, or the summary type read. */
  summaryType: string;
  /** The window of the series read (0 for base). */
  summaryWindow: number;
  /** Output format; only one with `traceHeaderBlocks` (human) changes shaping. */
  format?: OutputFormat;
  /** Family override; defaults to `familyOf(eventType, summaryType)`. */
  family?: Family;
  /**
   * IP → display name for source/destination/ip/measurement_agent (reverse DNS done by the
   * caller beforehand; must be synchronous). Identity when absent (`--ip`).
   */
  hostnames?: (value: string) => string;
}

/**
 * Python's `datetime.max − 2 days` as an epoch: larger timestamps are clamped (the original's timestamp column).
 * 253402041599.999999 s, which as a double is 253402041600.
 */
export const MAX_EPOCH = 253402041600;

/** `str()` of the naive UTC datetime of `ts`: `YYYY-MM-DD HH:MM:SS[.ffffff]`. */
export function formatTimestamp(ts: number): string {
  if (!Number.isFinite(ts) || ts > MAX_EPOCH) return '9999-12-29 23:59:59.999999';
  const whole = Math.floor(ts);
  const micros = Math.round((ts - whole) * 1e6);
  const day = Math.floor(whole / 86400);
  const secs = whole - day * 86400;
  // Series are long runs of the same day: build the date part once per day.
  if (day !== lastDay) {
    const d = new Date(day * 86400000);
    lastDayText = `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
    lastDay = day;
  }
  const h = Math.floor(secs / 3600);
  const m = Math.floor((secs % 3600) / 60);
  const text = `${lastDayText} ${pad(h)}:${pad(m)}:${pad(secs % 60)}`;
  return micros > 0 && micros < 1e6 ? `${text}.${pad(micros, 6)}` : text;
}
let lastDay = NaN;
let lastDayText = '';
function pad(n: number, w = 2): string {
  return n.toString().padStart(w, '0');
}

function field(obj: unknown, key: string): unknown {
  if (obj !== null && typeof obj === 'object' && !Array.isArray(obj)) {
    const v = (obj as Record<string, unknown>)[key];
    return v === undefined ? null : v;
  }
  return null;
}

function display(value: string | undefined, hostnames: RowContext['hostnames']): string | null {
  if (value === undefined || value === '') return value === '' ? '' : null;
  return hostnames ? hostnames(value) : value;
}

/** The seven base columns of a row for one point. */
export function baseRow(ctx: RowContext, ts: number): Row {
  return {
    source: display(ctx.metadata.source, ctx.hostnames),
    destination: display(ctx.metadata.destination, ctx.hostnames),
    event_type: ctx.eventType,
    tool: ctx.metadata.toolName ?? null,
    summary_type: ctx.summaryType,
    summary_window: ctx.summaryWindow,
    timestamp: formatTimestamp(ts),
  };
}

function bucketWidth(md: RowMetadata): unknown {
  const raw = md.raw?.['sample-bucket-width'];
  if (raw !== undefined) return raw;
  return md.parameters?.['sample-bucket-width'] ?? null;
}

/** Numbers (also inside a list, e.g. `mode`) as Python floats; anything else unchanged. */
function asFloat(v: unknown): unknown {
  if (typeof v === 'number') return new PyFloat(v);
  if (Array.isArray(v)) return v.map(asFloat);
  return v;
}

function asList(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

/**
 * The rows of one point. Most families give one row; packet-trace one per hop (plus a header
 * block in human format), subintervals one per interval, stream lists one per element.
 */
export function rowsForPoint(ctx: RowContext, point: WirePoint): Row[] {
  const family = ctx.family ?? familyOf(ctx.eventType, ctx.summaryType);
  const val = point.val;
  const base = (): Row => baseRow(ctx, point.ts);
  const row1 = (extra: Record<string, unknown>): Row[] => [Object.assign(base(), extra)];
  switch (family) {
    case 'numeric': {
      // esmond returns integer, float and percentage values alike as floats (`7016320000.0`).
      const row = base();
      row.value = asFloat(val ?? null);
      return [row];
    }
    case 'failures':
      return row1({ msg: field(val, 'error') });
    case 'histogram':
      return row1({ bucket: bucketWidth(ctx.metadata), value: val ?? null });
    case 'histogram_statistics': {
      const row = base();
      // Statistics are computed in floats (min/max may be strings on some servers: kept).
      for (const [column, key] of STATISTICS_FIELDS) row[column] = asFloat(field(val, key));
      return [row];
    }
    case 'packet_trace': {
      const rows: Row[] = [];
      const headerBlocks = ctx.format !== undefined && formatterFor(ctx.format).traceHeaderBlocks;
      if (headerBlocks) rows.push(Object.assign(base(), { [HEADER_BLOCK]: true as const }));
      for (const hop of asList(val)) {
        const row: Row = headerBlocks ? {} : base();
        for (const column of HOP_COLUMNS) row[column] = field(hop, column);
        if (typeof row.ip === 'string' && row.ip !== '' && ctx.hostnames) row.ip = ctx.hostnames(row.ip);
        rows.push(row);
      }
      return rows;
    }
    case 'subintervals':
      return asList(val).map((s) =>
        Object.assign(base(), { start: field(s, 'start'), duration: field(s, 'duration'), value: field(s, 'val') }),
      );
    case 'number_list':
      return asList(val).map((v, i) => Object.assign(base(), { stream_num: i, value: v ?? null }));
    case 'subinterval_list': {
      const rows: Row[] = [];
      asList(val).forEach((stream, i) => {
        for (const s of asList(stream)) {
          rows.push(
            Object.assign(base(), {
              stream_num: i,
              start: field(s, 'start'),
              duration: field(s, 'duration'),
              value: field(s, 'val'),
            }),
          );
        }
      });
      return rows;
    }
    case 'unknown':
      return row1({ value: new RawJson(val ?? null) });
  }
}
