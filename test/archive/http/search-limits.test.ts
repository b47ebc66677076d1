// many free-form filters on a large archive WITH planner statistics present
// (sqlite_stat1, as `PRAGMA optimize` at close creates it). The plan is forced (the posted list
// drives, one index probe per pair) and the number of filters is bounded by a clear 400.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openSqliteStore } from '../../../src/archive/storage/sqlite.js';
import { metadataFilter } from '../../../src/archive/storage/sqlite-search.js';
import { MAX_PARAMETER_FILTERS } from '../../../src/archive/search.js';
import type { MetadataQuery } from '../../../src/archive/storage/store.js';
import { startArchive, type TestArchive } from '../../helpers/archive.js';
import { closeRawAgent, raw } from './raw-request.js';

const METADATA = 14_000;
const WIDE = 20; // parameters of the one metadata a wide search must still find
let dir: string;
let path: string;
let a: TestArchive;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'esmond-search-limits-'));
  path = join(dir, 'big.sqlite');
  const store = openSqliteStore(path);
  await store.insertMetadata(
    Array.from({ length: METADATA }, (_, i) => {
      const wide = i === 0;
      return {
        key: `k${String(i).padStart(6, '0')}`,
        checksum: `c${i}`,
        subjectType: 'point-to-point',
        subject: {
          source: `10.0.${i >> 8}.${i & 255}`,
          destination: '10.9.0.1',
          'measurement-agent': '10.9.0.1',
          'tool-name': 'pscheduler/powstream',
          'input-source': 'a',
          'input-destination': 'b',
        },
        parameters: wide
          ? Array.from({ length: WIDE }, (_, j): [string, string] => [`p${j}`, `v${j}`])
          : [
              ['time-duration', String(i % 7)],
              ['pscheduler-test-type', i % 2 === 0 ? 'latencybg' : 'throughput'],
              ['sample-size', '600'],
            ],
        eventTypes: [{ eventType: 'packet-count-sent', summaryType: 'base', window: 0, timeUpdated: null }],
      };
    }),
  );
  await store.close();
  const db = new Database(path);
  db.exec('ANALYZE');
  assert.equal(
    (db.prepare("SELECT COUNT(*) AS n FROM sqlite_master WHERE name = 'sqlite_stat1'").get() as { n: number }).n,
    1,
  );
  db.close();
  a = await startArchive({ dbPath: path, withUser: false });
});

after(async () => {
  closeRawAgent();
  await a.close();
  rmSync(dir, { recursive: true, force: true });
});

function query(pairs: Array<[string, string]>): MetadataQuery {
  return { addresses: [], strings: [], parameters: pairs };
}

test('with statistics present, a many-filter search is driven by the posted list', () => {
  const pairs = Array.from({ length: MAX_PARAMETER_FILTERS }, (_, i): [string, string] => [`a${i}`, '1']);
  const { clause, args } = metadataFilter(query(pairs));
  const db = new Database(path, { readonly: true });
  try {
    const plan = (
      db.prepare(`EXPLAIN QUERY PLAN SELECT COUNT(*) FROM metadata m ${clause}`).all(...args) as Array<{
        detail: string;
      }>
    ).map((p) => p.detail);
    const text = plan.join(' | ');
    const list = plan.findIndex((d) => /^SCAN j VIRTUAL TABLE/.test(d));
    const probe = plan.findIndex((d) =>
      /^SEARCH p USING (COVERING )?INDEX parameters_match \(key=\? AND value=\?\)/.test(d),
    );
    assert.ok(list >= 0 && probe > list, text);
    assert.ok(!plan.some((d) => /^SCAN p\b/.test(d)), text);
  } finally {
    db.close();
  }
});

test('the maximum number of filters answers (and finds what matches); one more is a clear 400', async () => {
  const at = (n: number, offset = 0) =>
    Array.from({ length: n }, (_, i) => `${offset === 0 ? 'p' : 'x'}${i}=v${i}`).join('&');
  const found = await raw(a.url, 'GET', `/esmond/perfsonar/archive/?${at(WIDE)}`);
  assert.equal(found.status, 200);
  assert.deepEqual(
    (found.json() as Array<{ 'metadata-key': string }>).map((m) => m['metadata-key']),
    ['k000000'],
  );
  const max = await raw(a.url, 'GET', `/esmond/perfsonar/archive/?${at(MAX_PARAMETER_FILTERS, 1)}`);
  assert.equal(max.status, 200);
  assert.deepEqual(max.json(), []);
  // The attack of the issue: 1 296 two-letter filters.
  const letters = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJ';
  const attack = Array.from(letters)
    .flatMap((x) => Array.from(letters).map((y) => `${x}${y}=1`))
    .join('&');
  for (const q of [at(MAX_PARAMETER_FILTERS + 1, 1), attack]) {
    const r = await raw(a.url, 'GET', `/esmond/perfsonar/archive/?${q}`);
    assert.equal(r.status, 400);
    assert.deepEqual(r.json(), {
      detail: `At most ${MAX_PARAMETER_FILTERS} parameter filters are allowed in one search.`,
    });
  }
});
