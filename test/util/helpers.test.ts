/** The shared helpers of src/util: time limit, bounded pool, DNS, reverse-DNS cache, atomic writes. */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { withTimeout } from '../../src/util/timeout.js';
import { pool } from '../../src/util/pool.js';
import { hostResolves, lookupAddress, systemForwardResolver, systemReverseResolver } from '../../src/util/dns.js';
import { createHostnameCache } from '../../src/util/hostnames.js';
import {
  removeAtomic,
  tempPathOf,
  writeFileAtomic,
  writeFileAtomicSync,
  writeJsonAtomic,
} from '../../src/util/atomic-write.js';

const never = <T>(): Promise<T> => new Promise<T>(() => undefined);

// The time limits' timers are unref'd (they never keep a tool alive) and a promise that never
// settles holds nothing either: this interval keeps the file's event loop running while a test
// waits for a limit, or node's runner cancels the waiting tests.
const alive = setInterval(() => undefined, 1000);
after(() => {
  clearInterval(alive);
});

describe('withTimeout', () => {
  test('the work wins when it settles first; the fallback when the limit passes first', async () => {
    assert.equal(await withTimeout(Promise.resolve('answer'), 1000, 'late'), 'answer');
    assert.equal(await withTimeout(never<string>(), 5, 'late'), 'late');
    await assert.rejects(withTimeout(Promise.reject(new Error('boom')), 1000, 'late'), /boom/);
  });
});

describe('pool', () => {
  test('runs every item, at most `limit` at a time', async () => {
    let inFlight = 0;
    let peak = 0;
    const seen: number[] = [];
    await pool([1, 2, 3, 4, 5, 6, 7], 3, async (item, index) => {
      assert.equal(item, index + 1);
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((r) => setImmediate(r));
      seen.push(item);
      inFlight--;
    });
    assert.equal(peak, 3);
    assert.deepEqual([...seen].sort(), [1, 2, 3, 4, 5, 6, 7]);
  });

  test('after a failure nothing new starts; it rejects with the lowest-indexed failure once all in flight ended', async () => {
    const started: number[] = [];
    let running = 0;
    await assert.rejects(
      pool([0, 1, 2, 3, 4, 5], 2, async (i) => {
        started.push(i);
        running++;
        await new Promise((r) => setTimeout(r, i === 0 ? 20 : 1));
        running--;
        if (i <= 1) throw new Error(`fail ${i}`);
      }),
      /fail 0/,
    );
    assert.equal(running, 0);
    assert.deepEqual(started, [0, 1]);
  });

  test('`stop` ends taking items; the empty list runs nothing', async () => {
    const done: number[] = [];
    await pool(
      [1, 2, 3, 4],
      1,
      async (i) => {
        done.push(i);
      },
      { stop: () => done.length >= 2 },
    );
    assert.deepEqual(done, [1, 2]);
    await pool([], 4, () => Promise.reject(new Error('never called')));
  });
});

describe('system resolver (hosts file only: localhost, 127.0.0.1)', () => {
  test('forward: localhost is 127.0.0.1; a name that is invalid resolves to nothing, without a throw', async () => {
    assert.equal(await lookupAddress('localhost', 4), '127.0.0.1');
    assert.equal(await systemForwardResolver(2000)('localhost', 4), '127.0.0.1');
    assert.equal(await hostResolves('localhost'), true);
    assert.equal(await lookupAddress('bad name with spaces', 4, 500), undefined);
  });
  test('reverse: 127.0.0.1 has a name in the hosts file', async () => {
    assert.equal(typeof (await systemReverseResolver('127.0.0.1')), 'string');
  });
});

describe('hostname cache', () => {
  test('looks up each IP once (resolve and prefetch share it); names and failures show the value itself', async () => {
    const asked: string[] = [];
    const cache = createHostnameCache(async (ip) => {
      asked.push(ip);
      if (ip === '192.0.2.9') throw new Error('SERVFAIL');
      return ip === '192.0.2.1' ? 'one.example.net' : undefined;
    });
    assert.equal(cache.lookup('192.0.2.1'), '192.0.2.1', 'unknown before a lookup');
    const [a, b] = await Promise.all([cache.resolve('192.0.2.1'), cache.resolve('192.0.2.1')]);
    assert.equal(a, 'one.example.net');
    assert.equal(b, 'one.example.net');
    await cache.prefetch(['192.0.2.1', '192.0.2.2', '192.0.2.9', 'host.example.net', null, undefined, '']);
    assert.equal(await cache.resolve('host.example.net'), 'host.example.net');
    assert.deepEqual(asked, ['192.0.2.1', '192.0.2.2', '192.0.2.9']);
    assert.equal(cache.lookup('192.0.2.1'), 'one.example.net');
    assert.equal(cache.lookup('192.0.2.2'), '192.0.2.2');
    assert.equal(cache.lookup('192.0.2.9'), '192.0.2.9');
  });
  test('a lookup that never answers ends at the limit with the IP', async () => {
    const cache = createHostnameCache(never, { timeoutMs: 10 });
    assert.equal(await cache.resolve('2001:db8::5'), '2001:db8::5');
  });
});

describe('atomic writes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'esmond-atomic-'));
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  test('replace the content, leave no temporary file, honour the mode', async () => {
    const p = join(dir, 'state.json');
    await writeFileAtomic(p, 'one\n');
    await writeJsonAtomic(p, { two: 2 });
    assert.equal(readFileSync(p, 'utf8'), '{\n  "two": 2\n}\n');
    writeFileAtomicSync(p, 'three\n', { mode: 0o600 });
    assert.equal(readFileSync(p, 'utf8'), 'three\n');
    assert.deepEqual(readdirSync(dir), ['state.json']);
    assert.equal(statSync(p).mode & 0o777, 0o600);
  });

  test('a write into a missing directory fails and leaves the old file alone; removeAtomic removes a leftover temp file', async () => {
    const p = join(dir, 'kept.json');
    await writeFileAtomic(p, 'old\n');
    await assert.rejects(writeFileAtomic(join(dir, 'missing', 'x.json'), 'new\n'), { code: 'ENOENT' });
    assert.equal(readFileSync(p, 'utf8'), 'old\n');
    writeFileAtomicSync(tempPathOf(p), 'left by a killed writer');
    await removeAtomic(p);
    assert.equal(readdirSync(dir).includes('kept.json') || readdirSync(dir).includes('kept.json.tmp'), false);
  });
});
