/**
 * The sink stores several metadata at once; these tests make sure that never weakens a loader
 * guarantee: against the real archive, a flaky network still ends with every transfer stored
 * exactly once, a batch that fails part-way leaves the state before it (and nothing is still
 * being written when the failure is reported), and errors, refusals and counts do not depend on
 * which request happened to finish first.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startArchive, type TestArchive } from '../helpers/archive.js';
import { startFlakyProxy } from '../helpers/flaky-proxy.js';
import { parseNetloggerLine } from '../../src/loaders/gridftp/netlogger.js';
import { runGridftpLoad } from '../../src/loaders/gridftp/run.js';
import { transferToEsmond } from '../../src/loaders/gridftp/transfer.js';
import { ArchiveSink, type SinkItem } from '../../src/loaders/sink.js';
import { createClient } from '../../src/client.js';
import type { EsmondClient } from '../../src/query/types.js';
import type { WireNewMetadata } from '../../src/model/wire.js';
import { allMetadata, storedForm, storedValues } from './archive-compare.js';
import { netloggerRun } from './gridftp-fixture.js';

const SERVER_IP = '192.0.2.60';
const resolve = async () => SERVER_IP;

const two = (n: number) => String(n).padStart(2, '0');
/** NetLogger time of `s` seconds after 2023-11-14 22:13:20 UTC. */
function nlTime(s: number): string {
  const d = new Date((1_700_000_000 + s) * 1000);
  return `${d.getUTCFullYear()}${two(d.getUTCMonth() + 1)}${two(d.getUTCDate())}${two(d.getUTCHours())}${two(d.getUTCMinutes())}${two(d.getUTCSeconds())}.500000`;
}

/** Transfer `i`: its own size (so its own metadata) and second; every 6th failed, every 8th a LIST. */
function transferLine(i: number): string {
  const type = i % 8 === 7 ? 'LIST' : i % 2 === 0 ? 'RETR' : 'STOR';
  return (
    `DATE=${nlTime(i * 5 + 2)} HOST=gftp.example.org PROG=globus-gridftp-server NL.EVNT=FTP_INFO START=${nlTime(i * 5)} ` +
    `USER=u FILE=/d/f${i} BUFFER=0 BLOCK=262144 NBYTES=${5_000_000 + i * 17} VOLUME=/ STREAMS=2 STRIPES=1 ` +
    `DEST=[198.51.100.${(i % 3) + 1}] TYPE=${type} CODE=${i % 6 === 5 ? 500 : 226} retrans=${i % 4}\n`
  );
}
const logText = (n: number): string => Array.from({ length: n }, (_, i) => transferLine(i)).join('');

/** (size, ts, event type) → stored value, for every transfer of `text`. */
function expected(text: string): Map<string, unknown> {
  const want = new Map<string, unknown>();
  for (const line of text.split('\n')) {
    const r = parseNetloggerLine(line);
    if (r.kind !== 'transfer') continue;
    const e = transferToEsmond(r.record, SERVER_IP);
    for (const v of e.values)
      want.set(
        `${String(e.metadata['gridftp-bytes-transferred'])}|${e.ts} ${v['event-type']}`,
        storedForm(v['event-type'], v.val),
      );
  }
  return want;
}

/** The gridftp values the archive holds, keyed like {@link expected}; asserts one metadata per size. */
async function held(a: TestArchive): Promise<Map<string, unknown>> {
  const out = new Map<string, unknown>();
  const sizes = new Set<unknown>();
  for (const md of await allMetadata(a.archiveUrl, '&tool-name=gridftp')) {
    assert.ok(!sizes.has(md['gridftp-bytes-transferred']), 'one metadata per transfer');
    sizes.add(md['gridftp-bytes-transferred']);
    for (const [k, v] of await storedValues(a.url, md)) out.set(`${String(md['gridftp-bytes-transferred'])}|${k}`, v);
  }
  return out;
}

const runOptions = (dir: string, log: string) => netloggerRun(log, join(dir, 'state.json'), resolve);

/**
 * The client with a hook around `putBulk` (delay it, fail it) that also counts requests in flight
 * and requests started after `closedAt()` turned true.
 */
function hooked(client: EsmondClient, before: (key: string, ts: number) => Promise<void>) {
  let inFlight = 0;
  let lateStarts = 0;
  let closed = false;
  const wrapped = new Proxy(client, {
    get(target, name, receiver) {
      const v = Reflect.get(target, name, receiver) as unknown;
      if ((name !== 'putBulk' && name !== 'postMetadata' && name !== 'postPoint') || typeof v !== 'function') return v;
      return async (...args: unknown[]) => {
        if (closed) lateStarts += 1;
        inFlight += 1;
        try {
          if (name === 'putBulk') {
            const data = [...(args[1] as Iterable<{ ts: number }>)];
            await before(args[0] as string, data[0]!.ts);
            args[1] = data;
          }
          return await (Reflect.apply(v, target, args) as Promise<unknown>);
        } finally {
          inFlight -= 1;
        }
      };
    },
  });
  return {
    client: wrapped,
    inFlight: () => inFlight,
    lateStarts: () => lateStarts,
    close: () => void (closed = true),
  };
}

for (const batchWrites of [false, true]) {
  test(`a flaky archive with 8 metadata in flight: every transfer stored exactly once over the runs${batchWrites ? ', through batch writes' : ''}`, async () => {
    const a = await startArchive({ withUser: true });
    const dir = mkdtempSync(join(tmpdir(), 'sink-conc-flaky-'));
    const log = join(dir, 't.log');
    const text = logText(90);
    writeFileSync(log, text);
    const proxy = await startFlakyProxy({
      target: a.url,
      failureRate: batchWrites ? 0.3 : 0.15,
      seed: 11,
      modes: ['503', 'reset'],
    });
    const client = createClient({ url: proxy.url, credentials: { apiKey: a.apiKey }, retry: { retryWrites: true } });
    try {
      const want = expected(text);
      // Batches take far fewer requests: smaller ones, so that faults meet some.
      const batchSize = batchWrites ? 5 : 25;
      const sink = new ArchiveSink(client, { concurrency: 8, batchWrites });
      let written = 0;
      let runs = 0;
      for (;;) {
        const r = await runGridftpLoad({ ...runOptions(dir, log), batchSize, sink, log: () => {} });
        runs += 1;
        written += r.written;
        if (!r.failed) break;
        assert.ok(runs < 30, 'the loader gets through eventually');
      }
      assert.ok(proxy.stats.faults['503'] + proxy.stats.faults.reset > 0, 'faults were injected');
      assert.deepStrictEqual(await held(a), want);
      // A value counted as written twice would push this above the number of values.
      assert.ok(written <= want.size && written > 0, `written ${written} of ${want.size}`);
      proxy.heal();
      if (batchWrites) assert.equal(client.writeBatchState?.(), 'offered');
      const again = await runGridftpLoad({ ...runOptions(dir, log), batchSize, sink, log: () => {} });
      assert.equal(again.written, 0, 'a further run has nothing left to store');
    } finally {
      await client.close();
      await proxy.close();
      await a.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

test('a transfer failing mid-batch with 8 in flight: the state stays before the batch, nothing writes after the failure, the next run completes exactly', async () => {
  const a = await startArchive({ withUser: true });
  const dir = mkdtempSync(join(tmpdir(), 'sink-conc-fail-'));
  const log = join(dir, 't.log');
  const text = logText(48);
  writeFileSync(log, text);
  const real = createClient({ url: a.url, credentials: { apiKey: a.apiKey } });
  // Transfer 19, in the second batch (lines 15..30), fails after its
  // neighbours started; later ones in the batch are slow, so they are still in flight then.
  const failing = parseNetloggerLine(transferLine(19).trimEnd());
  assert.ok(failing.kind === 'transfer');
  const failAt = transferToEsmond(failing.record, SERVER_IP).ts;
  let armed = true;
  const h = hooked(real, async (_key, ts) => {
    if (!armed) return;
    if (ts === failAt) {
      await sleep(20);
      throw new Error('archive went away');
    }
    if (ts > failAt) await sleep(40);
  });
  try {
    const messages: string[] = [];
    const sink = new ArchiveSink(h.client, { concurrency: 8 });
    const spy = {
      async store(items: readonly SinkItem[], onRefused?: (i: number, e: Error) => void) {
        try {
          return await sink.store(items, onRefused);
        } catch (err) {
          assert.equal(h.inFlight(), 0, 'no request is still running when the failure is reported');
          h.close();
          throw err;
        }
      },
    };
    const r1 = await runGridftpLoad({
      ...runOptions(dir, log),
      batchSize: 14,
      sink: spy,
      log: (e, m) => void messages.push(`${e} ${m}`),
    });
    assert.ok(r1.failed);
    assert.equal(r1.stored, 14);
    assert.equal(h.lateStarts(), 0, 'no request started after the failure was reported');
    assert.ok(
      messages.some((m) => m.endsWith('storing failed, abort processing, not updating state - ERR: archive went away')),
      messages.join('\n'),
    );
    const state = JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')) as { offset: number };
    // 14 transfers = lines 0..14 (line 7 is a LIST).
    assert.equal(state.offset, Buffer.byteLength(logText(15)), 'the state stops right after the first stored batch');

    armed = false;
    const r2 = await runGridftpLoad({
      ...runOptions(dir, log),
      batchSize: 14,
      sink: new ArchiveSink(real, { concurrency: 8 }),
      log: () => {},
    });
    assert.ok(!r2.failed);
    const want = expected(text);
    assert.deepStrictEqual(await held(a), want);
    // What the failed batch managed to write before it stopped (not counted: the batch failed)
    // comes back as duplicates, never as a second copy.
    assert.equal(r1.written + r2.written + r2.duplicates, want.size);
    assert.ok(r2.duplicates > 0, 'some of the failed batch was written before the failure');
  } finally {
    await real.close();
    await a.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

const metadataTo = (n: number): WireNewMetadata => ({
  'subject-type': 'point-to-point',
  source: '192.0.2.1',
  destination: `192.0.2.${n}`,
  'measurement-agent': '192.0.2.1',
  'tool-name': 'sink-concurrency',
  'input-source': 'a.example',
  'input-destination': `b${n}.example`,
  'event-types': [{ 'event-type': 'throughput', summaries: [] }],
});

test('the error reported is the first failed item in batch order, whichever request fails first', async () => {
  const a = await startArchive({ withUser: true });
  const real = createClient({ url: a.url, credentials: { apiKey: a.apiKey } });
  try {
    const keys = new Map<string, number>();
    const items: SinkItem[] = [];
    for (let n = 10; n < 20; n++) {
      const md = metadataTo(n);
      keys.set((await real.postMetadata(md)).key, n);
      items.push({ metadata: md, ts: 1_700_000_000 + n, values: [{ 'event-type': 'throughput', val: n * 1000 }] });
    }
    // Item 2 fails slowly, item 6 at once: completion order says 6, batch order says 2.
    const h = hooked(real, async (key) => {
      const n = keys.get(key);
      if (n === 12) {
        await sleep(60);
        throw new Error('failure of item 2');
      }
      if (n === 16) throw new Error('failure of item 6');
    });
    const sink = new ArchiveSink(h.client, { concurrency: 8 });
    await assert.rejects(sink.store(items), /failure of item 2/);
    assert.equal(h.inFlight(), 0);
  } finally {
    await real.close();
    await a.close();
  }
});

test('refusals are reported in item order and counts add up, however requests interleave', async () => {
  const a = await startArchive({ withUser: true });
  const real = createClient({ url: a.url, credentials: { apiKey: a.apiKey } });
  try {
    const items: SinkItem[] = [];
    for (let n = 30; n < 46; n++) {
      // Every 5th value is not a number: the archive refuses it (400).
      const val = n % 5 === 0 ? 'not a number' : n * 10;
      items.push({ metadata: metadataTo(n), ts: 1_700_000_100 + n, values: [{ 'event-type': 'throughput', val }] });
    }
    // Later items answer sooner, so completion order is the reverse of item order.
    const h = hooked(real, async (_key, ts) => sleep(Math.max(0, 1_700_000_146 - ts) * 3));
    const refused: number[] = [];
    const counts = await new ArchiveSink(h.client, { concurrency: 8 }).store(items, (i) => void refused.push(i));
    assert.deepStrictEqual(refused, [0, 5, 10, 15]);
    assert.deepStrictEqual(counts, { written: 12, duplicates: 0, metadata: 16 });
    const again = await new ArchiveSink(h.client, { concurrency: 8 }).store(items, () => {});
    assert.deepStrictEqual(again, { written: 0, duplicates: 12, metadata: 16 });
  } finally {
    await real.close();
    await a.close();
  }
});
