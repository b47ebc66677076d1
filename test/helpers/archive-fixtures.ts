/**
 * Test-only loaders that reproduce esmond's upstream test setup (test/fixtures/SOURCES.md): a Django fixture of
 * metadata rows (`perfsonar_api_metadata.json`, `perfsonar_client_metadata.json`) and the
 * Cassandra-form `test_data/*.json` series, written straight into an {@link ArchiveStore}.
 * @module
 */
import { readFileSync } from 'node:fs';
import { dataTypeOf } from '../../src/model/event-types.js';
import type {
  ArchiveStore,
  NewMetadataRecord,
  RawCell,
  StoredEventTypeRow,
  StoredSubject,
} from '../../src/archive/storage/store.js';
import { metadataChecksum } from '../../src/archive/checksum.js';
import { canonicalIp } from '../../src/archive/ip.js';
import { rawCell, rebuildSummaries } from '../../src/archive/series.js';
import { validateValue, type EventTypeRowSpec } from '../../src/archive/validate.js';

interface FixtureRow {
  pk: number;
  model: string;
  fields: Record<string, unknown>;
}

/** Counts of what a fixture load inserted. */
export interface FixtureLoadResult {
  metadata: number;
  parameters: number;
  eventTypes: number;
}

const str = (v: unknown): string => (typeof v === 'string' ? v : v === null || v === undefined ? '' : String(v));

/** Django `DateTimeField` text → whole UNIX seconds (floor), or null. */
function epochSeconds(v: unknown): number | null {
  if (typeof v !== 'string') return null;
  const ms = Date.parse(v);
  return Number.isNaN(ms) ? null : Math.floor(ms / 1000);
}

/**
 * Inserts every metadata record of a Django fixture (parsed JSON array) with its own keys,
 * subjects, parameters and event-type rows (time-updated kept). The de-dup checksum is
 * recomputed, so posting an equivalent metadata later finds the fixture record.
 */
export async function loadDjangoFixture(store: ArchiveStore, fixture: unknown): Promise<FixtureLoadResult> {
  if (!Array.isArray(fixture)) throw new Error('fixture must be a JSON array');
  const rows = fixture as FixtureRow[];
  const byModel = (model: string): FixtureRow[] => rows.filter((r) => r.model === model);
  const result: FixtureLoadResult = { metadata: 0, parameters: 0, eventTypes: 0 };
  const records: NewMetadataRecord[] = [];
  for (const md of byModel('api.psmetadata')) {
    const subjectType = str(md.fields['subject_type']);
    const isP2p = subjectType === 'point-to-point';
    const subjectRow = byModel(isP2p ? 'api.pspointtopointsubject' : 'api.psnetworkelementsubject').find(
      (r) => r.fields['metadata'] === md.pk,
    );
    const f = subjectRow?.fields ?? {};
    const raw: Array<[string, string]> = [
      ['source', str(f['source'])],
      ...(isP2p ? ([['destination', str(f['destination'])]] as Array<[string, string]>) : []),
      ['measurement-agent', str(f['measurement_agent'])],
      ['tool-name', str(f['tool_name'])],
      ['input-source', str(f['input_source'])],
      ...(isP2p ? ([['input-destination', str(f['input_destination'])]] as Array<[string, string]>) : []),
    ];
    const subject = Object.fromEntries(
      raw.map(([k, v]) => [k, ['source', 'destination', 'measurement-agent'].includes(k) ? (canonicalIp(v) ?? v) : v]),
    ) as unknown as StoredSubject;
    const parameters = byModel('api.psmetadataparameters')
      .filter((r) => r.fields['metadata'] === md.pk)
      .map((r): [string, string] => [str(r.fields['parameter_key']), str(r.fields['parameter_value'])]);
    const eventTypes = byModel('api.pseventtypes')
      .filter((r) => r.fields['metadata'] === md.pk)
      .sort((a, b) => a.pk - b.pk)
      .map((r) => ({
        eventType: str(r.fields['event_type']),
        summaryType: str(r.fields['summary_type']),
        window: Number(r.fields['summary_window'] ?? 0),
        timeUpdated: epochSeconds(r.fields['time_updated']),
      }));
    const checksum = metadataChecksum({
      subjectType,
      subject: raw,
      parameters,
      rows: eventTypes as EventTypeRowSpec[],
    });
    records.push({
      key: str(md.fields['metadata_key']),
      checksum,
      subjectType,
      subject,
      parameters,
      eventTypes,
    });
    result.metadata++;
    result.parameters += parameters.length;
    result.eventTypes += eventTypes.length;
  }
  await store.insertMetadata(records);
  return result;
}

/** Reads and loads a Django fixture file. */
export function loadDjangoFixtureFile(store: ArchiveStore, path: string): Promise<FixtureLoadResult> {
  return loadDjangoFixture(store, JSON.parse(readFileSync(path, 'utf8')) as unknown);
}

/**
 * Imports esmond Cassandra-form rows `{path: ["ps", et_with_underscores, KEY, [type, window]],
 * ts: <ms>, val}` into the matching registered series, without computing summaries (upstream
 * loads them straight into storage). Rows whose series is not registered are skipped.
 * @returns how many rows were stored
 */
export async function importStorageRows(store: ArchiveStore, rows: unknown): Promise<number> {
  if (!Array.isArray(rows)) throw new Error('test data must be a JSON array');
  const cells: RawCell[] = [];
  const rowsOf = new Map<string, StoredEventTypeRow[]>();
  for (const row of rows as Array<{ path?: unknown; ts?: unknown; val?: unknown }>) {
    if (!Array.isArray(row.path) || typeof row.ts !== 'number') continue;
    const [, rawType, key, summaryType = 'base', window = 0] = row.path as [
      unknown,
      unknown,
      unknown,
      unknown?,
      unknown?,
    ];
    const eventType = String(rawType).replace(/_/g, '-');
    const dataType = dataTypeOf(eventType);
    if (dataType === undefined) continue;
    const w = Number(window);
    const id = `${String(key)} ${eventType}`;
    let known = rowsOf.get(id);
    if (!known) rowsOf.set(id, (known = await store.eventTypeRows(String(key), eventType)));
    const series = known.find((r) => r.summaryType === summaryType && r.window === w);
    if (!series) continue;
    const value = validateValue(dataType, row.val);
    const cell = rawCell(dataType, series.summaryType, Math.floor(row.ts / 1000), value);
    if (cell) cells.push({ seriesId: series.seriesId, cell });
  }
  await store.putCells(cells);
  return cells.length;
}

/** Reads and imports a `test_data/*.json` file. */
export function importStorageRowsFile(store: ArchiveStore, path: string): Promise<number> {
  return importStorageRows(store, JSON.parse(readFileSync(path, 'utf8')) as unknown);
}

/**
 * Recomputes the summaries of one event type of one metadata from its base series, e.g. after
 * base rows were imported raw with {@link importStorageRows}. Returns the bins written (0 when
 * the key, the event type or its base row is unknown).
 */
export async function rebuildEventTypeSummaries(store: ArchiveStore, key: string, eventType: string): Promise<number> {
  const dataType = dataTypeOf(eventType);
  if (dataType === undefined) return 0;
  return rebuildSummaries(store, dataType, await store.eventTypeRows(key, eventType));
}
