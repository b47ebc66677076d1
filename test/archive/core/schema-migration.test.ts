/**
 * An archive file made before event-type rows carried their metadata's key upgrades when a
 * store opens it: every row gets its metadata's key, the search index on them exists, and
 * searches give what a file made new gives.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openSqliteStore } from '../../../src/archive/storage/sqlite.js';
import type { MetadataQuery, NewMetadataRecord } from '../../../src/archive/storage/store.js';

const COUNT = 400;

const records: NewMetadataRecord[] = Array.from({ length: COUNT }, (_, i) => ({
  // Keys not in insertion order, so ordering by key is visible.
  key: `m${String((i * 7919) % COUNT).padStart(4, '0')}`,
  checksum: `migration-${i}`,
  subjectType: 'point-to-point',
  subject: {
    source: `10.6.0.${i % 9}`,
    'measurement-agent': '10.6.9.9',
    'tool-name': 'pscheduler/powstream',
    'input-source': `h${i}`,
  },
  parameters: [],
  eventTypes: [
    { eventType: 'packet-loss-rate', summaryType: 'base', window: 0, timeUpdated: 1_700_000_000 + i },
    { eventType: 'packet-loss-rate', summaryType: 'aggregation', window: 3600, timeUpdated: 1_700_000_000 + i },
    ...(i % 3 === 0 ? [{ eventType: 'failures', summaryType: 'base', window: 0, timeUpdated: null }] : []),
  ],
}));

const none: MetadataQuery = { addresses: [], strings: [], parameters: [] };
const searches: MetadataQuery[] = [
  { ...none, row: { eventType: 'packet-loss-rate', summaryType: 'aggregation', window: 3600 } },
  { ...none, row: { eventType: 'failures', summaryType: 'base', window: 0 } },
  { ...none, row: { eventType: 'packet-loss-rate' } },
];

/** Turns a current archive file back into the schema before rows carried keys (user_version 2). */
function downgrade(path: string): void {
  const db = new Database(path);
  try {
    db.exec(`DROP INDEX event_types_by_key;
             ALTER TABLE event_types DROP COLUMN metadata_key;
             PRAGMA user_version = 2;`);
  } finally {
    db.close();
  }
}

async function pages(path: string): Promise<unknown[]> {
  const store = openSqliteStore(path);
  try {
    const out: unknown[] = [];
    for (const query of searches) {
      for (const [limit, offset] of [
        [10, 0],
        [10, 95],
        [500, 0],
      ] as const) {
        const { total, items } = await store.findMetadata(query, limit, offset);
        out.push({ total, keys: items.map((m) => m.key) });
      }
    }
    return out;
  } finally {
    await store.close();
  }
}

test('an archive made before rows carried keys is upgraded on open and searches as a new one', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'esmond-migration-'));
  try {
    const fresh = join(dir, 'fresh.sqlite');
    const old = join(dir, 'old.sqlite');
    for (const path of [fresh, old]) {
      const store = openSqliteStore(path);
      await store.insertMetadata(records);
      await store.close();
    }
    downgrade(old);
    const before = new Database(old, { readonly: true });
    const columns = (before.prepare('PRAGMA table_info(event_types)').all() as Array<{ name: string }>).map(
      (c) => c.name,
    );
    before.close();
    assert.ok(!columns.includes('metadata_key'), 'the downgraded file has the old schema');

    const expected = await pages(fresh);
    assert.deepEqual(await pages(old), expected);

    const db = new Database(old, { readonly: true });
    try {
      assert.equal(db.pragma('user_version', { simple: true }), 3);
      const wrong = db
        .prepare(
          `SELECT COUNT(*) FROM event_types e JOIN metadata m ON m.id = e.metadata_id
           WHERE e.metadata_key IS NOT m.metadata_key`,
        )
        .pluck()
        .get();
      assert.equal(wrong, 0, 'every row carries its metadata key');
      const rows = db.prepare('SELECT COUNT(*) FROM event_types').pluck().get() as number;
      assert.equal(rows, COUNT * 2 + Math.ceil(COUNT / 3));
      const index = db.prepare("SELECT 1 FROM sqlite_schema WHERE name = 'event_types_by_key'").get();
      assert.ok(index, 'the key index exists');
    } finally {
      db.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a metadata created in an archive carries its key on each of its rows', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'esmond-migration-'));
  try {
    const path = join(dir, 'new.sqlite');
    const store = openSqliteStore(path);
    await store.insertMetadata(records.slice(0, 5));
    await store.findOrInsertMetadata({ ...records[5]!, checksum: 'one-more', key: 'one-more' });
    await store.close();
    const db = new Database(path, { readonly: true });
    try {
      const rows = db.prepare('SELECT metadata_key FROM event_types ORDER BY id').pluck().all();
      const expected = [...records.slice(0, 5), { ...records[5]!, key: 'one-more' }].flatMap((r) =>
        r.eventTypes.map(() => r.key),
      );
      assert.deepEqual(rows, expected);
    } finally {
      db.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
