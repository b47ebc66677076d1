/**
 * An archive made before event-type rows carried their metadata's key upgrades when a store
 * opens it (both stores): every row gets its metadata's key, and searches on a whole row, which
 * read that key's index, give what a plain filter over the records gives. A metadata created
 * later carries its key on each row.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { openStore } from '../../../src/archive/storage/open.js';
import type { ArchiveStore, MetadataQuery, NewMetadataRecord } from '../../../src/archive/storage/store.js';
import { freshPgDatabase, testStores, type StoreKind } from '../../helpers/stores.js';

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

/** The `[limit, offset]` pages read of each search. */
const PAGES: ReadonlyArray<readonly [number, number]> = [
  [10, 0],
  [10, 95],
  [500, 0],
];

/** A database of one store kind, its store, raw SQL on it, and its removal. */
interface Place {
  open(): Promise<ArchiveStore>;
  sql(text: string): Promise<Array<Record<string, unknown>>>;
  remove(): Promise<void>;
}

async function place(kind: StoreKind): Promise<Place> {
  if (kind === 'postgres') {
    const db = await freshPgDatabase();
    return {
      open: () => openStore(db.url),
      async sql(text) {
        const client = new pg.Client({ connectionString: db.url });
        await client.connect();
        try {
          const results: unknown = await client.query(text);
          type Result = pg.QueryResult<Record<string, unknown>>;
          const last = Array.isArray(results) ? (results as Result[]).at(-1) : (results as Result);
          return last?.rows ?? [];
        } finally {
          await client.end();
        }
      },
      remove: () => db.drop(),
    };
  }
  const dir = mkdtempSync(join(tmpdir(), 'esmond-migration-'));
  const path = join(dir, 'archive.sqlite');
  return {
    open: () => openStore(path),
    sql(text) {
      // A throw inside the executor is a rejection, as with the PostgreSQL client.
      return new Promise((resolve) => {
        const db = new Database(path);
        try {
          if (/^\s*SELECT/i.test(text)) {
            resolve(db.prepare(text).all() as Array<Record<string, unknown>>);
          } else {
            db.exec(text);
            resolve([]);
          }
        } finally {
          db.close();
        }
      });
    },
    remove() {
      rmSync(dir, { recursive: true, force: true });
      return Promise.resolve();
    },
  };
}

/** How each store's schema is turned back to before rows carried keys (its previous version). */
const DOWNGRADE: Record<StoreKind, string> = {
  sqlite: `DROP TRIGGER event_types_key_required; DROP INDEX event_types_by_key;
           ALTER TABLE event_types DROP COLUMN metadata_key;
           CREATE INDEX event_types_match ON event_types(event_type, summary_type, summary_window, time_updated, metadata_id);
           PRAGMA user_version = 2`,
  postgres: `DROP INDEX event_types_by_key; ALTER TABLE event_types DROP COLUMN metadata_key;
             CREATE INDEX event_types_match ON event_types (event_type, summary_type, summary_window, time_updated, metadata_id);
             DELETE FROM esmond_schema_migrations WHERE version = 3`,
};

async function pages(store: ArchiveStore): Promise<unknown[]> {
  const out: unknown[] = [];
  for (const query of searches) {
    for (const [limit, offset] of PAGES) {
      const { total, items } = await store.findMetadata(query, limit, offset);
      out.push({ total, keys: items.map((m) => m.key) });
    }
  }
  return out;
}

/** The keys of every match of every search, as a plain filter over the records finds them. */
function expectedPages(): unknown[] {
  const out: unknown[] = [];
  for (const query of searches) {
    const r = query.row;
    const keys = records
      .filter((m) =>
        m.eventTypes.some(
          (e) =>
            (r?.eventType === undefined || e.eventType === r.eventType) &&
            (r?.summaryType === undefined || e.summaryType === r.summaryType) &&
            (r?.window === undefined || e.window === r.window),
        ),
      )
      .map((m) => m.key)
      .sort();
    for (const [limit, offset] of PAGES) out.push({ total: keys.length, keys: keys.slice(offset, offset + limit) });
  }
  return out;
}

for (const kind of testStores()) {
  test(`a ${kind} archive made before rows carried keys is upgraded on open and searches right`, async () => {
    const at = await place(kind);
    try {
      const made = await at.open();
      await made.insertMetadata(records);
      await made.close();
      await at.sql(DOWNGRADE[kind]);
      const columns = await at.sql(
        kind === 'sqlite'
          ? "SELECT name FROM pragma_table_info('event_types') WHERE name = 'metadata_key'"
          : "SELECT column_name FROM information_schema.columns WHERE table_name = 'event_types' AND column_name = 'metadata_key'",
      );
      assert.equal(columns.length, 0, 'the downgraded archive has the old schema');

      const upgraded = await at.open();
      try {
        assert.deepEqual(await pages(upgraded), expectedPages());
      } finally {
        await upgraded.close();
      }
      const wrong = await at.sql(
        `SELECT COUNT(*) AS n FROM event_types e JOIN metadata m ON m.id = e.metadata_id
         WHERE e.metadata_key IS DISTINCT FROM m.metadata_key`,
      );
      assert.equal(Number(wrong[0]?.['n']), 0, 'every row carries its metadata key');
      const rows = await at.sql('SELECT COUNT(*) AS n FROM event_types');
      assert.equal(Number(rows[0]?.['n']), COUNT * 2 + Math.ceil(COUNT / 3));
    } finally {
      await at.remove();
    }
  });
}

for (const kind of testStores()) {
  test(`a metadata created in a ${kind} archive carries its key on each of its rows`, async () => {
    const at = await place(kind);
    try {
      const store = await at.open();
      await store.insertMetadata(records.slice(0, 5));
      await store.findOrInsertMetadata({ ...records[5]!, checksum: 'one-more', key: 'one-more' });
      await store.close();
      const rows = await at.sql('SELECT metadata_key FROM event_types ORDER BY id');
      const expected = [...records.slice(0, 5), { ...records[5]!, key: 'one-more' }].flatMap((r) =>
        r.eventTypes.map(() => ({ metadata_key: r.key })),
      );
      assert.deepEqual(rows, expected);
    } finally {
      await at.remove();
    }
  });
}

for (const kind of testStores()) {
  test(`a ${kind} archive refuses an event-type row without its metadata key`, async () => {
    const at = await place(kind);
    try {
      const store = await at.open();
      await store.insertMetadata(records.slice(0, 1));
      await store.close();
      await assert.rejects(
        at.sql(
          "INSERT INTO event_types (metadata_id, event_type, summary_type, summary_window) SELECT id, 'x', 'base', 0 FROM metadata",
        ),
        /metadata_key/,
      );
    } finally {
      await at.remove();
    }
  });
}
