/**
 * Ctrl-C on esmond-ps-get-bulk (a real child process, a real SIGINT) ends with
 * "interrupted: N of M series done; rerun with --resume"; the resumed run completes; after a
 * resume the progress bar counts the points of the earlier run like the report; colliding names
 * carry the tool name; --safe-names.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { createProgress } from '../../src/bulk/progress.js';
import { startArchive, type TestArchive } from '../helpers/archive.js';
import {
  addThroughputTest,
  cleanup,
  exportArgs,
  readReport,
  runBulkTool,
  spawnBulkTool,
  tempDir,
  NOVEMBER,
  NOW,
} from '../bulk/fixtures.js';

const POINTS = 30_000;

describe('get-bulk: Ctrl-C, resume, names (item 7)', () => {
  let archive: TestArchive;
  let args: (dir: string) => string[];
  before(async () => {
    archive = await startArchive({ now: () => NOW * 1000 });
    // Two tools between the same pair (a name collision) and an IPv6 pair.
    await addThroughputTest(archive, '10.9.0.1', '10.9.0.2', 'bwctl/iperf3', POINTS);
    await addThroughputTest(archive, '10.9.0.1', '10.9.0.2', 'pscheduler/iperf3', POINTS);
    await addThroughputTest(archive, '2001:db8::1', '2001:db8::2', 'pscheduler/iperf3', POINTS);
    args = (dir) =>
      exportArgs(
        archive.url,
        'csv',
        dir,
        '-I',
        ...NOVEMBER,
        '--page-size',
        '200',
        '--window',
        '3600',
        '--concurrency',
        '1',
      );
  });
  after(async () => {
    await archive.close();
    cleanup();
  });

  test('SIGINT says how far the run got and how to continue; --resume finishes it', async () => {
    const dir = tempDir();
    let interrupted = false;
    const run = spawnBulkTool(args(dir), (stderr, child) => {
      // The line progress (stderr is not a terminal) reports each finished series.
      if (!interrupted && /\[1\/3\] /.test(stderr)) {
        interrupted = true;
        child.kill('SIGINT');
      }
    });
    const end = await run.exited;
    const stderr = run.stderr();
    assert.ok(interrupted, `the run was interrupted (stderr: ${stderr})`);
    assert.equal(end.code, 130, 'exit status 130, as a shell reports Ctrl-C');
    assert.match(
      stderr,
      /\nesmond-ps-get-bulk: interrupted: [12] of 3 series done; rerun with --resume to continue\n$/,
    );
    assert.equal(run.stdout(), '');

    const report = join(tempDir(), 'report.json');
    const resumed = await runBulkTool([...args(dir), '--resume', '--report', report], dir);
    assert.equal(resumed.code, 0, resumed.stderr);
    const r = readReport(report);
    assert.equal(r.done, 3);
    // The same points as an uninterrupted run.
    const clean = tempDir();
    const cleanReport = join(tempDir(), 'clean.json');
    assert.equal((await runBulkTool([...args(clean), '--quiet', '--report', cleanReport], clean)).code, 0);
    assert.equal(r.points, readReport(cleanReport).points);
    for (const f of readdirSync(clean))
      assert.equal(readFileSync(join(dir, f), 'utf8'), readFileSync(join(clean, f), 'utf8'), f);
  });

  test('colliding names carry the tool name; --safe-names takes ":" out of IPv6 names', async () => {
    const dir = tempDir();
    const r = await runBulkTool([...args(dir), '--safe-names', '--quiet'], dir);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(readdirSync(dir).sort(), [
      '10.9.0.1_10.9.0.2_throughput_bwctl-iperf3_2025-11-01_2025-11-24.csv',
      '10.9.0.1_10.9.0.2_throughput_pscheduler-iperf3_2025-11-01_2025-11-24.csv',
      '2001-db8--1_2001-db8--2_throughput_2025-11-01_2025-11-24.csv',
    ]);
  });

  test('after a resume the bar starts from the points already exported, like the report', () => {
    const out = Object.assign(new PassThrough(), { isTTY: true, columns: 120 });
    let text = '';
    out.on('data', (d) => (text += String(d)));
    const bar = createProgress(out, { quiet: false, now: () => 0 });
    bar.start({ series: 3, seriesDone: 1, units: 300, unitsDone: 150, pointsDone: 60000 });
    bar.advance(500, 10);
    bar.stop();
    assert.match(text, /series 1\/3 \| 60500 points/);
  });
});
