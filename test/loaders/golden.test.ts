/**
 * Golden outputs of the loaders: help texts and the log of good and fatal runs (times and ids
 * fixed by the injected clock). Regenerate with UPDATE_GOLDEN=1.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startArchive, type TestArchive } from '../helpers/archive.js';
import { makeLoadGridftp } from '../../src/cli/load-gridftp.js';
import { makeLoadPscheduler } from '../../src/cli/load-pscheduler.js';
import { makePipe } from '../../src/cli/pipe.js';
import type { ToolMain } from '../../src/cli/io.js';
import { FIXTURE_DATA, FIXTURE_SAMPLES } from '../helpers/fixture-data.js';
import { runCaptured } from '../helpers/capture-io.js';
import { checkGolden } from '../helpers/golden.js';

// Local time of the log is UTC under the test runner (TZ=UTC).
const run = (main: ToolMain, argv: string[], stdin = ''): Promise<{ code: number; out: string; err: string }> =>
  runCaptured(main, argv, { stdin, now: Date.UTC(2026, 10, 25, 14, 11, 31, 897) });

const gridftp = makeLoadGridftp({
  resolve: async (h, f) => (h === 'localhost' ? (f === 4 ? '127.0.0.1' : '::1') : undefined),
});
const pipe = makePipe({ localAddress: async () => '192.0.2.2' });
const pscheduler = makeLoadPscheduler({ resolve: async () => undefined });

describe('loader help texts', () => {
  for (const [tool, main] of [
    ['esmond-ps-load-gridftp', gridftp],
    ['esmond-ps-pipe', pipe],
    ['esmond-ps-load-pscheduler', pscheduler],
  ] as const) {
    test(tool, async () => {
      const r = await run(main, ['--help']);
      assert.equal(r.code, 0);
      checkGolden(`${tool}/help.txt`, r.out);
    });
  }
});

describe('loader logs', () => {
  let a: TestArchive;
  before(async () => {
    a = await startArchive({ withUser: true });
  });
  after(async () => {
    await a.close();
  });

  test('esmond-ps-pipe: a good run, -v', async () => {
    const r = await run(
      pipe,
      ['-U', a.url, '-u', 'test-writer', '-k', a.apiKey, '-v'],
      readFileSync(join(FIXTURE_SAMPLES, 'bwctl-iperf3-tcp-2streams.txt'), 'utf8'),
    );
    assert.equal(r.code, 0, r.err);
    checkGolden('esmond-ps-pipe/tcp-2streams-verbose.log', r.err);
  });

  test('esmond-ps-pipe: unsupported tool', async () => {
    const r = await run(
      pipe,
      ['-U', a.url, '-u', 'test-writer', '-k', a.apiKey],
      readFileSync(join(FIXTURE_SAMPLES, 'bwctl-unsupported-tool.txt'), 'utf8'),
    );
    assert.equal(r.code, 255);
    checkGolden('esmond-ps-pipe/unsupported-tool.log', r.err);
  });

  test('esmond-ps-load-gridftp: the JSON sample without a state', async () => {
    const r = await run(gridftp, [
      '-f',
      join(FIXTURE_SAMPLES, 'gridftp-transfer.json.log'),
      '-J',
      '-d',
      '-U',
      a.url,
      '-k',
      a.apiKey,
    ]);
    // The JSON sample's host does not resolve here: the run stops at the first transfer, exit 1
    // (nothing is skipped: a later run with --resolve stores it).
    assert.equal(r.code, 1, r.err);
    // The sample's location differs between machines: the golden names it $SAMPLES.
    checkGolden('esmond-ps-load-gridftp/json-sample-unresolved.log', r.err.replaceAll(FIXTURE_SAMPLES, '$SAMPLES'));
  });

  test('esmond-ps-load-pscheduler: stdout summary and rejections', async () => {
    const doc = readFileSync(
      join(FIXTURE_DATA, 'pscheduler', 'results', 'esmond-archiver-input-throughput-iperf2-2016.json'),
      'utf8',
    );
    const r = await run(pscheduler, ['-U', a.url, '-k', a.apiKey], `${JSON.stringify(JSON.parse(doc))}\nnot json\n`);
    assert.equal(r.code, 1);
    checkGolden('esmond-ps-load-pscheduler/rejected.out', r.out);
    checkGolden('esmond-ps-load-pscheduler/rejected.err', r.err);
  });
});
