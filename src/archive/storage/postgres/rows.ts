/**
 * Row mapping and error classification of the PostgreSQL store: result rows → stored records,
 * the type parsers (int8 and numeric come back as JS numbers), and which driver errors mean
 * "the database is unreachable" (answered 503) or "retry the transaction" (deadlock,
 * serialization failure).
 * @module
 */
import pg from 'pg';
import type { SeriesCell, StoredEventTypeRow, StoredMetadata } from '../store.js';
import { subjectOf, type MetadataRow } from '../metadata-row.js';

export type { MetadataRow };

const INT8 = 20;
const NUMERIC = 1700;

/** Type parsers for this store's pool only (the global pg defaults stay untouched). */
export const PG_TYPES = new pg.TypeOverrides();
PG_TYPES.setTypeParser(INT8, 'text', (text: string) => Number(text));
// Values are exact to 64 bits (as in the SQLite store): an integer a double cannot hold stays a BigInt.
PG_TYPES.setTypeParser(NUMERIC, 'text', (text: string) => {
  const n = Number(text);
  return Number.isSafeInteger(n) || !/^-?\d+$/.test(text) ? n : BigInt(text);
});

/** A metadata record without its parameters and rows yet. */
export function metadataOf(r: MetadataRow): StoredMetadata {
  return {
    id: r.id,
    key: r.metadata_key,
    subjectType: r.subject_type,
    subject: subjectOf(r),
    parameters: [],
    eventTypes: [],
  };
}

/** `[id, metadata_id, event_type, summary_type, summary_window, time_updated]` array row. */
export type EventTypeArrayRow = [number, number, string, string, number, number | null];

export function eventRowOf(r: EventTypeArrayRow): StoredEventTypeRow {
  return { seriesId: r[0], eventType: r[2], summaryType: r[3], window: r[4], timeUpdated: r[5] };
}

/** `[ts, num, den, doc, out]` array row. */
export type CellArrayRow = [number, number | bigint | null, number | null, string | null, string | null];

export function cellOf(r: CellArrayRow): SeriesCell {
  return { ts: r[0], num: r[1], den: r[2], doc: r[3], out: r[4] };
}

/** Columns of cells as arrays, for one multi-row `INSERT … SELECT FROM unnest(…)`. */
export function cellColumns(
  cells: readonly SeriesCell[],
): [number[], Array<number | string | null>, Array<number | null>, Array<string | null>, Array<string | null>] {
  // A BigInt goes out as its decimal text, which numeric takes exactly.
  const num = cells.map((c) => (typeof c.num === 'bigint' ? c.num.toString() : c.num));
  return [cells.map((c) => c.ts), num, cells.map((c) => c.den), cells.map((c) => c.doc), cells.map((c) => c.out)];
}

const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  '57P01',
  '57P02',
  '57P03',
  '53300',
  '57014',
]);

/** True for errors that mean the database cannot be reached or is going away (503, retry later). */
export function isUnavailable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && (UNAVAILABLE_CODES.has(code) || code.startsWith('08'))) return true;
  return /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error|Connection ended/i.test(
    err.message,
  );
}

/** True for errors after which the whole transaction may simply run again. */
export function isRetryable(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === '40P01' || code === '40001';
}
