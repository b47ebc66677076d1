import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startArchive, type TestArchive } from '../helpers/archive.js';
import { CHECKPOINT_NAME } from '../../src/bulk/checkpoint.js';
import {
  addThroughputTest,
  cleanup,
  differences,
  exportArgs,
  readDir,
  runBulkTool,
  spawnBulkTool,
  tempDir,
  NOVEMBER,
  NOW,
} from './fixtures.js';

const POINTS = 80_000;

describe('kill -9 in the middle of a bulk export, then --resume', () => {
  let archive: TestArchive;
  let args: (dir: string) => string[];
  before(async () => {
    archive = await startArchive({ now: () => NOW * 1000 });
    // Two series with the same source, destination and event type (a name collision) and one more.
    await addThroughputTest(archive, '10.9.0.1', '10.9.0.2', 'bwctl/iperf3', POINTS);
    await addThroughputTest(archive, '10.9.0.1', '10.9.0.2', 'pscheduler/iperf3', POINTS);
    await addThroughputTest(archive, '10.9.0.3', '10.9.0.2', 'bwctl/iperf3', POINTS / 4);
    args = (dir) => exportArgs(archive.url, 'json', dir, '-I', ...NOVEMBER, '--page-size', '300', '--window', '3600');
  });
  after(async () => {
    await archive.close();
    cleanup();
  });

  test('no partial file under a final name at any time, and the resumed result is byte-identical', async () => {
    const clean = tempDir();
    const ref = await runBulkTool(args(clean), clean);
    assert.equal(ref.code, 0, ref.stderr);
    const want = readDir(clean);
    assert.equal(want.size, 3);

    const dir = tempDir();
    const run = spawnBulkTool([...args(dir), '--quiet']);
    // Kill as soon as the checkpoint records committed bytes of some series.
    const checkpoint = join(dir, CHECKPOINT_NAME);
    let killed = false;
    for (let i = 0; i < 600 && run.child.exitCode === null; i++) {
      await new Promise((r) => setTimeout(r, 25));
      if (!existsSync(checkpoint)) continue;
      let states: Array<{ status: string; bytes: number }> = [];
      try {
        states = (JSON.parse(readFileSync(checkpoint, 'utf8')) as { states: typeof states }).states;
      } catch {
        continue; // replaced while reading
      }
      if (states.some((s) => s.status === 'partial' && s.bytes > 0)) {
        run.child.kill('SIGKILL');
        killed = true;
        break;
      }
    }
    await run.exited;
    assert.ok(killed, `the run was interrupted mid-way (stderr: ${run.stderr()})`);

    const atKill = readDir(dir);
    const parts = [...atKill.keys()].filter((f) => f.endsWith('.part'));
    assert.ok(parts.length > 0, 'an interrupted series is only in a .part file');
    for (const [name, bytes] of atKill) {
      if (name.endsWith('.part') || name.startsWith(CHECKPOINT_NAME)) continue;
      assert.ok(want.get(name)?.equals(bytes), `${name} under its final name is complete`);
    }

    const resumed = await runBulkTool([...args(dir), '--resume'], dir);
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.match(resumed.stderr, /resuming/);
    assert.deepEqual(differences(readDir(dir), want), [], 'byte-identical, no .part or checkpoint left');
  });

  test('--resume refuses a checkpoint written for other arguments', async () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, CHECKPOINT_NAME),
      JSON.stringify({
        version: 1,
        fingerprint: 'other',
        timeStart: 0,
        timeEnd: 1,
        metadata: {},
        jobs: [],
        states: [],
      }),
    );
    const r = await runBulkTool([...args(dir), '--resume'], dir);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /different arguments/);
  });
});
