/**
 * How often a run writes its state (each write is an fsync): once per stored batch, and once at
 * the end of the log — but not a second time at the same offset when the log ends with a full batch.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runGridftpLoad } from '../../src/loaders/gridftp/run.js';
import type { SinkItem } from '../../src/loaders/sink.js';
import { StateWriter } from '../../src/loaders/checkpoint.js';
import { netloggerRun } from './gridftp-fixture.js';

function transferLine(i: number, type = 'RETR'): string {
  const start = `2023111412${String(10 + i).padStart(2, '0')}00.250000`;
  const end = `2023111412${String(10 + i).padStart(2, '0')}05.250000`;
  return `DATE=${end} HOST=gftp.example.org START=${start} NBYTES=${1000 + i} DEST=[198.51.100.1] TYPE=${type} CODE=226\n`;
}

/** Runs the loader over `text` with a sink that stores everything; `updated` counts the state writes. */
async function writesFor(text: string, batchSize: number): Promise<{ writes: number; offset: number; size: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'gridftp-writes-'));
  try {
    const file = join(dir, 't.log');
    const statePath = join(dir, 's.json');
    writeFileSync(file, text);
    let clock = 0;
    const r = await runGridftpLoad({
      ...netloggerRun(file, statePath, async () => '192.0.2.50'),
      batchSize,
      sink: {
        store: async (items: readonly SinkItem[]) => ({ written: items.length, duplicates: 0, metadata: items.length }),
      },
      log: () => {},
      now: () => ++clock,
    });
    assert.ok(!r.failed);
    const state = JSON.parse(readFileSync(statePath, 'utf8')) as { updated: number; offset: number };
    return { writes: state.updated, offset: state.offset, size: statSync(file).size };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('a log that ends with a full batch: one state write per batch, none again at the same offset', async () => {
  const r = await writesFor([0, 1, 2, 3, 4, 5].map((i) => transferLine(i)).join(''), 3);
  assert.equal(r.offset, r.size);
  assert.equal(r.writes, 2);
});

test('lines after the last full batch move the state once more, to the end', async () => {
  const r = await writesFor([0, 1, 2].map((i) => transferLine(i)).join('') + transferLine(3, 'LIST'), 3);
  assert.equal(r.offset, r.size);
  assert.equal(r.writes, 2);
});

test('a partial last batch is stored and written at the end', async () => {
  const r = await writesFor([0, 1, 2, 3].map((i) => transferLine(i)).join(''), 3);
  assert.equal(r.offset, r.size);
  assert.equal(r.writes, 2);
});

test('state writes run one at a time in order, behind the batches: the last one stays, and a run waits for it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gridftp-writes-'));
  try {
    const path = join(dir, 's.json');
    const writer = new StateWriter(path);
    const order: number[] = [];
    for (const offset of [10, 20, 30]) {
      writer.save(async () => {
        // The first state takes longest to build: a later one must still not overtake it.
        await new Promise((r) => setTimeout(r, 40 - offset));
        order.push(offset);
        return { version: 1, format: 'netlogger', file: 'f', dev: 1, ino: 2, offset, tail: '', updated: offset };
      });
    }
    await writer.idle();
    writer.check();
    assert.deepEqual(order, [10, 20, 30]);
    assert.equal((JSON.parse(readFileSync(path, 'utf8')) as { offset: number }).offset, 30);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a state that cannot be written fails the run with the write error, once the batches it waited behind are stored', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gridftp-writes-'));
  try {
    const file = join(dir, 't.log');
    writeFileSync(file, [0, 1, 2, 3, 4, 5].map((i) => transferLine(i)).join(''));
    const statePath = join(dir, 'missing-dir', 's.json');
    let stored = 0;
    await assert.rejects(
      runGridftpLoad({
        ...netloggerRun(file, statePath, async () => '192.0.2.50'),
        batchSize: 2,
        sink: {
          store: async (items: readonly SinkItem[]) => {
            stored += items.length;
            return { written: items.length, duplicates: 0, metadata: items.length };
          },
        },
        log: () => {},
        now: () => 1,
      }),
      /ENOENT/,
    );
    assert.ok(stored >= 2, 'the batch before the failed write was stored');
    assert.equal(existsSync(statePath), false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
