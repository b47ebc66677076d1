// The SQLite store's connection reads through a memory map of the file (searches at 100 000
// metadata touch far more pages than SQLite's default page cache holds). What another connection
// (the cell writer thread, another server on the same file) commits must still be read at once,
// also where it overwrites pages the map already holds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openArchiveDatabase } from '../../../src/archive/storage/sqlite-schema.js';

test('an archive connection maps the file for reads and sees what another connection commits', () => {
  const dir = mkdtempSync(join(tmpdir(), 'esmond-mapped-'));
  const path = join(dir, 'archive.sqlite');
  const db = openArchiveDatabase(path);
  const other = new Database(path);
  try {
    assert.equal(db.pragma('mmap_size', { simple: true }), 256 * 1024 * 1024);
    const sum = db.prepare('SELECT COUNT(*) AS n, COALESCE(SUM(num), 0) AS total FROM cells');
    const insert = other.prepare('INSERT INTO cells (series_id, ts, num) VALUES (?, ?, ?)');
    let expected = 0;
    for (let round = 1; round <= 3; round++) {
      other.transaction(() => {
        for (let ts = 0; ts < 2000; ts++) insert.run(round, ts, ts * round);
      })();
      expected += round * ((1999 * 2000) / 2);
      assert.deepEqual(sum.get(), { n: round * 2000, total: expected });
      // Rewritten pages, once the WAL is copied back into the (mapped) file.
      other.prepare('UPDATE cells SET num = num + 1 WHERE series_id = ?').run(round);
      other.pragma('wal_checkpoint(TRUNCATE)');
      expected += 2000;
      assert.deepEqual(sum.get(), { n: round * 2000, total: expected });
    }
  } finally {
    other.close();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
