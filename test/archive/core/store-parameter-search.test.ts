// Searches on free-form parameters straight against each store (SQLite, and PostgreSQL when the
// test cluster runs): matches, order, paging and the total are what a plain filter over the
// records gives, for one pair, several, more than get a term each, duplicates and contradictions,
// alone and beside a subject condition. PostgreSQL counts parameter-only searches in its
// parameters table and skips the count when a page is not full: both must give the same totals.
import assert from 'node:assert/strict';
import type { MetadataQuery, NewMetadataRecord } from '../../../src/archive/storage/store.js';
import { describeSearchEquivalence } from '../../helpers/search-equivalence.js';

const COUNT = 240;
const MANY = Array.from({ length: 12 }, (_, i): [string, string] => [`q${i}`, '1']);

const records: NewMetadataRecord[] = Array.from({ length: COUNT }, (_, i) => ({
  // Keys not in insertion order, so ordering by key is visible.
  key: `k${String((i * 7919) % COUNT).padStart(4, '0')}`,
  checksum: `c${i}`,
  subjectType: i % 5 === 0 ? 'network-element' : 'point-to-point',
  subject: {
    source: `10.4.0.${i % 9}`,
    'measurement-agent': '10.4.9.9',
    'tool-name': 'param-test',
    'input-source': `h${i}`,
  },
  parameters: [['n', String(i)], ['g', String(i % 4)], ['h', String(i % 3)], ...(i % 10 === 0 ? MANY : [])],
  eventTypes: [{ eventType: 'throughput', summaryType: 'base', window: 0, timeUpdated: null }],
}));

const searches: Array<[string, MetadataQuery]> = [
  ['one common pair', q([['g', '1']])],
  [
    'two pairs',
    q([
      ['g', '1'],
      ['h', '2'],
    ]),
  ],
  [
    'three pairs, one rare',
    q([
      ['g', '1'],
      ['h', '2'],
      ['n', '17'],
    ]),
  ],
  ['no match', q([['n', '9999']])],
  [
    'contradiction',
    q([
      ['g', '1'],
      ['g', '2'],
    ]),
  ],
  [
    'duplicate pair',
    q([
      ['g', '3'],
      ['g', '3'],
    ]),
  ],
  ['ten pairs (one grouped term)', q(MANY.slice(0, 10))],
  ['twelve pairs and one more', q([...MANY, ['g', '0']])],
  ['pair and subject type', { ...q([['g', '0']]), subjectType: 'point-to-point' }],
  ['pair and source', { ...q([['h', '1']]), addresses: [{ field: 'source', anyOf: ['10.4.0.4'] }] }],
];

function q(parameters: Array<[string, string]>): MetadataQuery {
  return { addresses: [], strings: [], parameters };
}

/** The matching keys, sorted as the stores sort them (bytewise). */
function expected(query: MetadataQuery): string[] {
  return records
    .filter((r) => query.parameters.every(([k, v]) => r.parameters.some(([rk, rv]) => rk === k && rv === v)))
    .filter((r) => query.subjectType === undefined || r.subjectType === query.subjectType)
    .filter((r) => query.addresses.every((a) => a.anyOf.includes(r.subject[a.field] ?? '')))
    .map((r) => r.key)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

describeSearchEquivalence({
  label: 'parameter searches',
  database: 'param-search',
  records,
  searches,
  expected,
  pages: (total) => [
    [1500, 0],
    [7, 0],
    [7, 5],
    [7, Math.max(0, total - 1)],
    [7, total],
    [7, total + 3],
    [total, 0],
  ],
  also: () => {
    // The fixture is not degenerate: common and rare pairs, and the grouped term, all match something.
    assert.equal(expected(q([['g', '1']])).length, COUNT / 4);
    assert.equal(
      expected(
        q([
          ['g', '1'],
          ['h', '2'],
          ['n', '17'],
        ]),
      ).length,
      1,
    );
    assert.equal(expected(q(MANY.slice(0, 10))).length, COUNT / 10);
  },
});
