import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { formatOptionHelp, textwrap } from '../../src/cli/help.js';

describe('textwrap (Python textwrap.wrap; expectations from Python 3.11)', () => {
  test('breaks on spaces and after hyphens between letters', () => {
    assert.deepEqual(textwrap('Show extended metadata tool-specific values (can not be used with -o csv).', 20), [
      'Show extended',
      'metadata tool-',
      'specific values (can',
      'not be used with -o',
      'csv).',
    ]);
    assert.deepEqual(
      textwrap(
        'Specify additional query filters - format: -F key:value. Can be used multiple times, invalid filters will be ignored.',
        54,
      ),
      [
        'Specify additional query filters - format: -F',
        'key:value. Can be used multiple times, invalid filters',
        'will be ignored.',
      ],
    );
  });
  test('breaks long words (at a hyphen when one fits)', () => {
    assert.deepEqual(
      textwrap('Directory to output files to (default: /home/some-really-long-user-name/with/a/very/long/path).', 20),
      ['Directory to output', 'files to (default:', '/home/some-really-', 'long-user-name/with/', 'a/very/long/path).'],
    );
    assert.deepEqual(textwrap('well-known re-tries --and so-on x-y-z a--b', 11), [
      'well-known',
      're-tries',
      '--and so-on',
      'x-y-z a--b',
    ]);
  });
});

describe('optparse option help layout (expectations from Python 3.11 optparse)', () => {
  test('short options share the line, long ones get their own', () => {
    const text = formatOptionHelp([
      { short: '-h', long: '--help', help: 'show this help message and exit' },
      {
        short: '-a',
        long: '--agent',
        metavar: 'AGENT',
        help: 'Host that initiated the test - useful for central MAs.',
      },
      { long: '--timeout', metavar: 'TIMEOUT', help: 'x' },
    ]);
    assert.equal(
      text,
      'Options:\n  -h, --help            show this help message and exit\n  -a AGENT, --agent=AGENT\n                        Host that initiated the test - useful for central MAs.\n  --timeout=TIMEOUT     x\n',
    );
  });
  test('COLUMNS narrows the help column like optparse', () => {
    const text = formatOptionHelp([{ short: '-h', long: '--help', help: 'show this help message and exit' }], '40');
    assert.equal(text, 'Options:\n  -h, --help  show this help message\n              and exit\n');
  });
});
