// WAL checkpoints of a SQLite archive run in a worker thread, not in the writer's COMMIT: the
// writer's connection no longer copies pages into the database file (its autocheckpoint is
// off), the worker's checkpoint does; and the writer's connection still closes last, so
// closing a store leaves no WAL behind.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openArchiveDatabase } from '../../../src/archive/storage/sqlite-schema.js';
import { backgroundCheckpointer } from '../../../src/archive/storage/sqlite-checkpointer.js';
import { openSqliteArchive } from '../../../src/archive/service.js';

const ctx = () => ({ requestUrl: new URL('http://testserver/perfsonar/archive/'), prefix: '', now: 1_700_000_000 });
const BODY = {
  'subject-type': 'point-to-point',
  source: '10.0.0.1',
  destination: '10.0.0.2',
  'measurement-agent': '10.0.0.3',
  'event-types': [{ 'event-type': 'packet-count-sent' }],
};

/** Cells in the database file alone, without its WAL (what a checkpoint has copied there). */
function cellsInFileAlone(path: string, dir: string): number {
  const copy = join(dir, 'copy.sqlite');
  rmSync(copy, { force: true });
  copyFileSync(path, copy);
  const db = new Database(copy, { readonly: true });
  try {
    return (db.prepare('SELECT COUNT(*) AS n FROM cells').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

test('the worker checkpoints the WAL; the writer, past 1000 WAL pages, does not', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'esmond-checkpoint-'));
  const path = join(dir, 'archive.sqlite');
  const db = openArchiveDatabase(path);
  const checkpointer = backgroundCheckpointer(db);
  try {
    assert.ok(checkpointer, 'a WAL database on a file gets a checkpointer');
    // The schema into the file, so the copies below can be opened.
    const first = await checkpointer.checkpointNow();
    assert.equal(db.pragma('wal_autocheckpoint', { simple: true }), 0);
    assert.ok(first && first.log === first.checkpointed, JSON.stringify(first));

    // About 6 MB of cells: well past SQLite's own 1000-page autocheckpoint.
    const insert = db.prepare('INSERT INTO cells (series_id, ts, doc) VALUES (?, ?, ?)');
    const doc = 'x'.repeat(300);
    db.transaction(() => {
      for (let ts = 0; ts < 20_000; ts++) insert.run(1, ts, doc);
    })();
    checkpointer.wrote();
    assert.equal(cellsInFileAlone(path, dir), 0, 'the writer copied nothing into the file');

    const done = await checkpointer.checkpointNow();
    assert.ok(done && !done.busy && done.log > 1000 && done.checkpointed === done.log, JSON.stringify(done));
    assert.equal(cellsInFileAlone(path, dir), 20_000);
  } finally {
    await checkpointer?.close();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('no checkpointer for a database without a file of its own', () => {
  const db = openArchiveDatabase(':memory:');
  try {
    assert.equal(backgroundCheckpointer(db), undefined);
  } finally {
    db.close();
  }
});

test('a store that wrote closes its worker first: no WAL is left, and the data is there', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'esmond-checkpoint-'));
  const path = join(dir, 'archive.sqlite');
  try {
    const svc = openSqliteArchive(path, { resolver: false });
    const made = await svc.createMetadata(BODY, ctx());
    const key = made.metadata['metadata-key'];
    await svc.bulkWrite(key, { data: [{ ts: 100, val: [{ 'event-type': 'packet-count-sent', val: 7 }] }] }, ctx());
    await Promise.all([svc.close(), svc.close()]);
    assert.equal(existsSync(`${path}-wal`), false, 'the last connection to close removed the WAL');
    const again = openSqliteArchive(path, { resolver: false });
    try {
      const page = await again.readData(key, 'packet-count-sent', 'base', undefined, new URLSearchParams(), ctx());
      const points: unknown[] = [];
      for await (const chunk of page.points) points.push(...chunk);
      assert.deepEqual(points, [{ ts: 100, val: 7 }]);
    } finally {
      await again.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
