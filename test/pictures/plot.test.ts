/**
 * esmond-ps-plot against a seeded archive (fixed clock, so the charts are reproducible): golden
 * SVGs (UPDATE_GOLDEN=1 regenerates them), legend counts against the archive, PNG output, and
 * the usage errors.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { run } from '../../src/cli/plot.js';
import { createClient } from '../../src/client.js';
import { startArchive, type TestArchive } from '../helpers/archive.js';
import { runTool } from '../cli-query/run-tool.js';

const NOW_MS = 1_764_000_000_000;
const RANGE = ['-S', '2025-11-23', '-E', '2025-11-24T16:00:00'];
const GOLDEN = join(process.cwd(), 'test', 'golden', 'esmond-ps-plot');

function checkGolden(file: string, actual: string): void {
  const path = join(GOLDEN, file);
  if (process.env['UPDATE_GOLDEN'] !== undefined || !existsSync(path)) {
    if (process.env['UPDATE_GOLDEN'] === undefined)
      assert.fail(`golden file ${file} missing (run with UPDATE_GOLDEN=1)`);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, actual);
    return;
  }
  assert.equal(actual, readFileSync(path, 'utf8'), `chart differs from ${file}`);
}

describe('esmond-ps-plot', () => {
  let archive: TestArchive;
  let dir: string;

  before(async () => {
    archive = await startArchive({ seed: { hosts: 2, days: 2, seed: 1 }, now: () => NOW_MS });
    dir = mkdtempSync(join(tmpdir(), 'esmond-plot-'));
  });
  after(async () => {
    await archive.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const plot = (args: string[]) => runTool(run, ['-u', archive.url, ...RANGE, ...args], { now: NOW_MS, cwd: dir });

  for (const [name, args, unit] of [
    ['throughput', ['-e', 'throughput'], 'Gb/s'],
    ['owdelay-statistics-hourly', ['-e', 'histogram-owdelay', '-T', 'statistics', '-W', '3600'], 'ms (median)'],
    ['loss-hourly', ['-e', 'packet-loss-rate', '-T', 'aggregation', '-W', '3600'], '%'],
  ] as const) {
    test(`${name}: golden SVG, one series per matching test, units on the axis`, async () => {
      const r = await plot([...args, '-o', `${name}.svg`]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, '');
      const svg = readFileSync(join(dir, `${name}.svg`), 'utf8');
      assert.ok(svg.includes(`>${unit}</text>`), `unit ${unit}`);
      assert.equal((svg.match(/<path /g) ?? []).length, 2, 'two directions, two lines');
      checkGolden(`${name}.svg`, svg);
    });
  }

  test('the legend counts every point the archive holds in the range', async () => {
    const r = await plot(['-e', 'throughput', '-o', 'count.svg']);
    assert.equal(r.code, 0, r.stderr);
    const svg = readFileSync(join(dir, 'count.svg'), 'utf8');
    const client = createClient({ url: archive.url });
    try {
      const counts: number[] = [];
      for await (const md of client.searchMetadata({
        eventType: 'throughput',
        timeStart: Date.parse('2025-11-23T00:00:00Z') / 1000,
      })) {
        let n = 0;
        for await (const page of client.dataPages(
          md,
          'throughput',
          {},
          { timeStart: Date.parse('2025-11-23T00:00:00Z') / 1000, timeEnd: Date.parse('2025-11-24T16:00:00Z') / 1000 },
        ))
          n += page.length;
        counts.push(n);
      }
      const legend = [...svg.matchAll(/\((\d+) points\)/g)].map((m) => Number(m[1]));
      assert.deepEqual(legend.sort(), counts.sort());
      assert.match(r.stderr, new RegExp(`2 series, ${counts.reduce((a, b) => a + b, 0)} points`));
    } finally {
      await client.close();
    }
  });

  test('-o FILE.png renders the chart as a PNG', async () => {
    const r = await plot(['-e', 'throughput', '-o', 'chart.png']);
    assert.equal(r.code, 0, r.stderr);
    const png = readFileSync(join(dir, 'chart.png'));
    assert.deepEqual([...png.subarray(1, 4)], [...Buffer.from('PNG')]);
    assert.equal(png.readUInt32BE(16), 900, 'width from the SVG');
  });

  test('usage errors: no -o, a non-chart file, a histogram without -T statistics', async () => {
    let r = await plot(['-e', 'throughput']);
    assert.equal(r.code, 255);
    assert.match(r.stderr, /--output FILE\.svg or FILE\.png is required/);
    r = await plot(['-e', 'throughput', '-o', 'chart.txt']);
    assert.equal(r.code, 255);
    assert.match(r.stderr, /must name a \.svg or \.png file/);
    r = await plot(['-e', 'histogram-owdelay', '-o', 'x.svg']);
    assert.equal(r.code, 255);
    assert.match(r.stderr, /-T statistics/);
    assert.equal(existsSync(join(dir, 'x.svg')), false);
  });
});
