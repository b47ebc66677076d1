/**
 * A time-range read of one series must be an index range scan of the cells primary key, so read
 * cost follows the points returned, not the size of the archive.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openSqliteStore } from '../../../src/archive/storage/sqlite.js';
import { READ_CELLS_SQL } from '../../../src/archive/storage/sqlite-rows.js';

test('a series time-range read searches the (series_id, ts) primary key and needs no sort', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'esmond-plan-'));
  try {
    const path = join(dir, 'plan.sqlite');
    await openSqliteStore(path).close(); // creates the schema through the real migrations
    const db = new Database(path, { readonly: true });
    try {
      const plan = db.prepare(`EXPLAIN QUERY PLAN ${READ_CELLS_SQL}`).all(1, 0, 2_000_000_000, 1000, 0) as Array<{
        detail: string;
      }>;
      const details = plan.map((p) => p.detail);
      assert.equal(details.length, 1, details.join(' | '));
      assert.match(details[0]!, /^SEARCH cells USING PRIMARY KEY \(series_id=\? AND ts>\? AND ts<\?\)$/);
      assert.ok(!details.some((d) => /SCAN|TEMP B-TREE/.test(d)), details.join(' | '));
    } finally {
      db.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
