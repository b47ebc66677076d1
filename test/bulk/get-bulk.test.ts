import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startArchive, type TestArchive } from '../helpers/archive.js';
import { startFlakyProxy } from '../helpers/flaky-proxy.js';
import { CHECKPOINT_NAME } from '../../src/bulk/checkpoint.js';
import type { BulkReport } from '../../src/bulk/types.js';
import { cleanup, differences, exportArgs, readDir, readReport, runBulkTool, tempDir, NOW } from './fixtures.js';

const RANGE = ['-S', '2025-11-23T16:00:00Z', '-E', '2025-11-24T16:00:00Z'];
/** A csv export of RANGE with IP addresses (no reverse lookups), then `more`. */
const args = (url: string, dir: string, ...more: string[]): string[] =>
  exportArgs(url, 'csv', dir, '-I', ...RANGE, ...more);

describe('esmond-ps-get-bulk against the real archive', () => {
  let archive: TestArchive;
  let cleanDir: string;
  let cleanReport: BulkReport;

  before(async () => {
    archive = await startArchive({ seed: { hosts: 2, days: 1, seed: 3 }, now: () => NOW * 1000 });
    cleanDir = tempDir();
    const reportFile = join(tempDir(), 'report.json');
    const r = await runBulkTool(args(archive.url, cleanDir, '--report', reportFile, '--window', '21600'), cleanDir);
    assert.equal(r.code, 0, r.stderr);
    cleanReport = readReport(reportFile);
  });
  after(async () => {
    await archive.close();
    cleanup();
  });

  test('a clean run writes one complete file per series with data, and a complete report', () => {
    const files = readdirSync(cleanDir);
    assert.ok(cleanReport.series > 20, `series ${cleanReport.series}`);
    assert.equal(cleanReport.failures, 0);
    assert.equal(cleanReport.retries, 0);
    assert.equal(cleanReport.done + cleanReport.nodata, cleanReport.series);
    assert.equal(files.length, cleanReport.done, 'no .part files, no checkpoint left behind');
    assert.ok(!files.includes(CHECKPOINT_NAME));
    const total = cleanReport.perSeries.reduce((a, s) => a + s.points, 0);
    assert.equal(cleanReport.points, total);
    for (const s of cleanReport.perSeries) {
      assert.deepEqual(Object.keys(s).slice(0, 9), [
        'file',
        'metadataKey',
        'eventType',
        'status',
        'points',
        'rows',
        'pages',
        'retries',
        'failures',
      ]);
      if (s.status === 'done') {
        assert.ok(files.includes(s.file), s.file);
        const text = readFileSync(join(cleanDir, s.file), 'utf8');
        assert.ok(text.startsWith('source,destination,event_type,tool,summary_type,summary_window,timestamp,'), s.file);
        assert.equal(text.split('\r\n').length - 2, s.rows, `${s.file}: header + rows, ending in \\r\\n`);
      } else assert.ok(!files.includes(s.file));
    }
  });

  test('name collisions: distinct documented names, each file holding its own series', () => {
    // Colliding names carry the tool name after the event type (and the key when the tool is
    // the same); the others keep the original form <src>_<dst>_<event>_<start>_<end>.csv.
    const withTool = /_(?:pscheduler|bwctl)-[a-z0-9-]+_2025-11-23_2025-11-24(?:_([0-9a-f]{8}))?\.csv$/;
    const collided = cleanReport.perSeries.filter((s) => withTool.test(s.file));
    assert.ok(collided.length > 1, 'the seeded mesh has several tests per pair (failures, pscheduler-run-href, …)');
    for (const s of collided) {
      const key = withTool.exec(s.file)?.[1];
      if (key !== undefined) assert.equal(key, s.metadataKey.slice(0, 8), s.file);
    }
    const names = cleanReport.perSeries.map((s) => s.file);
    assert.equal(new Set(names).size, names.length);
    for (const s of cleanReport.perSeries) assert.match(s.file, /_2025-11-23_2025-11-24(_[0-9a-f]{8})?\.csv$/);
  });

  test('existing files are skipped by default and rewritten with --force', async () => {
    const dir = tempDir();
    assert.equal((await runBulkTool(args(archive.url, dir), dir)).code, 0);
    const victim = readdirSync(dir)[0]!;
    writeFileSync(join(dir, victim), 'edited by hand');
    const again = await runBulkTool(args(archive.url, dir, '--report', join(dir, '..', 'r2.json')), dir);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(readFileSync(join(dir, victim), 'utf8'), 'edited by hand', 'never silently overwritten');
    const r2 = readReport(join(dir, '..', 'r2.json'));
    assert.equal(r2.skipped, cleanReport.done);
    assert.equal(r2.points, 0);
    assert.match(again.stderr, /skipped/);
    const forced = await runBulkTool(args(archive.url, dir, '--force'), dir);
    assert.equal(forced.code, 0);
    assert.deepEqual(differences(readDir(dir), readDir(cleanDir)), []);
  });

  test('20 % failing requests (503, reset, torn body, stall) in front of the real archive: nothing lost, nothing doubled', async () => {
    const proxy = await startFlakyProxy({ target: archive.url, failureRate: 0.2, seed: 11 });
    try {
      const dir = tempDir();
      const reportFile = join(tempDir(), 'report.json');
      const r = await runBulkTool(
        args(
          proxy.url,
          dir,
          '--timeout',
          '1',
          '--page-size',
          '200',
          '--window',
          '21600',
          '--concurrency',
          '3',
          '--report',
          reportFile,
        ),
        dir,
      );
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(differences(readDir(dir), readDir(cleanDir)), []);
      const report = readReport(reportFile);
      assert.equal(report.failures, 0);
      assert.equal(report.points, cleanReport.points);
      assert.ok(report.retries > 0, 'retries are counted');
      for (const mode of ['503', 'reset', 'truncate', 'stall'] as const)
        assert.ok(proxy.stats.faults[mode] > 0, `${mode} injected`);
    } finally {
      await proxy.close();
    }
  });

  test('a series that keeps failing makes the run exit 1 with the failure in the report; --resume completes it', async () => {
    const proxy = await startFlakyProxy({
      target: archive.url,
      failureRate: 1,
      modes: ['503'],
      eligible: (_m, url) => url.includes('/histogram-owdelay/'),
    });
    try {
      const dir = tempDir();
      const reportFile = join(tempDir(), 'report.json');
      const checkpoint = join(tempDir(), 'my.checkpoint');
      const r = await runBulkTool(
        args(proxy.url, dir, '--window', '21600', '--report', reportFile, '--checkpoint', checkpoint),
        dir,
      );
      assert.equal(r.code, 1);
      assert.match(r.stderr, /FAILED .*histogram-owdelay/);
      assert.match(r.stderr, /--resume/);
      const report = readReport(reportFile);
      const failed = report.perSeries.filter((s) => s.status === 'failed');
      assert.ok(failed.length > 0 && failed.every((s) => s.eventType === 'histogram-owdelay'));
      assert.equal(report.failures, failed.length);
      assert.ok(failed.every((s) => s.failures > 0 && s.error !== undefined));
      assert.ok(existsSync(checkpoint), 'checkpoint kept for --resume');
      assert.ok(!existsSync(join(dir, CHECKPOINT_NAME)));
      for (const s of failed) assert.ok(!existsSync(join(dir, s.file)), 'no final name for an incomplete file');

      proxy.heal();
      const resumed = await runBulkTool(args(proxy.url, dir, '--resume', '--checkpoint', checkpoint), dir);
      assert.equal(resumed.code, 0, resumed.stderr);
      assert.ok(!existsSync(checkpoint), 'removed once everything is complete');
      assert.deepEqual(differences(readDir(dir), readDir(cleanDir)), []);
    } finally {
      await proxy.close();
    }
  });

  test('a local write failure stops the run at once with a clear message, and exit 1', async () => {
    const dir = tempDir();
    const { mkdirSync } = await import('node:fs');
    const first = cleanReport.perSeries.find((s) => s.status === 'done')!;
    mkdirSync(join(dir, `${first.file}.part`)); // opening the temporary file fails with EISDIR
    const reportFile = join(tempDir(), 'r.json');
    const r = await runBulkTool(args(archive.url, dir, '--concurrency', '1', '--report', reportFile), dir);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /stopping: cannot write output files .*EISDIR/);
    const report = readReport(reportFile);
    assert.equal(report.perSeries.find((s) => s.file === first.file)?.status, 'failed');
    assert.ok(report.perSeries.some((s) => s.status === 'pending' && /^not started/.test(s.error ?? '')));
    assert.equal(report.failures, report.series - report.done - report.nodata);
  });

  test('Retry-After of a 503 is honoured (the retry waits what the archive asked for)', async () => {
    let failed = 0;
    const proxy = await startFlakyProxy({
      target: archive.url,
      failureRate: 1,
      modes: ['503'],
      retryAfterSeconds: 1,
      eligible: (_m, url) => url.includes('/throughput/') && failed++ === 0,
    });
    try {
      const dir = tempDir();
      const r = await runBulkTool(args(proxy.url, dir, '-e', 'throughput', '-v'), dir);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(proxy.stats.faults['503'], 1);
      assert.match(r.stderr, /retrying in 1\.0 s \(attempt 2 of \d+\): .*GET \S+\/throughput\//);
    } finally {
      await proxy.close();
    }
  });

  test('a page size the archive refuses (perfSONAR 5 style 400) is lowered to 1000 and the export completes', async () => {
    const proxy = await startFlakyProxy({ target: archive.url, failureRate: 0, maxPageSize: 1000 });
    try {
      const dir = tempDir();
      const r = await runBulkTool(args(proxy.url, dir, '--page-size', '5000'), dir);
      assert.equal(r.code, 0, r.stderr);
      assert.ok(proxy.stats.refusedPageSize > 0);
      assert.deepEqual(differences(readDir(dir), readDir(cleanDir)), []);
    } finally {
      await proxy.close();
    }
  });

  test('json and ndjson files: one series each, json without a trailing newline', async () => {
    for (const format of ['json', 'ndjson'] as const) {
      const dir = tempDir();
      const r = await runBulkTool(exportArgs(archive.url, format, dir, '-I', ...RANGE, '-e', 'throughput'), dir);
      assert.equal(r.code, 0, r.stderr);
      const files = readdirSync(dir);
      assert.ok(
        files.length >= 2 && files.every((f) => f.includes('_throughput_') && f.endsWith(`.${format}`)),
        files.join(),
      );
      for (const f of files) {
        const text = readFileSync(join(dir, f), 'utf8');
        if (format === 'json') {
          assert.ok(text.startsWith('[{"source": ') && text.endsWith('}]'), f);
        } else {
          assert.ok(text.endsWith('}\n'));
          for (const line of text.trimEnd().split('\n'))
            assert.equal((JSON.parse(line) as { event_type: string }).event_type, 'throughput');
        }
      }
    }
  });

  test('stdout stays empty; validation of the original (-o human) and of the new flags', async () => {
    const dir = tempDir();
    const human = await runBulkTool(['-u', archive.url, '-D', dir], dir);
    assert.equal(human.code, 255);
    assert.match(human.stderr, /please specify either json, csv or ndjson --output-format for bulk output/);
    const conc = await runBulkTool(exportArgs(archive.url, 'csv', dir, '--concurrency', '0'), dir);
    assert.equal(conc.code, 255);
    assert.match(conc.stderr, /--concurrency/);
    const bad = await runBulkTool(exportArgs(archive.url, 'csv', dir, '--page-size', 'x'), dir);
    assert.equal(bad.code, 2);
    const help = await runBulkTool(['-h'], dir);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /-D OUTPUT_DIR, --output-directory=OUTPUT_DIR/);
    assert.match(help.stdout, /--resume/);
    const ok = await runBulkTool(args(archive.url, dir, '-e', 'throughput', '--quiet'), dir);
    assert.equal(ok.code, 0);
    assert.equal(ok.stdout, '');
    assert.equal(ok.stderr, '', '--quiet: nothing when all went well');
    const none = await runBulkTool(args(archive.url, dir, '-e', 'ntp-offset'), dir);
    assert.equal(none.code, 0);
    assert.match(none.stderr, /0 series: 0 written/);
  });
});

describe('esmond-ps-get-bulk progress and summaries', () => {
  let archive: TestArchive;
  before(async () => {
    archive = await startArchive({ seed: { hosts: 2, days: 1, seed: 5 }, now: () => NOW * 1000 });
  });
  after(async () => {
    await archive.close();
    cleanup();
  });

  test('a terminal gets the progress bar (series done/total, points, rate, ETA); a pipe gets plain lines', async () => {
    const { bufferIo } = await import('./fixtures.js');
    const { createGetBulk } = await import('../../src/cli/get-bulk.js');
    const dir = tempDir();
    const tty = bufferIo(dir);
    Object.assign(tty.io.stderr, { isTTY: true, columns: 100 });
    const code = await createGetBulk({ retryBaseMs: 5 })(args(archive.url, dir, '-e', 'throughput'), tty.io);
    assert.equal(code, 0, tty.stderr());
    assert.match(tty.stderr(), /series 2\/2 \| \d+ points \| \d+ pts\/s \| ETA /);
    assert.doesNotMatch(tty.stderr(), /^\[1\/2\]/m);
    const piped = await runBulkTool(args(archive.url, tempDir(), '-e', 'throughput'), dir);
    assert.match(piped.stderr, /^\[1\/2\] .*throughput.*: \d+ points/m);
    assert.ok(!piped.stderr.includes('\x1b['), 'no escape codes in a pipe');
  });

  test('-T/-W fetch the summary for numeric types and label the rows; a missing summary gives no file', async () => {
    const dir = tempDir();
    const reportFile = join(tempDir(), 'r.json');
    const r = await runBulkTool(
      args(archive.url, dir, '-e', 'packet-loss-rate', '-T', 'aggregation', '-W', '3600', '--report', reportFile),
      dir,
    );
    assert.equal(r.code, 0, r.stderr);
    const files = readdirSync(dir);
    assert.ok(files.length > 0);
    for (const f of files) {
      const lines = readFileSync(join(dir, f), 'utf8').split('\r\n').slice(1, -1);
      assert.ok(lines.length > 0 && lines.length <= 25, `${f}: hourly bins over one day`);
      for (const line of lines)
        assert.match(line, /,packet-loss-rate,[^,]*,aggregation,3600,\d{4}-\d\d-\d\d \d\d:00:00,/);
    }
    const none = await runBulkTool(
      args(archive.url, tempDir(), '-e', 'packet-loss-rate', '-T', 'aggregation', '-W', '7'),
      dir,
    );
    assert.equal(none.code, 0);
    assert.match(none.stderr, /0 written, \d+ without data/);
  });
});

describe('a bulk file is what esmond-ps-get prints for that one series (without the final newline)', () => {
  let archive: TestArchive;
  before(async () => {
    archive = await startArchive({ seed: { hosts: 2, days: 1, seed: 9 }, now: () => NOW * 1000 });
  });
  after(async () => {
    await archive.close();
    cleanup();
  });

  for (const [format, eventType, summary] of [
    ['csv', 'throughput', []],
    ['json', 'histogram-owdelay', []],
    ['csv', 'packet-loss-rate', ['-T', 'aggregation']],
    ['json', 'histogram-owdelay', ['-T', 'statistics']],
  ] as const) {
    test(`${format} ${eventType} ${summary.join(' ')}`, async () => {
      const { createRun } = await import('../../src/cli/get.js');
      const { bufferIo } = await import('./fixtures.js');
      const dir = tempDir();
      const r = await runBulkTool(
        exportArgs(archive.url, format, dir, '-I', ...RANGE, '-e', eventType, ...summary),
        dir,
      );
      assert.equal(r.code, 0, r.stderr);
      const files = readdirSync(dir);
      assert.ok(files.length >= 2, files.join());
      for (const file of files) {
        const [src, dst] = file.split('_');
        const b = bufferIo(dir);
        const code = await createRun()(
          ['-u', archive.url, '-o', format, '-I', '-s', src!, '-d', dst!, '-e', eventType, ...RANGE, ...summary],
          b.io,
        );
        assert.equal(code, 0, b.stderr());
        assert.equal(readFileSync(join(dir, file), 'utf8') + '\n', b.stdout(), file);
      }
    });
  }

  test('-T on event types without summaries writes no file for them (B15 fixed, as esmond-ps-get)', async () => {
    const dir = tempDir();
    const reportFile = join(tempDir(), 'r.json');
    const r = await runBulkTool(args(archive.url, dir, '-T', 'aggregation', '--report', reportFile), dir);
    assert.equal(r.code, 0, r.stderr);
    const report = readReport(reportFile);
    for (const s of report.perSeries) {
      if (['failures', 'packet-trace', 'pscheduler-run-href', 'throughput-subintervals'].includes(s.eventType))
        assert.equal(s.status, 'nodata', s.file);
    }
    for (const f of readdirSync(dir))
      assert.match(readFileSync(join(dir, f), 'utf8').split('\r\n')[1]!, /,aggregation,\d+,/);
  });
});
