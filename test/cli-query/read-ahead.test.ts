import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readAhead } from '../../src/cli/query-tool.js';

/** A source that logs when each item is asked for and when it is closed. */
function source(n: number, log: string[], failAt?: number): AsyncIterable<number> {
  return {
    async *[Symbol.asyncIterator]() {
      try {
        for (let i = 0; i < n; i++) {
          log.push(`fetch ${i}`);
          await new Promise((r) => setImmediate(r));
          if (i === failAt) throw new Error(`page ${i} failed`);
          yield i;
        }
      } finally {
        log.push('closed');
      }
    },
  };
}

describe('readAhead', () => {
  test('yields every item in order, asking for the next one before the caller is done with this one', async () => {
    const log: string[] = [];
    const got: number[] = [];
    for await (const x of readAhead(source(3, log))) {
      log.push(`use ${x}`);
      got.push(x);
    }
    assert.deepEqual(got, [0, 1, 2]);
    assert.deepEqual(log, ['fetch 0', 'fetch 1', 'use 0', 'fetch 2', 'use 1', 'closed', 'use 2']);
  });

  test('a failure of the item ahead is reported when that item is asked for, after the earlier ones', async () => {
    const log: string[] = [];
    const got: number[] = [];
    await assert.rejects(async () => {
      for await (const x of readAhead(source(5, log, 2))) got.push(x);
    }, /page 2 failed/);
    assert.deepEqual(got, [0, 1]);
  });

  test('stopping early closes the source once the item ahead has arrived', async () => {
    const log: string[] = [];
    for await (const x of readAhead(source(10, log))) if (x === 1) break;
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(log.at(-1), 'closed');
    assert.ok(!log.includes('fetch 4'), log.join(', '));
  });
});
