import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startArchive, type TestArchive } from '../helpers/archive.js';
import { CHECKPOINT_NAME } from '../../src/bulk/checkpoint.js';
import {
  addMetadata,
  addThroughputSeries,
  cleanup,
  differences,
  readDir,
  runBulkTool,
  tempDir,
  NOW,
} from './fixtures.js';

const POINTS = 80_000;

function metadataBody(src: string, tool: string): Record<string, unknown> {
  return {
    'subject-type': 'point-to-point',
    source: src,
    destination: '10.9.0.2',
    'measurement-agent': src,
    'tool-name': tool,
    'input-source': src,
    'input-destination': '10.9.0.2',
    'event-types': [{ 'event-type': 'throughput', summaries: [] }],
  };
}

describe('kill -9 in the middle of a bulk export, then --resume', () => {
  let archive: TestArchive;
  let args: (dir: string) => string[];
  before(async () => {
    archive = await startArchive({ now: () => NOW * 1000 });
    // Two series with the same source, destination and event type (a name collision) and one more.
    await addThroughputSeries(archive, await addMetadata(archive, metadataBody('10.9.0.1', 'bwctl/iperf3')), POINTS);
    await addThroughputSeries(
      archive,
      await addMetadata(archive, metadataBody('10.9.0.1', 'pscheduler/iperf3')),
      POINTS,
    );
    await addThroughputSeries(
      archive,
      await addMetadata(archive, metadataBody('10.9.0.3', 'bwctl/iperf3')),
      POINTS / 4,
    );
    args = (dir) => [
      '-u',
      archive.url,
      '-o',
      'json',
      '-D',
      dir,
      '-I',
      '-S',
      '2025-11-01',
      '-E',
      '2025-11-24T16:00:00Z',
      '--page-size',
      '300',
      '--window',
      '3600',
    ];
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
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'src/bin/esmond-ps-get-bulk.ts', ...args(dir), '--quiet'],
      {
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += String(d)));
    const exited = new Promise<number | null>((resolve) =>
      child.on('exit', (code) => {
        resolve(code);
      }),
    );
    // Kill as soon as the checkpoint records committed bytes of some series.
    const checkpoint = join(dir, CHECKPOINT_NAME);
    let killed = false;
    for (let i = 0; i < 600 && child.exitCode === null; i++) {
      await new Promise((r) => setTimeout(r, 25));
      if (!existsSync(checkpoint)) continue;
      let states: Array<{ status: string; bytes: number }> = [];
      try {
        states = (JSON.parse(readFileSync(checkpoint, 'utf8')) as { states: typeof states }).states;
      } catch {
        continue; // replaced while reading
      }
      if (states.some((s) => s.status === 'partial' && s.bytes > 0)) {
        child.kill('SIGKILL');
        killed = true;
        break;
      }
    }
    await exited;
    assert.ok(killed, `the run was interrupted mid-way (stderr: ${stderr})`);

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
