/**
 * The `metadata` and `event_types` rows as both stores read and write them: one row shape, one
 * mapping to the stored subject and record, one order of insert values (the SQL of each store
 * lists the columns in this order), the subject fields' column names, and the array rows of
 * event-type reads. Only the SQL dialect differs between the stores, never this logic.
 * @module
 */
import type { NewMetadataRecord, StoredEventTypeRow, StoredMetadata, StoredSubject, WriteRow } from './store.js';

/** The columns of the subject fields a search compares with IP addresses. */
export const IP_COLUMNS = {
  source: 'source',
  destination: 'destination',
  'measurement-agent': 'measurement_agent',
} as const;

/** The columns of the subject fields a search compares as exact strings. */
export const STRING_COLUMNS = {
  'tool-name': 'tool_name',
  'input-source': 'input_source',
  'input-destination': 'input_destination',
} as const;

/** Result row of `SELECT * FROM metadata`. */
export interface MetadataRow {
  id: number;
  metadata_key: string;
  subject_type: string;
  source: string;
  destination: string | null;
  measurement_agent: string;
  tool_name: string;
  input_source: string;
  input_destination: string | null;
}

/** The subject of a row, built in esmond's field order; network-element subjects have no destination keys. */
export function subjectOf(r: MetadataRow): StoredSubject {
  const s: Partial<StoredSubject> = { source: r.source };
  if (r.destination !== null) s.destination = r.destination;
  s['measurement-agent'] = r.measurement_agent;
  s['tool-name'] = r.tool_name;
  s['input-source'] = r.input_source;
  if (r.input_destination !== null) s['input-destination'] = r.input_destination;
  return s as StoredSubject;
}

/**
 * Values of one metadata insert, in column order: metadata_key, checksum, subject_type, source,
 * destination, measurement_agent, tool_name, input_source, input_destination.
 */
export function metadataInsertValues(record: NewMetadataRecord): Array<string | null> {
  const s = record.subject;
  return [
    record.key,
    record.checksum,
    record.subjectType,
    s.source,
    s.destination ?? null,
    s['measurement-agent'],
    s['tool-name'],
    s['input-source'],
    s['input-destination'] ?? null,
  ];
}

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

/**
 * Metadata records from their rows and the parameter (`[metadata_id, key, value]`) and
 * event-type rows of all of them (each store reads those in one query per table for a page).
 */
export function assembleMetadata(
  rows: readonly MetadataRow[],
  params: ReadonlyArray<readonly [number, string, string]>,
  events: readonly EventTypeArrayRow[],
): StoredMetadata[] {
  const byId = new Map<number, StoredMetadata>();
  const out = rows.map((r) => {
    const m = metadataOf(r);
    byId.set(r.id, m);
    return m;
  });
  for (const [id, key, value] of params) byId.get(id)?.parameters.push([key, value]);
  for (const e of events) byId.get(e[1])?.eventTypes.push(eventRowOf(e));
  return out;
}

/** `[id, event_type, summary_type, summary_window, time_updated, last ts]` array row of a write's rows. */
export type WriteArrayRow = [number, string, string, number, number | null, number | null];

export function writeRowOf([seriesId, eventType, summaryType, window, timeUpdated, lastTs]: WriteArrayRow): WriteRow {
  return { seriesId, eventType, summaryType, window, timeUpdated, lastTs: lastTs ?? undefined };
}
