/**
 * The bin shims as real processes: exit codes 0 / 2 / 255 / 1 reach the shell, and nothing but
 * data reaches stdout.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';

function runBin(tool: string, args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', `src/bin/${tool}.ts`, ...args], {
    encoding: 'utf8',
    timeout: 60000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('bin shims', () => {
  test('esmond-ps-get -L → exit 0, list on stdout', () => {
    const r = runBin('esmond-ps-get', ['-L']);
    assert.equal(r.status, 0);
    assert.match(r.stdout, /^\nValid event types:\n {4}failures\n/);
    assert.equal(r.stderr, '');
  });
  test('esmond-ps-get-endpoints --bogus → exit 2', () => {
    const r = runBin('esmond-ps-get-endpoints', ['--bogus']);
    assert.equal(r.status, 2);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /esmond-ps-get-endpoints: error: no such option: --bogus\n$/);
  });
  test('esmond-ps-get-metadata without --url → exit 255, message on stderr', () => {
    const r = runBin('esmond-ps-get-metadata', []);
    assert.equal(r.status, 255);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^esmond-ps-get-metadata: --url is required: .*\n$/);
  });
  test('a refused connection → exit 1, one line on stderr and a hint', () => {
    const r = runBin('esmond-ps-get-metadata', ['-u', 'http://127.0.0.1:9', '--timeout', '2', '--retries', '0']);
    assert.equal(r.status, 1);
    assert.equal(r.stdout, '');
    const lines = r.stderr.trimEnd().split('\n');
    assert.equal(lines.length, 2, r.stderr);
    assert.match(lines[1] ?? '', /^esmond-ps-get-metadata: hint: nothing listens at 127\.0\.0\.1:9;/);
  });
});
