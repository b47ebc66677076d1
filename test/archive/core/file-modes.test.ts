// the database and the WAL and SHM files SQLite creates beside it hold key
// hashes, so they are created readable by their owner only, whatever the umask.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteArchive } from '../../../src/archive/service.js';

test('a new archive, its -wal and its -shm are created 0600 even under umask 000', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'esmond-modes-'));
  const previous = process.umask(0o000);
  try {
    const path = join(dir, 'archive.sqlite');
    const svc = openSqliteArchive(path, { resolver: false });
    try {
      await svc.addUser('writer'); // a write, so the WAL and the shared-memory index exist
      for (const file of [path, `${path}-wal`, `${path}-shm`]) {
        assert.equal((statSync(file).mode & 0o777).toString(8), '600', file);
      }
    } finally {
      await svc.close();
    }
  } finally {
    process.umask(previous);
    rmSync(dir, { recursive: true, force: true });
  }
});
