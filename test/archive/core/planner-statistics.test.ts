/**
 * Planner statistics follow the archive as it grows. Statistics gathered while it was small
 * (`PRAGMA optimize` runs when a store closes) say that one source address matches every
 * metadata row, and the search by source then scans the table. The store refreshes them when it
 * opens, and the checkpoint worker refreshes them while a long-running archive takes writes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openSqliteStore } from '../../../src/archive/storage/sqlite.js';
import { openArchiveDatabase } from '../../../src/archive/storage/sqlite-schema.js';
import { backgroundCheckpointer } from '../../../src/archive/storage/sqlite-checkpointer.js';
import type { NewMetadataRecord } from '../../../src/archive/storage/store.js';

const GROWN = 2000;

/** Metadata `from`..`to - 1`, each from its own source address. */
function metadataRecords(from: number, to: number): NewMetadataRecord[] {
  return Array.from({ length: to - from }, (_, n) => {
    const i = from + n;
    return {
      key: `k${i}`,
      checksum: `c${i}`,
      subjectType: 'point-to-point',
      subject: {
        source: `10.0.${i >> 8}.${i & 255}`,
        destination: '10.9.9.9',
        'measurement-agent': '10.9.9.9',
        'tool-name': 'pscheduler/powstream',
        'input-source': `h${i}`,
        'input-destination': 'd',
      },
      parameters: [],
      eventTypes: [{ eventType: 'packet-count-lost', summaryType: 'base', window: 0, timeUpdated: null }],
    };
  });
}

/**
 * An archive of {@link GROWN} metadata whose statistics are those gathered when it held 3 (as
 * when a store closed then and the store that grew it only wrote).
 */
async function grownArchiveWithStaleStatistics(path: string): Promise<void> {
  const small = openSqliteStore(path);
  await small.insertMetadata(metadataRecords(0, 3));
  await small.close();
  const stale = withDatabase(path, (db) => {
    db.exec('ANALYZE metadata');
    return db.prepare("SELECT idx, stat FROM sqlite_stat1 WHERE tbl = 'metadata'").all() as StatRow[];
  });
  const growing = openSqliteStore(path);
  await growing.insertMetadata(metadataRecords(3, GROWN));
  await growing.close();
  withDatabase(path, (db) => {
    const put = db.prepare("UPDATE sqlite_stat1 SET stat = ? WHERE tbl = 'metadata' AND idx = ?");
    for (const row of stale) put.run(row.stat, row.idx);
    db.exec('ANALYZE sqlite_schema');
    assert.equal(rowsOf(sourceStatistics(db)), 3, 'the statistics of the small archive');
  });
}

interface StatRow {
  idx: string;
  stat: string;
}

function withDatabase<T>(path: string, use: (db: Database.Database) => T): T {
  const db = new Database(path);
  try {
    return use(db);
  } finally {
    db.close();
  }
}

function sourceStatistics(db: Database.Database): string | undefined {
  const row = db.prepare("SELECT stat FROM sqlite_stat1 WHERE idx = 'metadata_source'").get() as
    { stat: string } | undefined;
  return row?.stat;
}

/** The row count the statistics give the source index (its first figure). */
const rowsOf = (stat: string | undefined): number => Number(stat?.split(' ')[0]);

test('opening an archive refreshes statistics gathered when it was small', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'esmond-stats-open-'));
  try {
    const path = join(dir, 'archive.sqlite');
    await grownArchiveWithStaleStatistics(path);
    const db = openArchiveDatabase(path);
    try {
      assert.equal(rowsOf(sourceStatistics(db)), GROWN);
    } finally {
      db.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the checkpoint worker refreshes statistics of an archive that grew while it ran', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'esmond-stats-worker-'));
  try {
    const path = join(dir, 'archive.sqlite');
    const db = openArchiveDatabase(path);
    const checkpointer = backgroundCheckpointer(db, 0);
    assert.ok(checkpointer !== undefined);
    try {
      await grownArchiveWithStaleStatistics(path);
      assert.equal(rowsOf(sourceStatistics(db)), 3);
      const result = await checkpointer.checkpointNow();
      assert.ok(result !== undefined && !result.busy, JSON.stringify(result));
      assert.equal(rowsOf(sourceStatistics(db)), GROWN);
    } finally {
      await checkpointer.close();
      db.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
