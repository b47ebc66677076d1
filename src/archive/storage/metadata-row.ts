/**
 * The `metadata` table's columns as both stores read and write them: one row shape, one mapping
 * to the stored subject, one order of insert values (the SQL of each store lists the columns in
 * this order).
 * @module
 */
import type { NewMetadataRecord, StoredSubject } from './store.js';

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
