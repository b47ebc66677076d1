/**
 * esmond-ps-archive refuses a --db file that does not exist (unless the command
 * creates archives or --create), serve's banner, access log (text/json, --log-level) and stop
 * message, and add-user's guidance and --rotate. In-process against real SQLite files.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runArchiveCli } from '../../src/cli/archive.js';
import { missingArchiveProblem } from '../../src/cli/archive-admin.js';
import { captureIo, type CapturedIo } from '../helpers/capture-io.js';
import { pickFreePort } from '../helpers/archive.js';

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'esmond-archive-ux-'));
});
after(() => {
  rmSync(dir, { recursive: true, force: true });
});
const io = (): CapturedIo => captureIo({ cwd: dir, now: Date.UTC(2026, 11, 6, 12) });

/** Runs `serve` until it has answered one GET, then stops it like SIGTERM. */
async function serveOnce(args: string[]): Promise<{ code: number; err: string }> {
  const port = await pickFreePort();
  const stop = new AbortController();
  const s = io();
  const done = runArchiveCli(['serve', '--port', String(port), '--no-dns', ...args], s, stop.signal);
  for (let i = 0; i < 400 && !s.err().includes('listening on'); i++) await new Promise((r) => setTimeout(r, 10));
  const r = await fetch(`http://127.0.0.1:${port}/esmond/perfsonar/archive/`);
  await r.text();
  // The access record is written when the response closes.
  await new Promise((r2) => setTimeout(r2, 50));
  stop.abort();
  return { code: await done, err: s.err() };
}

describe('a --db that does not exist', () => {
  for (const command of [['serve'], ['list-users'], ['disable-user', 'bob']]) {
    test(`${command[0]} refuses it with a hint and creates nothing`, async () => {
      const db = join(dir, `typo-${command[0]}.sqlite`);
      const s = io();
      assert.equal(await runArchiveCli([...command, '--db', db], s), 1);
      assert.equal(s.out(), '');
      assert.match(
        s.err(),
        new RegExp(
          `^esmond-ps-archive: no archive at ${db.replace(/\./g, '\\.')} \\(a typo\\?\\); ${command[0]} does not create one\\. Create it with "esmond-ps-archive add-user NAME --db .*" or "esmond-ps-archive seed --db .*", or pass --create\\n$`,
        ),
      );
      assert.equal(existsSync(db), false);
    });
  }
  test('list-users --create and add-user create it', async () => {
    const a = join(dir, 'created-a.sqlite');
    assert.equal(await runArchiveCli(['list-users', '--db', a, '--create'], io()), 0);
    assert.ok(existsSync(a));
    const b = join(dir, 'created-b.sqlite');
    assert.equal(await runArchiveCli(['add-user', 'loader', '--db', b], io()), 0);
    assert.ok(existsSync(b));
  });
  test('database URLs are not files: the check leaves them to the server', () => {
    assert.equal(missingArchiveProblem('postgres://esmond@127.0.0.1/esmond', 'serve'), undefined);
    assert.match(missingArchiveProblem(join(dir, 'nope.sqlite'), 'serve') ?? '', /no archive at/);
  });
});

describe('add-user', () => {
  test('prints the key once on stdout and how to use it on stderr; an existing user needs --rotate', async () => {
    const db = join(dir, 'users.sqlite');
    const first = io();
    assert.equal(await runArchiveCli(['add-user', 'loader', '--db', db], first), 0);
    const key = /^added write user loader; API key: (\S+)\n$/.exec(first.out())?.[1];
    assert.ok(key, first.out());
    assert.match(first.err(), /shown only this once/);
    assert.match(first.err(), /ESMOND_KEY=<key>/);
    assert.match(first.err(), /Authorization: Token <key>/);
    assert.ok(!first.err().includes(key), 'the key is not repeated on stderr');
    const again = io();
    assert.equal(await runArchiveCli(['add-user', 'loader', '--db', db], again), 1);
    assert.equal(again.out(), '');
    assert.equal(
      again.err(),
      'esmond-ps-archive: write user loader exists; --rotate gives it a new key (its old key stops working)\n',
    );
    const rotated = io();
    assert.equal(await runArchiveCli(['add-user', 'loader', '--db', db, '--rotate'], rotated), 0);
    const fresh = /^new key for write user loader; API key: (\S+)\n$/.exec(rotated.out())?.[1];
    assert.ok(fresh !== undefined && fresh !== key, rotated.out());
    assert.match(rotated.err(), /The old key of loader no longer works/);
  });
});

describe('serve: banner, access log, stop message', () => {
  let db: string;
  before(async () => {
    db = join(dir, 'serve.sqlite');
    assert.equal(await runArchiveCli(['add-user', 'pscheduler', '--db', db], io()), 0);
  });
  test('text: the banner, one access line per request, the stop lines', async () => {
    const r = await serveOnce(['--db', db]);
    assert.equal(r.code, 0, r.err);
    const lines = r.err.split('\n');
    assert.match(lines[0] ?? '', /^listening on http:\/\/127\.0\.0\.1:\d+$/);
    assert.match(lines[1] ?? '', /^ {2}API: {9}http:\/\/127\.0\.0\.1:\d+\/esmond\/perfsonar\/archive\/$/);
    assert.equal(lines[2], `  database:    ${db}`);
    assert.equal(lines[3], `  write users: 1 active; add one with: esmond-ps-archive add-user NAME --db ${db}`);
    assert.equal(lines[4], '  stop with Ctrl-C (SIGINT) or SIGTERM');
    // The page's own reads of the API are requests too; ours is among them.
    assert.ok(
      lines.some((l) =>
        /^2026-12-06T12:00:00\.000Z 127\.0\.0\.1 "GET \/esmond\/perfsonar\/archive\/" 200 (\d+ B )?[\d.]+ ms$/.test(l),
      ),
      r.err,
    );
    assert.deepEqual(lines.slice(-3), ['stopping: finishing requests in flight', `stopped; ${db} closed`, '']);
  });
  test('--log-format json: every stderr line is a JSON record', async () => {
    const r = await serveOnce(['--db', db, '--log-format', 'json']);
    assert.equal(r.code, 0, r.err);
    const records = r.err
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const first = records[0] ?? {};
    assert.match(String(first.msg), /^listening on http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(first.writeUsers, 1);
    assert.equal(first.db, db);
    const access = records.find((x) => x.msg === 'request' && x.path === '/esmond/perfsonar/archive/');
    assert.ok(access, r.err);
    assert.equal(access.method, 'GET');
    assert.equal(access.path, '/esmond/perfsonar/archive/');
    assert.equal(access.status, 200);
    assert.equal(access.level, 30);
    assert.equal(records.at(-1)?.msg, `stopped; ${db} closed`);
  });
  test('--log-level warn leaves requests out; a bad level is a usage error', async () => {
    const r = await serveOnce(['--db', db, '--log-level', 'warn']);
    assert.equal(r.code, 0, r.err);
    assert.doesNotMatch(r.err, /"GET /);
    assert.match(r.err, /^listening on /);
    const bad = io();
    assert.equal(await runArchiveCli(['serve', '--db', db, '--log-level', 'loud'], bad), 2);
    assert.match(bad.err(), /serve: error: option --log-level: invalid choice: 'loud' \(choose from 'fatal', /);
  });
});
