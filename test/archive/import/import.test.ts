/**
 * `esmond-ps-archive import`: a seeded archive of ours (served over HTTP) copied into a fresh
 * one is the same archive — every metadata (keys included) and every point of every series,
 * summaries recomputed — also after a kill -9 in the middle and a rerun, and when run twice.
 * A source series that fails makes the exit status 1 and the report names it.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startArchive, type TestArchive } from '../../helpers/archive.js';
import { killImportMidway, runImport, snapshot, type Snapshot } from './helpers.js';

describe('esmond-ps-archive import from an esmond archive (ours, seeded)', () => {
  let source: TestArchive;
  let want: Snapshot;
  let dir: string;
  const served: TestArchive[] = [];
  /** Serves the SQLite file an import wrote, for reading it back through the API. */
  const serve = async (dbPath: string): Promise<TestArchive> => {
    const a = await startArchive({ dbPath, withUser: false });
    served.push(a);
    return a;
  };

  before(async () => {
    source = await startArchive({ seed: { hosts: 2, days: 1 } });
    want = await snapshot(source.archiveUrl, { summaries: true });
    dir = mkdtempSync(join(tmpdir(), 'esmond-import-test-'));
  });
  after(async () => {
    for (const a of served) await a.close();
    await source.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('every metadata (with its key) and every point of every series, summaries recomputed, are the same', async () => {
    assert.ok(want.points > 1000 && Object.keys(want.metadata).length > 4, 'the seeded archive has data');
    const db = join(dir, 'copy.sqlite');
    const r = await runImport(['--from', source.archiveUrl, '--db', db]);
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
    assert.ok(!existsSync(`${db}.import-checkpoint.json`), 'a complete import leaves no checkpoint');
    const copy = await serve(db);
    assert.deepEqual(await snapshot(copy.archiveUrl, { summaries: true }), want);

    // Run twice: nothing stored again, nothing doubled.
    const again = await runImport(['--from', source.archiveUrl, '--db', db, '-q']);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(again.stderr, '', 'quiet and nothing failed: no report');
    const verbose = await runImport(['--from', source.archiveUrl, '--db', db]);
    assert.match(verbose.stderr, new RegExp(`${base} points read, 0 stored, ${base} already there`));
    assert.deepEqual(await snapshot(copy.archiveUrl, { summaries: true }), want);
  });

  test('kill -9 in the middle, then the same command again: the same archive, nothing twice', async () => {
    const db = join(dir, 'killed.sqlite');
    const checkpoint = `${db}.import-checkpoint.json`;
    await killImportMidway(['--from', source.archiveUrl, '--db', db], checkpoint);

    const resumed = await runImport(['--from', source.archiveUrl, '--db', db]);
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.match(resumed.stderr, /resuming/);
    assert.ok(!existsSync(checkpoint));
    const copy = await serve(db);
    assert.deepEqual(await snapshot(copy.archiveUrl, { summaries: true }), want);
  });

  test('a source series that fails: exit 1, the report names it; the next run completes it', async () => {
    const victim = Object.keys(want.series).find((k) => k.endsWith(' throughput') && (want.series[k]?.length ?? 0) > 0);
    assert.ok(victim !== undefined);
    const [key] = victim.split(' ');
    // The archive answers that series' base data with a 403 (while `failing`); every other request goes through.
    let failing = true;
    const proxy: Server = createServer((req, res) => {
      const path = req.url ?? '/';
      if (failing && path.includes(`/${key}/throughput/base`)) {
        res
          .writeHead(403, { 'content-type': 'application/json' })
          .end('{"detail":"You do not have permission to perform this action."}');
        return;
      }
      fetch(`${source.url}${path}`)
        .then(async (up) => {
          res
            .writeHead(up.status, { 'content-type': up.headers.get('content-type') ?? 'application/json' })
            .end(Buffer.from(await up.arrayBuffer()));
        })
        .catch(() => res.destroy());
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    const db = join(dir, 'failing.sqlite');
    try {
      const from = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}/esmond/perfsonar/archive/`;
      const r = await runImport(['--from', from, '--db', db, '-q']);
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, new RegExp(`FAILED ${key} throughput: .*403`));
      assert.match(r.stderr, /1 failed/);
      assert.ok(existsSync(`${db}.import-checkpoint.json`), 'the checkpoint stays for the next run');

      failing = false;
      const fixed = await runImport(['--from', from, '--db', db]);
      assert.equal(fixed.code, 0, fixed.stderr);
      assert.match(fixed.stderr, /resuming/);
    } finally {
      await new Promise((r) => proxy.close(r));
    }
    const copy = await serve(db);
    assert.deepEqual(await snapshot(copy.archiveUrl, { summaries: true }), want);
  });

  test('bad arguments: one line and exit 2, nothing created', async () => {
    const db = join(dir, 'never.sqlite');
    const r = await runImport(['--from', 'ftp://x', '--db', db]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--from must be an http/);
    const missing = await runImport(['--db', db]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /--from/);
    assert.ok(!existsSync(db));
  });
});
