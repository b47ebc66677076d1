// Searches on event-type rows straight against each store (SQLite, and PostgreSQL when the test
// cluster runs): matches, order, paging and the total are what a plain filter over the records
// gives. Enough metadata match for SQLite to walk its key index, both ways it can: probing each
// key's rows (a page near the start) and collecting the matches first (a page further on); a
// search on rows alone is counted in the rows table. A total passed in (the next slice of one
// page) gives the same page without counting again. Searches driven by a column walk the same
// way when they match many, and are sorted at once, with no count, when they match few.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { MetadataQuery, NewMetadataRecord } from '../../../src/archive/storage/store.js';
import { KEY_WALK_THRESHOLD, probeWalkPays } from '../../../src/archive/storage/sqlite-search.js';
import { describeSearchEquivalence } from '../../helpers/search-equivalence.js';

const COUNT = 900;
const T0 = 1_700_000_000;

type Row = NewMetadataRecord['eventTypes'][number];
const records: NewMetadataRecord[] = Array.from({ length: COUNT }, (_, i) => {
  const rows: Row[] = [{ eventType: 'failures', summaryType: 'base', window: 0, timeUpdated: i % 7 === 0 ? null : T0 }];
  if (i % 2 === 0) {
    // Several rows of one event type: a metadata must be counted once.
    rows.push(
      { eventType: 'throughput', summaryType: 'base', window: 0, timeUpdated: T0 + i },
      { eventType: 'throughput', summaryType: 'average', window: 86400, timeUpdated: T0 + 2 * i },
    );
  }
  if (i % 3 === 0) {
    rows.push(
      { eventType: 'packet-loss-rate', summaryType: 'base', window: 0, timeUpdated: T0 - i },
      { eventType: 'packet-loss-rate', summaryType: 'aggregation', window: 3600, timeUpdated: T0 - i },
      { eventType: 'packet-loss-rate', summaryType: 'aggregation', window: 86400, timeUpdated: null },
    );
  }
  return {
    // Keys not in insertion order, so ordering by key is visible.
    key: `r${String((i * 7919) % COUNT).padStart(4, '0')}`,
    checksum: `row-${i}`,
    subjectType: 'point-to-point',
    subject: {
      source: `10.5.0.${i % 5}`,
      'measurement-agent': '10.5.9.9',
      'tool-name': i % 4 === 0 ? 'pscheduler/powstream' : 'pscheduler/iperf3',
      'input-source': `h${i}`,
    },
    parameters: [['g', String(i % 6)]],
    eventTypes: rows,
  };
});

const none: MetadataQuery = { addresses: [], strings: [], parameters: [] };
const searches: Array<[string, MetadataQuery]> = [
  ['event type with several rows', { ...none, row: { eventType: 'throughput' } }],
  ['every metadata', { ...none, row: { eventType: 'failures' } }],
  [
    'type, summary and window',
    { ...none, row: { eventType: 'packet-loss-rate', summaryType: 'aggregation', window: 3600 } },
  ],
  // The whole triple: read in key order from the rows' key index, also with a time window and
  // with a term on the metadata.
  [
    'type, summary and window in a time window',
    {
      ...none,
      row: { eventType: 'packet-loss-rate', summaryType: 'aggregation', window: 3600, updatedFrom: T0 - 700 },
    },
  ],
  [
    'type, summary and window of one tool',
    {
      ...none,
      strings: [{ field: 'tool-name', value: 'pscheduler/iperf3' }],
      row: { eventType: 'throughput', summaryType: 'average', window: 86400 },
    },
  ],
  ['summary type alone', { ...none, row: { summaryType: 'aggregation' } }],
  ['time window', { ...none, row: { eventType: 'throughput', updatedFrom: T0 + 200, updatedTo: T0 + 900 } }],
  ['open time window', { ...none, row: { updatedFrom: T0 } }],
  ['no match', { ...none, row: { eventType: 'histogram-rtt' } }],
  [
    'row and tool',
    { ...none, strings: [{ field: 'tool-name', value: 'pscheduler/iperf3' }], row: { eventType: 'throughput' } },
  ],
  // Column-driven: a few are collected and sorted at once; many are counted and walked.
  ['tool alone (many)', { ...none, strings: [{ field: 'tool-name', value: 'pscheduler/iperf3' }] }],
  ['source alone (few)', { ...none, addresses: [{ field: 'source', anyOf: ['10.5.0.1'] }] }],
  ['row and parameter', { ...none, parameters: [['g', '2']], row: { eventType: 'failures' } }],
  ['row and subject type', { ...none, subjectType: 'point-to-point', row: { eventType: 'failures' } }],
  [
    'row and source',
    { ...none, addresses: [{ field: 'source', anyOf: ['10.5.0.3'] }], row: { eventType: 'failures' } },
  ],
];

/** The matching keys, sorted as the stores sort them (bytewise). */
function expected(query: MetadataQuery): string[] {
  const r = query.row;
  const rowMatches = (row: Row): boolean =>
    r === undefined ||
    ((r.eventType === undefined || row.eventType === r.eventType) &&
      (r.summaryType === undefined || row.summaryType === r.summaryType) &&
      (r.window === undefined || row.window === r.window) &&
      (r.updatedFrom === undefined || (row.timeUpdated !== null && row.timeUpdated >= r.updatedFrom)) &&
      (r.updatedTo === undefined || (row.timeUpdated !== null && row.timeUpdated <= r.updatedTo)));
  return records
    .filter((m) => m.eventTypes.some(rowMatches))
    .filter((m) => query.strings.every((s) => m.subject[s.field] === s.value))
    .filter((m) => query.parameters.every(([k, v]) => m.parameters.some(([rk, rv]) => rk === k && rv === v)))
    .filter((m) => query.subjectType === undefined || m.subjectType === query.subjectType)
    .filter((m) => query.addresses.every((a) => a.anyOf.includes(m.subject[a.field] ?? '')))
    .map((m) => m.key)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

describeSearchEquivalence({
  label: 'event-type row searches',
  database: 'row-search',
  records,
  searches,
  expected,
  pages: (total) => [
    [1500, 0],
    [10, 0],
    [10, 25],
    [10, 200],
    [250, 250],
    [10, Math.max(0, total - 4)],
    [10, total],
  ],
});

test('the row searches above walk the key index both ways: probing near the start, collecting further on', () => {
  const total = expected({ ...none, row: { eventType: 'throughput' } }).length;
  assert.ok(total > KEY_WALK_THRESHOLD, `${total} matches must be walked`);
  assert.equal(probeWalkPays(0, 10, total, COUNT), true);
  assert.equal(probeWalkPays(200, 10, total, COUNT), false);
});
