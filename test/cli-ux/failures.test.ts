/**
 * Each retry is said on stderr (as curl does), `--retries N`, the final
 * error says how many attempts over how long; and one hint line naming the likely cause and the
 * flag or URL to try. Scripted servers only where they stand in for a fault (a 503 loop, a
 * self-signed TLS server, some other web service on the port); the real archive otherwise.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRun as createGet } from '../../src/cli/get.js';
import { createGetBulk } from '../../src/cli/get-bulk.js';
import { startArchive, type TestArchive } from '../helpers/archive.js';
import { reply, startFaultServer, type FaultServer } from '../helpers/fault-server.js';
import { startSelfSignedServer } from '../helpers/self-signed-server.js';
import { runTool } from '../cli-query/run-tool.js';

const ARGS = ['-s', '10.0.0.1', '-d', '10.0.0.2', '-e', 'throughput', '-S', '2023-11-14', '-E', '2023-11-15'];
/** No real waiting between retries. */
const fast = createGet({ clientOptions: { sleep: () => Promise.resolve() } });

describe('retries are said on stderr (item 3)', () => {
  let server: FaultServer;
  before(async () => {
    server = await startFaultServer(() => reply(503, '{"detail": "busy"}', { 'content-type': 'application/json' }));
  });
  after(() => server.close());

  test('each retry is one line; the final error counts the attempts', async () => {
    const r = await runTool(fast, ['-u', server.url, ...ARGS]);
    assert.equal(r.code, 1);
    const lines = r.stderr.trim().split('\n');
    assert.match(
      lines[0] ?? '',
      /^retrying in \d+\.\d s \(attempt 2 of 4\): Request failed with status 503 Service Unavailable/,
    );
    assert.match(lines[2] ?? '', /^retrying in \d+\.\d s \(attempt 4 of 4\): /);
    assert.match(lines[3] ?? '', /^esmond-ps-get: Request failed with status 503 .* \(4 attempts over \d+\.\d s\)$/);
    assert.equal(lines.length, 4, r.stderr);
  });
  test('--retries N sets the number of retries; --retries 0 tries once', async () => {
    let r = await runTool(fast, ['-u', server.url, ...ARGS, '--retries', '1']);
    assert.match(
      r.stderr,
      /^retrying in \d+\.\d s \(attempt 2 of 2\): .*\nesmond-ps-get: .*\(2 attempts over \d+\.\d s\)\n$/,
    );
    r = await runTool(fast, ['-u', server.url, ...ARGS, '--retries', '0']);
    assert.doesNotMatch(r.stderr, /retrying|attempts/);
    assert.match(r.stderr, /^esmond-ps-get: Request failed with status 503/);
    r = await runTool(fast, ['-u', server.url, ...ARGS, '--retries', '-1']);
    assert.equal(r.code, 255);
    assert.match(r.stderr, /--retries must be from 0 to 20/);
  });
  test('get-bulk says its retries too and takes --retries', async () => {
    const r = await runTool(createGetBulk({ retryBaseMs: 1 }), [
      '-u',
      server.url,
      '-o',
      'csv',
      '-D',
      process.cwd(),
      '--retries',
      '1',
    ]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /retrying in \d+\.\d s \(attempt 2 of 2\): Request failed with status 503/);
    assert.match(r.stderr, /esmond-ps-get-bulk: Request failed with status 503 .*\(2 attempts over \d+\.\d s\)/);
  });
});

describe('failure hints (item 4)', () => {
  let archive: TestArchive;
  before(async () => {
    archive = await startArchive();
  });
  after(() => archive.close());

  test('an untrusted certificate names --insecure, not the library option', async () => {
    const server = await startSelfSignedServer();
    try {
      const url = server.url;
      const r = await runTool(fast, ['-u', url, ...ARGS]);
      assert.equal(r.code, 1);
      assert.doesNotMatch(r.stderr, /tlsVerify/);
      assert.match(r.stderr, /\nesmond-ps-get: hint: the archive's TLS certificate is not trusted .*--insecure\n$/);
      const lax = await runTool(fast, ['-u', url, ...ARGS, '--insecure']);
      assert.equal(lax.code, 0, lax.stderr);
    } finally {
      await server.close();
    }
  });
  test('https to an http port: the hint gives the http:// URL', async () => {
    const https = archive.url.replace('http:', 'https:');
    const r = await runTool(fast, ['-u', https, ...ARGS]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /: TLS handshake failed \(wrong version number\)\n/, 'no raw OpenSSL text');
    assert.match(
      r.stderr,
      new RegExp(
        `hint: 127\\.0\\.0\\.1:\\d+ does not speak TLS \\(an http port\\?\\); try --url ${archive.url.replace(/\./g, '\\.')}\\n$`,
      ),
    );
  });
  test('a stale ESMOND_KEY breaking reads is named', async () => {
    const r = await runTool(fast, ['-u', archive.url, ...ARGS], { env: { ESMOND_KEY: 'stale-key' } });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /status 401/);
    assert.match(
      r.stderr,
      /hint: the archive refused the API key from ESMOND_KEY \(stale or revoked\?\); reads need no key: unset ESMOND_KEY or pass a current one\n$/,
    );
    const ok = await runTool(fast, ['-u', archive.url, ...ARGS]);
    assert.equal(ok.code, 0, ok.stderr);
  });
  test('a port serving something else: the hint says so and shows the archive URL form', async () => {
    const other = await startFaultServer(() =>
      reply(404, '<html><body>Not Found</body></html>', { 'content-type': 'text/html' }),
    );
    try {
      const r = await runTool(fast, ['-u', other.url, ...ARGS]);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /404 Not Found/);
      assert.match(
        r.stderr,
        /hint: no esmond archive answers at this URL \(another service on that port\?\).*--url http:\/\/127\.0\.0\.1:\d+\/esmond\/perfsonar\/archive\/\n$/,
      );
    } finally {
      await other.close();
    }
  });
  test('nothing listening: the hint names host and port', async () => {
    const closed = await startFaultServer(() => reply(200));
    const url = closed.url;
    await closed.close();
    const r = await runTool(fast, ['-u', url, ...ARGS, '--retries', '0']);
    assert.match(r.stderr, /hint: nothing listens at 127\.0\.0\.1:\d+; check the host and port in --url\n$/);
  });
});
