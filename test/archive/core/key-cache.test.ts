import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteArchive } from '../../../src/archive/service.js';
import type { ArchiveService } from '../../../src/archive/types.js';

/**
 * The cache of verified keys: two services on one SQLite file stand for two processes (a
 * running `serve` and `esmond-ps-archive disable-user`).
 */
describe('verified API keys are cached for a bounded time', () => {
  let dir: string;
  let db: string;
  const open: ArchiveService[] = [];
  const service = (keyCacheMs?: number): ArchiveService => {
    const s = openSqliteArchive(db, keyCacheMs === undefined ? { resolver: false } : { resolver: false, keyCacheMs });
    open.push(s);
    return s;
  };
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'key-cache-'));
    db = join(dir, 'a.sqlite');
  });
  after(async () => {
    for (const s of open) await s.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('a user disabled elsewhere stops working once the cache time has passed', async () => {
    const admin = service(0);
    const key = await admin.addUser('erin');
    const server = service(50);
    assert.equal(await server.checkKey(key), 'ok');
    assert.equal(await admin.setUserActive('erin', false), true);
    await new Promise((r) => setTimeout(r, 120));
    assert.equal(await server.checkKey(key), 'inactive');
    assert.equal(await server.checkKey(key, 'erin'), 'inactive');
  });

  test('within the cache time a revocation made elsewhere is not seen yet; one made through the service is', async () => {
    const admin = service(0);
    const key = await admin.addUser('frank');
    const server = service(60_000);
    assert.equal(await server.checkKey(key, 'frank'), 'ok');
    await admin.setUserActive('frank', false);
    assert.equal(await server.checkKey(key, 'frank'), 'ok', 'cached: the documented bound on revocation');
    assert.equal(await service(0).checkKey(key, 'frank'), 'inactive');
    await server.setUserActive('frank', false);
    assert.equal(await server.checkKey(key, 'frank'), 'inactive');
  });

  test('the cache never accepts what the store refuses: other names, unknown and disabled keys are always looked up', async () => {
    const server = service(60_000);
    const key = await server.addUser('gina');
    assert.equal(await server.checkKey(key), 'ok');
    assert.equal(await server.checkKey(key, 'someone-else'), 'unknown');
    assert.equal(await server.checkKey(`${key}x`), 'unknown');
    const admin = service(0);
    await admin.setUserActive('gina', false);
    assert.equal(await service(60_000).checkKey(key), 'inactive');
    await admin.setUserActive('gina', true);
    // A refusal is never cached: re-enabled elsewhere, the key works at once.
    const other = service(60_000);
    await admin.setUserActive('gina', false);
    assert.equal(await other.checkKey(key), 'inactive');
    await admin.setUserActive('gina', true);
    assert.equal(await other.checkKey(key), 'ok');
  });
});
