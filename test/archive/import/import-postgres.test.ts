/**
 * `esmond-ps-archive import --db postgres://…`: the same copy as into SQLite, into a fresh
 * PostgreSQL database of the test cluster — every metadata (keys included) and every point of
 * every series, summaries recomputed, read back through an archive served from that database;
 * run twice, nothing doubled; killed with SIGKILL in the middle and run again, the same archive.
 * Skipped only where no PostgreSQL runs (npm test starts a cluster when the binaries exist).
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startArchive, type TestArchive } from '../../helpers/archive.js';
import { freshPgDatabase, testPgUrl } from '../../helpers/stores.js';
import { killImportMidway, runImport, snapshot, type Snapshot } from './helpers.js';

const skip = testPgUrl() === undefined ? 'no PostgreSQL test cluster (ESMOND_TEST_PG_URL)' : false;

describe('esmond-ps-archive import into a PostgreSQL store', { skip }, () => {
  let source: TestArchive;
  let want: Snapshot;
  let dir: string;
  const cleanups: Array<() => Promise<void>> = [];
  /** A fresh database, dropped after the suite. */
  const freshDb = async (): Promise<string> => {
    const db = await freshPgDatabase();
    cleanups.push(() => db.drop());
    return db.url;
  };
  /** Serves what an import wrote into `url`, for reading it back through the API. */
  const serve = async (url: string): Promise<TestArchive> => {
    const a = await startArchive({ dbPath: url, withUser: false });
    cleanups.unshift(() => a.close());
    return a;
  };

  before(async () => {
    source = await startArchive({ seed: { hosts: 2, days: 1 } });
    want = await snapshot(source.archiveUrl, { summaries: true });
    dir = mkdtempSync(join(tmpdir(), 'esmond-import-pg-test-'));
  });
  after(async () => {
    for (const c of cleanups) await c();
    await source.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('every metadata and every point, summaries recomputed, are the same; a second run stores nothing', async () => {
    assert.ok(want.points > 1000 && Object.keys(want.metadata).length > 4, 'the seeded archive has data');
    const db = await freshDb();
    const checkpoint = join(dir, 'copy.checkpoint.json');
    const r = await runImport(['--from', source.archiveUrl, '--db', db, '--checkpoint', checkpoint]);
    assert.equal(r.code, 0, r.stderr);
    const base = Object.entries(want.series)
      .filter(([k]) => k.split(' ').length === 2)
      .reduce((a, [, p]) => a + p.length, 0);
    assert.match(
      r.stderr,
      new RegExp(
        `${Object.keys(want.metadata).length} metadata copied; .* ${base} points read, ${base} stored, 0 already there`,
      ),
    );
    assert.ok(!existsSync(checkpoint), 'a complete import leaves no checkpoint');
    const copy = await serve(db);
    assert.deepEqual(await snapshot(copy.archiveUrl, { summaries: true }), want);

    const again = await runImport(['--from', source.archiveUrl, '--db', db, '--checkpoint', checkpoint]);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stderr, new RegExp(`${base} points read, 0 stored, ${base} already there`));
    assert.deepEqual(await snapshot(copy.archiveUrl, { summaries: true }), want);
  });

  test('kill -9 in the middle, then the same command again: the same archive, nothing twice', async () => {
    const db = await freshDb();
    const checkpoint = join(dir, 'killed.checkpoint.json');
    const args = ['--from', source.archiveUrl, '--db', db, '--checkpoint', checkpoint];
    await killImportMidway(args, checkpoint);

    const resumed = await runImport(args);
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.match(resumed.stderr, /resuming/);
    assert.ok(!existsSync(checkpoint));
    const copy = await serve(db);
    assert.deepEqual(await snapshot(copy.archiveUrl, { summaries: true }), want);
  });
});
