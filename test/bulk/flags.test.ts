import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { parseFlags, type FlagValues } from '../../src/cli/flags.js';
import { bulkFlagsOf } from '../../src/cli/get-bulk-flags.js';
import { BULK_FLAGS, queryFlagTable, type QueryKey } from '../../src/cli/query-flags.js';

/** get-bulk's table: the shared reading-tool flags and its own. */
const TABLE = [...queryFlagTable('files', '/tmp'), ...BULK_FLAGS];

function parse(argv: string[]): FlagValues<QueryKey> | string {
  const r = parseFlags(argv, TABLE);
  if (r.kind === 'ok') return r.values;
  return r.kind === 'error' ? r.message : r.kind;
}

describe('get-bulk flags are parsed with the shared ones, in one pass', () => {
  test('values and forms', () => {
    const v = parse([
      '-u',
      'http://h',
      '--force',
      '--concurrency',
      '3',
      '--report=r.json',
      '-o',
      'csv',
      '--resume',
      '--quiet',
      '--page-size=500',
      '--window',
      '600',
      '--checkpoint',
      'c.json',
      '--safe-names',
    ]);
    assert.ok(typeof v !== 'string', typeof v === 'string' ? v : '');
    assert.deepEqual(bulkFlagsOf(v), {
      force: true,
      resume: true,
      quiet: true,
      safeNames: true,
      concurrency: 3,
      report: 'r.json',
      pageSize: 500,
      window: 600,
      checkpoint: 'c.json',
    });
    assert.equal(v.string('url'), 'http://h');
    assert.equal(v.string('format'), 'csv');
  });

  test('a value of a shared option that looks like a bulk flag stays its value', () => {
    const v = parse(['-F', '--force', '-Iu', '--resume', '--ur', '--quiet']);
    assert.ok(typeof v !== 'string', typeof v === 'string' ? v : '');
    assert.deepEqual(bulkFlagsOf(v), { force: false, resume: false, quiet: false, safeNames: false });
    assert.deepEqual(v.list('filter'), ['--force']);
    assert.equal(v.string('url'), '--quiet');
  });

  test('errors in optparse style', () => {
    assert.equal(parse(['--concurrency']), '--concurrency option requires 1 argument');
    assert.equal(parse(['--window', 'abc']), "option --window: invalid integer value: 'abc'");
    assert.equal(parse(['--window', '-5']), "option --window: invalid integer value: '-5'");
    assert.equal(parse(['--force=yes']), '--force option does not take a value');
    assert.equal(parse(['--forse']), 'no such option: --forse (did you mean --force?)');
  });

  test('values out of range are validation problems', () => {
    for (const [argv, problem] of [
      [['--concurrency', '17'], '--concurrency must be from 1 to 16'],
      [['--page-size=0'], '--page-size must be from 1 to 10000'],
      [['--window', '0'], '--window must be at least 1 second'],
    ] as const) {
      const v = parse([...argv]);
      assert.ok(typeof v !== 'string', typeof v === 'string' ? v : '');
      assert.deepEqual(bulkFlagsOf(v), { problem });
    }
  });
});
