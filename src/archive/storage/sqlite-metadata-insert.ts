/**
 * A metadata insert of the SQLite store that answers with the stored record without reading it
 * back: the record is built from what was inserted, in the order the store's reads give it
 * (parameters by key, event-type rows by the `event_types_by_metadata` index), with SQLite's
 * conflict rules applied (a repeated parameter key keeps its last value, a repeated row its
 * first). A metadata POST is answered with this record; a test checks it equals the read one.
 * @module
 */
import type Database from 'better-sqlite3';
import type { NewMetadataRecord, StoredEventTypeRow, StoredMetadata } from './store.js';
import { metadataInsertValues, metadataOf, type MetadataRow } from './metadata-row.js';

const INSERT_METADATA_SQL = `INSERT INTO metadata (metadata_key, checksum, subject_type, source, destination,
  measurement_agent, tool_name, input_source, input_destination) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`;
const INSERT_PARAMETER_SQL = 'INSERT OR REPLACE INTO parameters (metadata_id, key, value) VALUES (?, ?, ?)';
/** A row carries its metadata's key too (the search index `event_types_by_key` orders by it). */
const INSERT_EVENT_TYPE_SQL = `INSERT OR IGNORE INTO event_types (metadata_id, metadata_key, event_type, summary_type,
  summary_window, time_updated) VALUES (?, ?, ?, ?, ?, ?)`;

/**
 * SQLite's BINARY collation of two strings: their UTF-8 bytes compared, which is code point
 * order. UTF-16 code units sort the same except surrogates (code points past U+FFFF), which must
 * come after U+E000…U+FFFF: they are moved up past them before comparing.
 */
export function compareBinary(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800 && y >= 0xd800) {
      x = x < 0xe000 ? x + 0x2000 : x - 0x800;
      y = y < 0xe000 ? y + 0x2000 : y - 0x800;
    }
    return x - y;
  }
  return a.length - b.length;
}

/** The index order of a metadata's rows: event type, summary type, window, time updated (NULL first). */
function compareRows(a: StoredEventTypeRow, b: StoredEventTypeRow): number {
  return (
    compareBinary(a.eventType, b.eventType) ||
    compareBinary(a.summaryType, b.summaryType) ||
    a.window - b.window ||
    (a.timeUpdated ?? -Infinity) - (b.timeUpdated ?? -Infinity)
  );
}

/**
 * Inserts `record` (inside the caller's transaction) and returns it as the store now holds it.
 * `sql` gives the store's cached prepared statement of a text.
 */
export function insertMetadataRows(
  sql: (text: string) => Database.Statement,
  record: NewMetadataRecord,
): StoredMetadata {
  const values = metadataInsertValues(record);
  const [key, , subjectType, source, destination, agent, tool, inputSource, inputDestination] = values;
  const id = Number(sql(INSERT_METADATA_SQL).run(...values).lastInsertRowid);
  const putParam = sql(INSERT_PARAMETER_SQL);
  const parameters = new Map<string, string>();
  for (const [k, v] of record.parameters) {
    putParam.run(id, k, v);
    parameters.set(k, v);
  }
  const putRow = sql(INSERT_EVENT_TYPE_SQL);
  const eventTypes: StoredEventTypeRow[] = [];
  for (const e of record.eventTypes) {
    const info = putRow.run(id, key, e.eventType, e.summaryType, e.window, e.timeUpdated);
    if (info.changes === 0) continue; // the same row came earlier in the record
    const row = { eventType: e.eventType, summaryType: e.summaryType, window: e.window, timeUpdated: e.timeUpdated };
    eventTypes.push({ seriesId: Number(info.lastInsertRowid), ...row });
  }
  const row: MetadataRow = {
    id,
    metadata_key: key ?? '',
    subject_type: subjectType ?? '',
    source: source ?? '',
    destination: destination ?? null,
    measurement_agent: agent ?? '',
    tool_name: tool ?? '',
    input_source: inputSource ?? '',
    input_destination: inputDestination ?? null,
  };
  return {
    ...metadataOf(row),
    parameters: [...parameters].sort((a, b) => compareBinary(a[0], b[0])),
    eventTypes: eventTypes.sort(compareRows),
  };
}
