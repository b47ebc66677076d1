/**
 * a window that ends before a series' last write still finds the series' data
 * (the metadata search is narrowed by the window's start only), in esmond-ps-get and get-bulk,
 * against the real archive. "No data" stays for windows with no data at all.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { run as getRun } from '../../src/cli/get.js';
import { run as endpointsRun } from '../../src/cli/get-endpoints.js';
import { startArchive, type TestArchive } from '../helpers/archive.js';
import { runTool } from '../cli-query/run-tool.js';
import { cleanup, runBulkTool, tempDir } from '../bulk/fixtures.js';

/** The archive's clock: every seeded series was last written at this time. */
const NOW_S = 1764000000; // 2025-11-24 16:00:00 UTC
const iso = (s: number): string => new Date(s * 1000).toISOString();
/** A window two days to one day before the last write. */
const PAST = ['-S', iso(NOW_S - 2 * 86400), '-E', iso(NOW_S - 86400)];

describe('a past window finds the data of series written after it (item 1)', () => {
  let archive: TestArchive;
  let pair: string[];
  before(async () => {
    archive = await startArchive({ seed: { hosts: 2, days: 3, seed: 5 }, now: () => NOW_S * 1000 });
    const e = await runTool(endpointsRun, ['-u', archive.url, '-I', '-e', 'throughput', '-o', 'csv'], {
      now: NOW_S * 1000,
    });
    const [source, destination] = (e.stdout.split('\r\n')[1] ?? '').split(',');
    assert.ok(source && destination, e.stdout + e.stderr);
    pair = ['-s', source, '-d', destination];
  });
  after(async () => {
    await archive.close();
    cleanup();
  });

  test('esmond-ps-get prints the rows inside the window', async () => {
    const r = await runTool(getRun, ['-u', archive.url, ...pair, '-e', 'throughput', '-I', '-o', 'csv', ...PAST], {
      now: NOW_S * 1000,
    });
    assert.equal(r.code, 0, r.stderr);
    const rows = r.stdout.trim().split('\r\n').slice(1);
    assert.ok(rows.length > 0, `rows expected, got: ${r.stdout}`);
    for (const row of rows) {
      const ts = Date.parse(`${row.split(',')[6]}Z`) / 1000;
      assert.ok(ts >= NOW_S - 2 * 86400 && ts <= NOW_S - 86400, row);
    }
  });

  test('a window before any data still says No data', async () => {
    const r = await runTool(
      getRun,
      [
        '-u',
        archive.url,
        ...pair,
        '-e',
        'throughput',
        '-I',
        '-S',
        iso(NOW_S - 30 * 86400),
        '-E',
        iso(NOW_S - 29 * 86400),
      ],
      { now: NOW_S * 1000 },
    );
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /No data/);
  });

  test('esmond-ps-get-bulk exports the series of the past window', async () => {
    const dir = tempDir();
    const r = await runBulkTool(
      ['-u', archive.url, '-o', 'csv', '-D', dir, '-I', '-e', 'throughput', '--quiet', ...PAST],
      dir,
    );
    assert.equal(r.code, 0, r.stderr);
    assert.ok(readdirSync(dir).filter((f) => f.endsWith('.csv')).length > 0, 'files written');
  });
});
