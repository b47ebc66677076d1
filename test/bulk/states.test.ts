import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exportSeries } from '../../src/bulk/export-series.js';
import { fileSink } from '../../src/bulk/file-sink.js';
import type { PlannedJob } from '../../src/bulk/plan.js';
import { freshState, reconcileStates } from '../../src/bulk/states.js';
import type { SeriesEncoder, SeriesState } from '../../src/bulk/types.js';
import type { EsmondClient, Metadata } from '../../src/query/types.js';
import { cleanup, tempDir } from './fixtures.js';

const meta = { key: 'abcdef0123', source: 'a', destination: 'b', eventTypes: [] } as unknown as Metadata;
const job = (name: string): PlannedJob => ({
  id: `abcdef0123/${name}`,
  metadata: meta,
  eventType: 'throughput',
  selector: {},
  fileName: `${name}.csv`,
  sourceLabel: 'a',
  destinationLabel: 'b',
  available: true,
});
const OPTS = { force: false, timeStart: 100, windowSeconds: 86400 };

/** What a kill -9 can leave behind between any two steps, and what a resumed run makes of it. */
describe('reconciling a checkpoint with the files on disk', () => {
  after(cleanup);

  test('each crash point maps to the right state', async () => {
    const dir = tempDir();
    const jobs = ['partial', 'renamed', 'lost', 'renaming', 'done', 'done-gone', 'pending-final', 'failed'].map(job);
    const st = (status: SeriesState['status'], bytes: number): SeriesState => ({
      ...freshState(jobs[0]!, 100, 60),
      status,
      bytes,
      rows: bytes > 0 ? 2 : 0,
      nextStart: 500,
    });
    writeFileSync(join(dir, 'partial.csv.part'), 'header\r\nrow1\r\nextra bytes after the checkpoint');
    writeFileSync(join(dir, 'renamed.csv'), 'complete');
    writeFileSync(join(dir, 'renaming.csv.part'), 'complete]');
    writeFileSync(join(dir, 'done.csv'), 'complete');
    writeFileSync(join(dir, 'pending-final.csv'), 'somebody else’s file');
    writeFileSync(join(dir, 'failed.csv.part'), 'header\r\nrow1\r\n');
    const states = [
      st('partial', 14),
      st('partial', 14),
      st('partial', 14),
      st('renaming', 9),
      st('done', 8),
      st('done', 8),
      st('pending', 0),
      { ...st('failed', 14), error: 'x' },
    ];
    await reconcileStates(jobs, states, { ...OPTS, outDir: dir });
    assert.deepEqual(
      states.map((s) => s.status),
      ['partial', 'done', 'pending', 'renaming', 'done', 'pending', 'skipped', 'partial'],
    );
    assert.equal(states[2]!.nextStart, 100, 'a lost .part file restarts the series from the beginning');
    assert.equal(states[7]!.error, undefined);
  });

  test('--force: an existing final file is rewritten, not skipped', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'x.csv'), 'old');
    const states = [freshState(job('x'), 100, 60)];
    await reconcileStates([job('x')], states, { ...OPTS, outDir: dir, force: true });
    assert.equal(states[0]!.status, 'pending');
  });

  test('a complete .part that was not renamed yet is renamed, without another byte', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'r.csv.part'), 'complete]and junk');
    const state: SeriesState = {
      ...freshState(job('r'), 100, 60),
      status: 'renaming',
      bytes: 9,
      rows: 1,
      nextStart: 1000,
    };
    const unused = {} as EsmondClient; // never called: nothing is left to fetch
    const encoder: SeriesEncoder = { begin: () => '[', encode: () => ({ text: '', rows: 0 }), end: () => ']' };
    await exportSeries(job('r'), state, {
      client: unused,
      sink: fileSink(job('r'), { outDir: dir, encoder }),
      timeEnd: 999,
      pageSize: { value: 1000 },
      windowAttempts: 1,
      backoffMs: () => 0,
      sleep: async () => undefined,
      onCommit: () => undefined,
      onWindowRetry: () => undefined,
    });
    assert.equal(state.status, 'done');
    assert.equal(readFileSync(join(dir, 'r.csv'), 'utf8'), 'complete]');
    assert.ok(!existsSync(join(dir, 'r.csv.part')));
  });
});
