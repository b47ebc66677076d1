/**
 * The data writer's retry buffer and error reporting, and the `X-Esmond-Stored: 0` answer of a
 * write that stored nothing, against a scripted node:http server (the faults cannot be made to
 * happen on the real archive on demand).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ClientOptions, EsmondClient } from '../../src/query/types.js';
import { isDataWriterError, isHttpError, isNotStoredError } from '../../src/http/errors.js';
import { json, reply, script, withFaultClient, type FaultHandler, type FaultServer } from '../helpers/fault-server.js';

const KEY = 'a'.repeat(64);
const stored = (): ReturnType<typeof reply> => json('', 201);

async function withClient(
  handler: FaultHandler,
  opts: Partial<ClientOptions>,
  fn: (c: EsmondClient, s: FaultServer) => Promise<void>,
): Promise<void> {
  const unhandled: unknown[] = [];
  const onUnhandled = (e: unknown): void => void unhandled.push(e);
  process.on('unhandledRejection', onUnhandled);
  try {
    await withFaultClient(handler, opts, async (client, server) => {
      await fn(client, server);
      await new Promise((r) => setImmediate(r));
      assert.deepEqual(unhandled, [], 'no unhandled rejections');
    });
  } finally {
    process.off('unhandledRejection', onUnhandled);
  }
}

const sentTs = (s: FaultServer): number[][] =>
  s.requests.map((r) => (JSON.parse(r.body) as { data: { ts: number }[] }).data.map((d) => d.ts));

describe('DataWriter retry buffer', () => {
  test('a batch that failed with 503 is kept and sent again; nothing is lost', async () => {
    await withClient(script(reply(503), stored(), stored()), {}, async (c, s) => {
      const w = c.createDataWriter(KEY, { batchSize: 2 });
      void w.add(10, 'throughput', 1);
      void w.add(20, 'throughput', 2); // sends [10, 20]: 503
      void w.add(30, 'throughput', 3);
      await w.close(); // retries [10, 20], then sends [30]
      assert.deepEqual(sentTs(s), [[10, 20], [10, 20], [30]]);
    });
  });

  test('retries follow the policy limit, then flush reports the timestamps not stored (once)', async () => {
    await withClient(
      () => reply(503),
      { retries: 2 },
      async (c, s) => {
        const w = c.createDataWriter(KEY, { batchSize: 10 });
        for (const ts of [30, 10, 20]) void w.add(ts, 'throughput', ts);
        const err = await w.flush().catch((e: unknown) => e);
        assert.ok(isDataWriterError(err), String(err));
        assert.deepEqual(err.notStored, [10, 20, 30]);
        assert.ok(isHttpError(err.lastError) && err.lastError.status === 503);
        assert.match(err.message, /^3 timestamps not stored \(10 … 30\): Request failed with status 503/);
        assert.equal(s.requests.length, 3, 'one try and two retries');
        await w.close(); // reported already: nothing left to report
      },
    );
  });

  test('a status the policy does not retry (400) is reported at once, not retried', async () => {
    await withClient(script(json({ detail: 'bad value' }, 400), stored()), {}, async (c, s) => {
      const w = c.createDataWriter(KEY, { batchSize: 1 });
      await w.add(10, 'throughput', 1); // resolves: the failure waits for flush
      await w.add(20, 'throughput', 2);
      await assert.rejects(
        w.close(),
        (e: unknown) =>
          isDataWriterError(e) && e.notStored.length === 1 && e.notStored[0] === 10 && /bad value/.test(e.message),
      );
      assert.deepEqual(sentTs(s), [[10], [20]]);
    });
  });

  test('the retry buffer is bounded: the oldest batches are given up and reported', async () => {
    await withClient(
      () => reply(503),
      { retries: 5 },
      async (c) => {
        const w = c.createDataWriter(KEY, { batchSize: 1, maxRetryBuffer: 2 });
        for (const ts of [1, 2, 3, 4, 5]) await w.add(ts, 'throughput', ts);
        const err = await w.close().catch((e: unknown) => e);
        assert.ok(isDataWriterError(err));
        assert.deepEqual(err.notStored, [1, 2, 3, 4, 5]);
      },
    );
  });

  test('409 on a retry means the lost answer of an earlier attempt was a success', async () => {
    await withClient(script(reply(502), json({ detail: 'already exists' }, 409)), {}, async (c, s) => {
      const w = c.createDataWriter(KEY);
      void w.add(10, 'throughput', 1);
      await w.close();
      assert.equal(s.requests.length, 2);
    });
  });

  test('bad input and a closed writer still reject add()', async () => {
    await withClient(stored, {}, async (c) => {
      const w = c.createDataWriter(KEY);
      await assert.rejects(w.add(1.5, 'throughput', 1), /integer UNIX timestamp/);
      await w.close();
      await assert.rejects(w.add(2, 'throughput', 1), /closed/);
    });
  });
});

describe('X-Esmond-Stored: 0 (a 201 that stored nothing)', () => {
  const notStored = (): ReturnType<typeof reply> => json('', 201, { 'x-esmond-stored': '0' });

  test('putBulk and postPoint throw NotStoredError', async () => {
    await withClient(notStored, {}, async (c) => {
      await assert.rejects(
        c.putBulk(KEY, [{ ts: 1, val: [{ 'event-type': 'throughput', val: 1 }] }]),
        (e: unknown) => isNotStoredError(e) && e.status === 201 && /stored nothing/.test(e.message),
      );
      await assert.rejects(c.postPoint(KEY, 'throughput', { ts: 1, val: 1 }), isNotStoredError);
    });
  });

  test('X-Esmond-Stored: 1 and no header are successes', async () => {
    await withClient(script(json('', 201, { 'x-esmond-stored': '1' }), stored()), {}, async (c) => {
      await c.postPoint(KEY, 'throughput', { ts: 1, val: 1 });
      await c.postPoint(KEY, 'throughput', { ts: 2, val: 1 });
    });
  });

  test('the DataWriter reports the batch as not stored, without retrying it', async () => {
    await withClient(notStored, {}, async (c, s) => {
      const w = c.createDataWriter(KEY);
      void w.add(7, 'throughput', 1);
      const err = await w.close().catch((e: unknown) => e);
      assert.ok(isDataWriterError(err) && isNotStoredError(err.lastError));
      assert.deepEqual(err.notStored, [7]);
      assert.equal(s.requests.length, 1);
    });
  });
});
