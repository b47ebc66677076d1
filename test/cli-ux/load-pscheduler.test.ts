/**
 * esmond-ps-load-pscheduler with no file on a terminal prints its usage instead
 * of waiting (through a real pseudo-terminal: util-linux `script`), a bare result without a time
 * names --start, and a rerun says the points were already there, in words that cannot be read as
 * "added again". Real archive.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { makeLoadPscheduler, summaryLine } from '../../src/cli/load-pscheduler.js';
import { startArchive, type TestArchive } from '../helpers/archive.js';
import { captureIo } from '../helpers/capture-io.js';
import { RESULTS_DIR } from '../loaders/pscheduler-vectors.js';

const BIN = join(import.meta.dirname, '../../src/bin/esmond-ps-load-pscheduler.ts');
const TSX = import.meta.resolve('tsx');
const load = makeLoadPscheduler({ resolve: async () => undefined });
const shellQuote = (s: string): string => `'${s.replace(/'/g, "'\\''")}'`;

/** Runs the tool with its stdin (and stdout) on a pseudo-terminal made by `script`. */
function onTerminal(args: string[]): { status: number | null; output: string } {
  const command = [process.execPath, '--import', TSX, BIN, ...args].map(shellQuote).join(' ');
  const r = spawnSync('script', ['-qec', command, '/dev/null'], {
    encoding: 'utf8',
    timeout: 30_000,
    stdio: ['pipe', 'pipe', 'pipe'],
    input: '',
  });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

describe('esmond-ps-load-pscheduler (item 8)', () => {
  let archive: TestArchive;
  before(async () => {
    archive = await startArchive({ withUser: true });
  });
  after(() => archive.close());

  test('no file and stdin a terminal: the usage, exit 2, no waiting', () => {
    const r = onTerminal(['-U', 'http://127.0.0.1:9']);
    assert.equal(r.status, 2, r.output);
    assert.match(r.output, /Usage: esmond-ps-load-pscheduler \[-U URL\] \[-u USER\] \[-k KEY\] \[FILE\.\.\.\]/);
    assert.match(r.output, /error: no input: name result files, or pipe results in/);
  });
  test('stdin not a terminal: it reads stdin as before (no usage)', async () => {
    const io = captureIo({ stdin: '' });
    assert.equal(await load(['-U', archive.url, '-k', archive.apiKey], io), 1);
    assert.equal(io.err(), 'esmond-ps-load-pscheduler: <stdin>: rejected: no JSON document\n');
  });
  test('a bare result without a time names --start', async () => {
    const io = captureIo();
    assert.equal(
      await load(['-U', archive.url, '-k', archive.apiKey, join(RESULTS_DIR, 'rtt-ping-result.json')], io),
      1,
    );
    assert.match(
      io.err(),
      /rejected: .*give its start time with --start TIME \(ISO 8601 or UNIX seconds\) and --duration\n$/,
    );
  });
  test('a rerun says the points were already there, not "stored"', async () => {
    const args = [
      '-U',
      archive.url,
      '-k',
      archive.apiKey,
      '--start',
      '2017-06-20T15:06:46Z',
      '--duration',
      'PT60S',
      join(RESULTS_DIR, 'rtt-ping-result.json'),
    ];
    const first = captureIo();
    assert.equal(await load(args, first), 0, first.err());
    const stored = /^Stored 1 result\(s\): 1 metadata, (\d+) point\(s\)\n$/.exec(first.out());
    assert.ok(stored, first.out());
    const again = captureIo();
    assert.equal(await load(args, again), 0, again.err());
    // Most of the points were refused as already there; values of types the archive overwrites
    // (last wins) count as written.
    const m =
      /^Stored 1 result\(s\): 1 metadata, (\d+) point\(s\) written; (\d+) point\(s\) were already in the archive and were left as they were\n$/.exec(
        again.out(),
      );
    assert.ok(m, again.out());
    assert.equal(Number(m[1]) + Number(m[2]), Number(stored[1]));
    assert.ok(Number(m[2]) > 0);
  });
  test('the summary lines', () => {
    assert.equal(
      summaryLine({ results: 2, metadata: 1, points: 3, duplicates: 4, rejected: 1 }),
      'Stored 2 result(s): 1 metadata, 3 point(s) written; 4 point(s) were already in the archive and were left as they were; 1 input(s) rejected\n',
    );
    assert.equal(
      summaryLine({ results: 2, metadata: 1, points: 0, duplicates: 4, rejected: 0 }),
      'Nothing new to store: the 2 result(s) (4 point(s), 1 metadata) were all already in the archive and were left as they were\n',
    );
    assert.equal(
      summaryLine({ results: 2, metadata: 1, points: 4, duplicates: 0, rejected: 0 }),
      'Stored 2 result(s): 1 metadata, 4 point(s)\n',
    );
  });
});

describe('esmond-ps-load-pscheduler failure hints', () => {
  test('https to an http port: no raw OpenSSL text, the http:// URL to try', async () => {
    const a = await startArchive({ withUser: true });
    try {
      const https = a.url.replace('http:', 'https:');
      const io = captureIo();
      const args = [
        '-U',
        https,
        '-k',
        a.apiKey,
        '--start',
        '2017-06-20T15:06:46Z',
        join(RESULTS_DIR, 'rtt-ping-result.json'),
      ];
      assert.equal(await load(args, io), 1);
      assert.doesNotMatch(io.err(), /ssl3_get_record|openssl/);
      assert.match(io.err(), /storing failed: .*TLS handshake failed \(wrong version number\)/);
      assert.match(
        io.err(),
        /esmond-ps-load-pscheduler: hint: 127\.0\.0\.1:\d+ does not speak TLS \(an http port\?\); try --url http:\/\/127\.0\.0\.1:\d+\n/,
      );
    } finally {
      await a.close();
    }
  });
});
