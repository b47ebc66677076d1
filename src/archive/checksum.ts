/**
 * The de-duplication checksum of a metadata POST (archive-api.md: Writing): a hash over the subject
 * type, the subject fields as posted, the parameters and the event-type rows, all sorted and
 * lowercased, so matching ignores case, key order and list order, and `20` equals `"20"`.
 * @module
 */
import { createHash } from 'node:crypto';
import type { EventTypeRowSpec } from './validate.js';

/** What the checksum covers. Subject values are the posted strings, before IP normalisation. */
export interface ChecksumInput {
  subjectType: string;
  subject: ReadonlyArray<readonly [string, string]>;
  parameters: ReadonlyArray<readonly [string, string]>;
  rows: readonly EventTypeRowSpec[];
}

const byKey = (a: readonly [string, string], b: readonly [string, string]): number =>
  a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0;

function compareRows(a: EventTypeRowSpec, b: EventTypeRowSpec): number {
  if (a.eventType !== b.eventType) return a.eventType < b.eventType ? -1 : 1;
  if (a.summaryType !== b.summaryType) return a.summaryType < b.summaryType ? -1 : 1;
  return a.window - b.window;
}

/** Hex SHA-256 of the canonical, lowercased description; equal inputs in any order collide. */
export function metadataChecksum(input: ChecksumInput): string {
  const rows = dedupeRows(input.rows).sort(compareRows);
  const canonical = JSON.stringify([
    input.subjectType,
    [...input.subject].sort(byKey),
    [...input.parameters].sort(byKey),
    rows.map((r) => [r.eventType, r.summaryType, String(r.window)]),
  ]).toLowerCase();
  return createHash('sha256').update(canonical).digest('hex');
}

/** Drops repeated (event-type, summary-type, window) rows, keeping the first. */
export function dedupeRows(rows: readonly EventTypeRowSpec[]): EventTypeRowSpec[] {
  const seen = new Set<string>();
  return rows.filter((r) => {
    const id = `${r.eventType}\u0000${r.summaryType}\u0000${r.window}`;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}
