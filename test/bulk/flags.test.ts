import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { splitBulkFlags } from '../../src/cli/get-bulk-flags.js';

// Shared options that take a value, as the query-options table says (-F, -u, --url and prefixes).
const takesValue = (arg: string): boolean => ['-F', '-u', '-o', '--url', '--ur', '--filter'].includes(arg) || /^-I*[uFo]$/.test(arg);

describe('get-bulk flags are taken out of argv before the shared parser', () => {
  test('values and forms', () => {
    const r = splitBulkFlags(['-u', 'http://h', '--force', '--concurrency', '3', '--report=r.json', '-o', 'csv', '--resume', '--quiet', '--page-size=500', '--window', '600', '--checkpoint', 'c.json', '--safe-names'], takesValue);
    assert.deepEqual(r, {
      kind: 'ok',
      flags: { force: true, resume: true, quiet: true, safeNames: true, concurrency: 3, report: 'r.json', pageSize: 500, window: 600, checkpoint: 'c.json' },
      rest: ['-u', 'http://h', '-o', 'csv'],
    });
  });

  test('a value of a shared option that looks like our flag stays where it is', () => {
    const r = splitBulkFlags(['-F', '--force', '-Iu', '--resume', '--ur', '--quiet'], takesValue);
    assert.deepEqual(r, { kind: 'ok', flags: { force: false, resume: false, quiet: false, safeNames: false }, rest: ['-F', '--force', '-Iu', '--resume', '--ur', '--quiet'] });
  });

  test('errors in optparse style', () => {
    assert.deepEqual(splitBulkFlags(['--concurrency'], takesValue), { kind: 'error', message: '--concurrency option requires 1 argument' });
    assert.deepEqual(splitBulkFlags(['--window', 'abc'], takesValue), { kind: 'error', message: "option --window: invalid integer value: 'abc'" });
    assert.deepEqual(splitBulkFlags(['--force=yes'], takesValue), { kind: 'error', message: '--force option does not take a value' });
  });
});
