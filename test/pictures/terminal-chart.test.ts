/**
 * `esmond-ps-get --chart`: an asciichart under the data on a terminal, nothing extra otherwise.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { run } from '../../src/cli/get.js';
import { startArchive, type TestArchive } from '../helpers/archive.js';
import { captureIo } from '../helpers/capture-io.js';

const NOW_MS = 1_764_000_000_000;

describe('esmond-ps-get --chart', () => {
  let archive: TestArchive;
  before(async () => {
    archive = await startArchive({ seed: { hosts: 2, days: 1, seed: 1 }, now: () => NOW_MS });
  });
  after(async () => {
    await archive.close();
  });

  const get = async (args: string[], tty: boolean): Promise<{ code: number; out: string; err: string }> => {
    const io = captureIo({ now: NOW_MS });
    if (tty) Object.assign(io.stdout, { isTTY: true, columns: 80 });
    const code = await run(['-u', archive.url, '-s', '10.0.1.10', '-d', '10.0.2.10', '-I', ...args], io);
    return { code, out: io.out(), err: io.err() };
  };

  test('on a terminal: the rows, then a chart of their values with the unit', async () => {
    const plain = await get(['-e', 'packet-loss-rate'], false);
    const charted = await get(['-e', 'packet-loss-rate', '--chart'], true);
    assert.equal(plain.code, 0, plain.err);
    assert.equal(charted.code, 0, charted.err);
    assert.ok(plain.out.split('\n').length > 50, 'a day of loss results');
    assert.ok(charted.out.startsWith(plain.out), 'the data comes first, unchanged');
    const chart = charted.out.slice(plain.out.length);
    assert.match(chart, /^\n%\n/);
    assert.equal(chart.split('\n').filter((l) => /[┤┼]/.test(l)).length, 9, 'an 8-row chart');
    assert.match(
      chart,
      /10\.0\.1\.10 → 10\.0\.2\.10|perfsonar1\.site1\.example\.net → perfsonar1\.site2\.example\.net/,
    );
  });

  test('not a terminal: the output is the same as without --chart, with a note on stderr', async () => {
    const plain = await get(['-e', 'throughput'], false);
    const piped = await get(['-e', 'throughput', '--chart'], false);
    assert.equal(piped.code, 0);
    assert.equal(piped.out, plain.out);
    assert.match(piped.err, /--chart: stdout is not a terminal/);
  });
});
