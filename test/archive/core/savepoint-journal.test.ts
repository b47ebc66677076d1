// The SQLite store's connection keeps temporary data in memory: group commits run every request
// inside a savepoint, and a savepoint's sub-journal in a temporary file made each metadata insert
// about five times dearer than the insert itself. A savepoint rolled back alone still undoes only
// its own request.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openArchiveDatabase } from '../../../src/archive/storage/sqlite-schema.js';

test('an archive connection keeps savepoint journals in memory, and a rolled-back savepoint undoes only itself', () => {
  const dir = mkdtempSync(join(tmpdir(), 'esmond-savepoint-'));
  const db = openArchiveDatabase(join(dir, 'archive.sqlite'));
  try {
    assert.equal(db.pragma('temp_store', { simple: true }), 2, 'temp_store = MEMORY');
    const insert = db.prepare('INSERT INTO cells (series_id, ts, num) VALUES (?, ?, ?)');
    db.transaction(() => {
      db.transaction(() => {
        for (let ts = 0; ts < 500; ts++) insert.run(1, ts, ts);
      })();
      assert.throws(() => {
        db.transaction(() => {
          for (let ts = 0; ts < 500; ts++) insert.run(2, ts, ts);
          insert.run(1, 0, 0); // a stored (series, ts): the savepoint rolls back
        })();
      });
    }).immediate();
    const counts = db.prepare('SELECT series_id, COUNT(*) AS n FROM cells GROUP BY series_id').all();
    assert.deepEqual(counts, [{ series_id: 1, n: 500 }]);
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
