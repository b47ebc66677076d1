// The esmond-ps-archive tool as a real process (node --import tsx), plus its usage errors
// in-process.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { runArchiveCli } from '../../../src/cli/archive.js';
import { raw } from './raw-request.js';
import { captureIo, type CapturedIo } from '../../helpers/capture-io.js';

const BIN = join(import.meta.dirname, '../../../src/bin/esmond-ps-archive.ts');
// Absolute, because the tool runs with its cwd in a temp dir where `tsx` does not resolve.
const TSX = import.meta.resolve('tsx');
let dir: string;

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'esmond-archive-cli-'));
});
after(() => {
  rmSync(dir, { recursive: true, force: true });
});

interface Done {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function spawnTool(
  args: string[],
  env: Record<string, string> = {},
): { child: ChildProcess; done: Promise<Done>; stderrLines: AsyncIterable<string> } {
  const child = spawn(process.execPath, ['--import', TSX, BIN, ...args], {
    cwd: dir,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const lines = new PassThrough({ objectMode: true });
  let partial = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => {
    const s = c.toString();
    stderr += s;
    partial += s;
    const parts = partial.split('\n');
    partial = parts.pop() ?? '';
    for (const p of parts) lines.write(p);
  });
  const done = new Promise<Done>((resolve) =>
    child.on('close', (code, signal) => {
      lines.end();
      resolve({ code, signal, stdout, stderr });
    }),
  );
  return { child, done, stderrLines: lines };
}

async function firstLine(lines: AsyncIterable<string>): Promise<string> {
  for await (const line of lines) return line;
  return '';
}

describe('esmond-ps-archive as a process', () => {
  test('serve --port 0 --create: a banner starting with "listening on", answers GET, exits 0 on SIGTERM', async () => {
    const db = join(dir, 'serve.sqlite');
    const { child, done, stderrLines } = spawnTool(['serve', '--port', '0', '--db', db, '--no-dns', '--create']);
    const line = await firstLine(stderrLines);
    const m = /^listening on (http:\/\/127\.0\.0\.1:(\d+))$/.exec(line);
    assert.ok(m, `unexpected first stderr line: ${line}`);
    const url = m[1] ?? '';
    const r = await raw(url, 'GET', '/esmond/perfsonar/archive/');
    assert.equal(r.status, 200);
    assert.equal(r.text, '[]');
    child.kill('SIGTERM');
    const end = await done;
    assert.equal(end.signal, null);
    assert.equal(end.code, 0, end.stderr);
    assert.ok(
      end.stderr.startsWith(
        `${line}\n  API:         ${url}/esmond/perfsonar/archive/\n  database:    ${db}\n  write users: 0 active`,
      ),
      end.stderr,
    );
    assert.match(end.stderr, /"GET \/esmond\/perfsonar\/archive\/" 200 /, 'the access log');
    assert.match(end.stderr, /stopping: finishing requests in flight\nstopped; .*serve\.sqlite closed\n$/);
  });

  test('add-user prints a key that then authenticates; ESMOND_ARCHIVE_DB is the default db', async () => {
    const db = join(dir, 'users.sqlite');
    const add = spawnTool(['add-user', 'alice'], { ESMOND_ARCHIVE_DB: db });
    const res = await add.done;
    assert.equal(res.code, 0, res.stderr);
    const key = res.stdout.trim().split(/\s+/).at(-1) ?? '';
    assert.match(key, /^\S{20,}$/);

    const { child, done, stderrLines } = spawnTool(['serve', '--port', '0', '--prefix', '', '--no-dns'], {
      ESMOND_ARCHIVE_DB: db,
    });
    const url = /listening on (\S+)/.exec(await firstLine(stderrLines))?.[1] ?? '';
    const md = JSON.stringify({
      'subject-type': 'point-to-point',
      source: '10.0.0.1',
      destination: '10.0.0.2',
      'measurement-agent': '10.0.0.1',
      'event-types': [{ 'event-type': 'throughput' }],
    });
    const ok = await raw(url, 'POST', '/perfsonar/archive/', {
      headers: { Authorization: `Token ${key}`, 'Content-Type': 'application/json' },
      body: md,
    });
    assert.equal(ok.status, 201, ok.text);
    assert.match(ok.headers.location ?? '', new RegExp(`^${url}/perfsonar/archive/[0-9a-f]{32}/$`));
    const bad = await raw(url, 'POST', '/perfsonar/archive/', {
      headers: { Authorization: `Token ${key}x`, 'Content-Type': 'application/json' },
      body: md,
    });
    assert.equal(bad.status, 401);
    child.kill('SIGINT');
    assert.equal((await done).code, 0);
  });
});

describe('esmond-ps-archive in-process', () => {
  const io = (): CapturedIo => captureIo({ cwd: dir, now: 1_700_000_000_000 });

  test('bad flags: the usage line and a one-line error on stderr, exit 2', async () => {
    for (const argv of [
      ['serve', '--bogus'],
      ['serve', '--port', 'http'],
      ['serve', '--port', '70000'],
      ['serve', '--prefix', 'esmond'],
      ['add-user'],
      ['add-user', 'bob', '--key', 'has space'],
      ['add-user', 'bob', '--key', 'short-key-of-31-characters-0000'],
      ['serve', '--public-url', 'https://archive.example.org/some/path'],
      ['serve', '--request-timeout', '0'],
      ['serve', '--max-connections', 'many'],
      ['seed', '--hosts', '-1'],
      ['frobnicate'],
      [],
    ]) {
      const t = io();
      const code = await runArchiveCli(argv, t);
      assert.equal(code, 2, `${argv.join(' ')}: ${t.err()}`);
      assert.equal(t.out(), '');
      const lines = t.err().trimEnd().split('\n');
      assert.equal(lines.length, 3, t.err());
      assert.match(lines[0] ?? '', /^Usage: esmond-ps-archive /);
      assert.equal(lines[1], '');
      assert.match(lines[2] ?? '', /^esmond-ps-archive( [a-z-]+)?: error: \S/);
    }
  });

  test('serve stops on the abort signal; add-user --key uses the given key', async () => {
    const db = join(dir, 'inproc.sqlite');
    const t = io();
    assert.equal(
      await runArchiveCli(['add-user', 'carol', '--key', 'CAROL-KEY-0123456789abcdef0123456789', '--db', db], t),
      0,
    );
    assert.match(t.out(), /CAROL-KEY-0123456789abcdef0123456789\n$/);
    const s = io();
    const stop = new AbortController();
    const running = runArchiveCli(['serve', '--port', '0', '--db', db, '--no-dns'], s, stop.signal);
    while (!s.err().includes('\n')) await new Promise((r) => setTimeout(r, 10));
    const url = /listening on (\S+)/.exec(s.err())?.[1] ?? '';
    const r = await raw(url, 'GET', '/esmond/perfsonar/archive/', {
      headers: { Authorization: 'Token CAROL-KEY-0123456789abcdef0123456789' },
    });
    assert.equal(r.status, 200);
    stop.abort();
    assert.equal(await running, 0);
  });

  test('disable-user revokes a key (401 "User inactive or deleted."); add-user re-enables with a new key', async () => {
    const db = join(dir, 'revoke.sqlite');
    const added = io();
    assert.equal(
      await runArchiveCli(['add-user', 'dave', '--key', 'DAVE-KEY-0123456789abcdef0123456789ab', '--db', db], added),
      0,
    );
    const off = io();
    assert.equal(await runArchiveCli(['disable-user', 'dave', '--db', db], off), 0, off.err());
    assert.equal(off.out(), 'disabled write user dave\n');
    const missing = io();
    assert.equal(await runArchiveCli(['disable-user', 'nobody', '--db', db], missing), 1);
    assert.equal(missing.err(), 'esmond-ps-archive: no write user named nobody\n');
    const listed = io();
    assert.equal(await runArchiveCli(['list-users', '--db', db], listed), 0);
    assert.equal(listed.out(), 'dave\tdisabled\n');

    const s = io();
    const stop = new AbortController();
    const running = runArchiveCli(['serve', '--port', '0', '--db', db, '--no-dns'], s, stop.signal);
    try {
      while (!s.err().includes('\n')) await new Promise((r) => setTimeout(r, 10));
      const url = /listening on (\S+)/.exec(s.err())?.[1] ?? '';
      const body = JSON.stringify({
        'subject-type': 'point-to-point',
        source: '10.0.0.1',
        destination: '10.0.0.2',
        'measurement-agent': '10.0.0.1',
        'event-types': [],
      });
      for (const authorization of [
        'Token DAVE-KEY-0123456789abcdef0123456789ab',
        'ApiKey dave:DAVE-KEY-0123456789abcdef0123456789ab',
      ]) {
        const w = await raw(url, 'POST', '/esmond/perfsonar/archive/', {
          headers: { Authorization: authorization, 'Content-Type': 'application/json' },
          body,
        });
        assert.equal(w.status, 401);
        assert.deepEqual(w.json(), { detail: 'User inactive or deleted.' });
      }
      // A disabled key fails reads too, like any presented-but-refused token.
      const r = await raw(url, 'GET', '/esmond/perfsonar/archive/', {
        headers: { Authorization: 'Token DAVE-KEY-0123456789abcdef0123456789ab' },
      });
      assert.equal(r.status, 401);
      const again = io();
      const refused = io();
      assert.equal(
        await runArchiveCli(['add-user', 'dave', '--db', db], refused),
        1,
        'an existing user needs --rotate',
      );
      assert.match(refused.err(), /write user dave exists; --rotate gives it a new key/);
      assert.equal(await runArchiveCli(['add-user', 'dave', '--db', db, '--rotate'], again), 0);
      const fresh = /(\S+)\n$/.exec(again.out())?.[1] ?? '';
      assert.notEqual(fresh, 'DAVE-KEY-0123456789abcdef0123456789ab');
      const ok = await raw(url, 'POST', '/esmond/perfsonar/archive/', {
        headers: { Authorization: `Token ${fresh}`, 'Content-Type': 'application/json' },
        body,
      });
      assert.equal(ok.status, 201);
      const old = await raw(url, 'GET', '/esmond/perfsonar/archive/', {
        headers: { Authorization: 'Token DAVE-KEY-0123456789abcdef0123456789ab' },
      });
      assert.deepEqual([old.status, old.json()], [401, { detail: 'Invalid token.' }]);
    } finally {
      stop.abort();
      assert.equal(await running, 0);
    }
  });

  test('seed fills the archive and prints a summary', async () => {
    const db = join(dir, 'seeded.sqlite');
    const t = io();
    assert.equal(
      await runArchiveCli(['seed', '--db', db, '--hosts', '2', '--days', '0.05', '--seed', '7'], t),
      0,
      t.err(),
    );
    assert.match(t.out(), /^seeded .*seeded\.sqlite: .*metadata=\d+/);
  });
});
