import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTransport, type TransportOptions } from '../../src/http/transport.js';
import {
  HttpError,
  isHttpError,
  isNetworkError,
  isResponseError,
  isTimeoutError,
  NetworkError,
  ResponseError,
  TimeoutError,
} from '../../src/http/errors.js';
import { closedPort, json, reply, script, startFaultServer, type FaultHandler } from '../helpers/fault-server.js';

/** Every test runs on both HTTP engines: they must behave alike. */
for (const engine of ['undici', 'node'] as const) {
  /** Runs `fn` against a fault server and a transport whose sleeps are recorded, not waited. */
  async function withServer(
    handler: FaultHandler,
    opts: TransportOptions,
    fn: (ctx: {
      url: string;
      t: ReturnType<typeof createTransport>;
      delays: number[];
      requests: Awaited<ReturnType<typeof startFaultServer>>['requests'];
    }) => Promise<void>,
  ): Promise<void> {
    const server = await startFaultServer(handler);
    const delays: number[] = [];
    const t = createTransport({ engine, sleep: async (ms) => void delays.push(ms), random: () => 0.5, ...opts });
    try {
      await fn({ url: `${server.url}/esmond/perfsonar/archive/`, t, delays, requests: server.requests });
    } finally {
      await t.close();
      await server.close();
    }
  }

  describe(`transport retries (${engine})`, () => {
    test('503 then success is retried with backoff', async () => {
      await withServer(script(reply(503), reply(503), json([1])), {}, async ({ url, t, delays, requests }) => {
        const r = await t.sendJson({ url });
        assert.deepEqual(r.json, [1]);
        assert.equal(requests.length, 3);
        // full jitter with random() = 0.5: 0.5 × 250·2^n
        assert.deepEqual(delays, [125, 250]);
      });
    });

    test('Retry-After seconds on 429 and 503 is honoured and capped by maxMs', async () => {
      await withServer(
        script(reply(429, '', { 'retry-after': '2' }), reply(503, '', { 'retry-after': '120' }), json({ ok: true })),
        { retry: { maxMs: 10_000 } },
        async ({ url, t, delays }) => {
          const r = await t.sendJson({ url });
          assert.deepEqual(r.json, { ok: true });
          assert.deepEqual(delays, [2000, 10_000]);
        },
      );
    });

    test('gives up after the limit and throws HttpError with status, body and detail', async () => {
      const seen: number[] = [];
      await withServer(
        () => json({ detail: 'down for maintenance' }, 503),
        { retry: { limit: 2 }, onRetry: (i) => seen.push(i.attempt) },
        async ({ url, t, requests }) => {
          const err = await t.sendJson({ url }).then(
            () => assert.fail('should throw'),
            (e: unknown) => e,
          );
          assert.ok(err instanceof HttpError && isHttpError(err));
          assert.equal(err.status, 503);
          assert.equal(err.detail, 'down for maintenance');
          assert.deepEqual(err.json, { detail: 'down for maintenance' });
          assert.match(
            err.message,
            /^Request failed with status 503 Service Unavailable: GET http:\/\/127\.0\.0\.1:\d+\/esmond\/perfsonar\/archive\/ \(down for maintenance\) \(3 attempts over \d+\.\d s\)$/,
          );
          assert.equal(requests.length, 3);
          assert.deepEqual(seen, [1, 2]);
        },
      );
    });

    test('404 is not retried', async () => {
      await withServer(
        () => json({ detail: 'Not found.' }, 404),
        {},
        async ({ url, t, requests }) => {
          await assert.rejects(t.sendJson({ url }), (e: unknown) => isHttpError(e) && e.status === 404);
          assert.equal(requests.length, 1);
        },
      );
    });

    test('a connection reset is retried', async () => {
      await withServer(script({ kind: 'reset' }, json(['ok'])), {}, async ({ url, t, delays }) => {
        const r = await t.sendJson({ url });
        assert.deepEqual(r.json, ['ok']);
        assert.equal(delays.length, 1);
      });
    });

    test('connection refused ends in NetworkError with the code, after retries', async () => {
      const port = await closedPort();
      const delays: number[] = [];
      const t = createTransport({ engine, sleep: async (ms) => void delays.push(ms), random: () => 0 });
      try {
        const err = await t.send({ url: `http://127.0.0.1:${port}/x` }).catch((e: unknown) => e);
        assert.ok(err instanceof NetworkError && isNetworkError(err));
        assert.equal(err.code, 'ECONNREFUSED');
        assert.match(err.message, /^Network error \(ECONNREFUSED\): GET http:\/\/127\.0\.0\.1:\d+\/x: /);
        assert.equal(delays.length, 3);
      } finally {
        await t.close();
      }
    });

    test('a stalled body ends in TimeoutError', async () => {
      const handler = (): ReturnType<FaultHandler> => ({
        kind: 'stall-body',
        status: 200,
        headers: { 'content-type': 'application/json' },
        partial: '[{"ts":1,',
      });
      await withServer(handler, { timeoutMs: 150, retry: { limit: 1 } }, async ({ url, t, requests }) => {
        const err = await t.sendJson({ url }).catch((e: unknown) => e);
        assert.ok(err instanceof TimeoutError && isTimeoutError(err));
        assert.equal(err.timeoutMs, 150);
        assert.match(err.message, /timed out after 150 ms waiting for body: GET /);
        assert.equal(requests.length, 2, 'timeouts are retried');
      });
    });

    test('no response headers ends in TimeoutError', async () => {
      await withServer(
        () => ({ kind: 'stall-headers' }),
        { timeoutMs: 150, retry: { limit: 0 } },
        async ({ url, t }) => {
          await assert.rejects(
            t.send({ url }),
            (e: unknown) => isTimeoutError(e) && /waiting for headers/.test(e.message),
          );
        },
      );
    });

    test('onRetry says which attempt comes next of how many; the final error says how many were made', async () => {
      const infos: Array<{ nextAttempt: number; maxAttempts: number; attempt: number }> = [];
      await withServer(
        () => reply(503),
        {
          retry: { limit: 2 },
          onRetry: ({ attempt, nextAttempt, maxAttempts, elapsedMs }) =>
            void (assert.ok(elapsedMs >= 0), infos.push({ attempt, nextAttempt, maxAttempts })),
        },
        async ({ url, t, requests }) => {
          const err = await t.send({ url }).catch((e: unknown) => e);
          assert.ok(isHttpError(err));
          assert.deepEqual(infos, [
            { attempt: 1, nextAttempt: 2, maxAttempts: 3 },
            { attempt: 2, nextAttempt: 3, maxAttempts: 3 },
          ]);
          assert.equal(requests.length, 3);
          assert.equal(err.attempts, 3);
          assert.match(err.message, / \(3 attempts over \d+\.\d s\)$/);
        },
      );
    });

    test('a request tried once has no attempts note', async () => {
      await withServer(
        () => reply(404),
        {},
        async ({ url, t }) => {
          const err = await t.send({ url }).catch((e: unknown) => e);
          assert.ok(isHttpError(err));
          assert.equal(err.attempts, 1);
          assert.doesNotMatch(err.message, /attempts/);
        },
      );
    });

    test('deadlineMs bounds a request with all its retries', async () => {
      const server = await startFaultServer(() => ({ kind: 'stall-headers' }));
      // Real sleeps: the deadline must also cover the backoff waits.
      const t = createTransport({ engine, timeoutMs: 150, deadlineMs: 400, retry: { limit: 20, baseMs: 1 } });
      try {
        const err = await t.send({ url: server.url }).catch((e: unknown) => e);
        assert.ok(isTimeoutError(err), String(err));
        assert.ok(server.requests.length < 21, `${server.requests.length} attempts despite the deadline`);
        assert.equal(err.attempts, server.requests.length);
        if (err.phase === 'deadline') assert.match(err.message, /^Request deadline of 400 ms passed: GET /);
      } finally {
        await t.close();
        await server.close();
      }
    });

    test('bad timeoutMs and deadlineMs are refused', () => {
      assert.throws(() => createTransport({ engine, timeoutMs: 0 }), /timeoutMs must be a positive/);
      assert.throws(() => createTransport({ engine, deadlineMs: -1 }), /deadlineMs must be a positive/);
      assert.throws(() => createTransport({ engine, timeoutMs: Number.NaN }), RangeError);
    });

    test('an abort signal stops a backoff wait', async () => {
      const server = await startFaultServer(() => reply(503));
      const t = createTransport({ engine, sleep: () => new Promise(() => undefined) });
      const ac = new AbortController();
      try {
        const p = t.send({ url: server.url, signal: ac.signal });
        setTimeout(() => {
          ac.abort(new Error('stop'));
        }, 20);
        await assert.rejects(p, /stop/);
      } finally {
        await t.close();
        await server.close();
      }
    });
  });

  describe(`transport response checks (${engine})`, () => {
    test('invalid JSON → ResponseError', async () => {
      await withServer(
        () => reply(200, '[{"ts":1', { 'content-type': 'application/json' }),
        {},
        async ({ url, t }) => {
          const err = await t.sendJson({ url }).catch((e: unknown) => e);
          assert.ok(err instanceof ResponseError && isResponseError(err));
          assert.match(err.message, /^Invalid response \(body is not valid JSON: .*\): GET http:/);
          assert.equal(err.status, 200);
        },
      );
    });

    test('HTML content type → ResponseError', async () => {
      await withServer(
        () => reply(200, '<html>login</html>', { 'content-type': 'text/html; charset=utf-8' }),
        {},
        async ({ url, t }) => {
          await assert.rejects(
            t.sendJson({ url }),
            (e: unknown) => isResponseError(e) && /expected application\/json, got text\/html/.test(e.message),
          );
        },
      );
    });

    test('a charset on application/json is accepted (B7)', async () => {
      await withServer(
        () => reply(200, '[]', { 'content-type': 'application/json; charset=utf-8' }),
        {},
        async ({ url, t }) => {
          assert.deepEqual((await t.sendJson({ url })).json, []);
        },
      );
    });

    test('an HTML 500 page still gives a one-line HttpError', async () => {
      await withServer(
        () => reply(500, '<html>\n<h1>Server Error</h1>\n</html>', { 'content-type': 'text/html' }),
        { retry: { limit: 0 } },
        async ({ url, t }) => {
          const err = await t.send({ url }).catch((e: unknown) => e);
          assert.ok(isHttpError(err));
          assert.equal(err.detail, undefined);
          assert.equal(err.body, '<html>\n<h1>Server Error</h1>\n</html>');
          assert.ok(!err.message.includes('\n'));
        },
      );
    });
  });

  describe(`transport writes and headers (${engine})`, () => {
    test('POST is not retried by default', async () => {
      await withServer(script(reply(503), reply(201, '""')), {}, async ({ url, t, requests }) => {
        await assert.rejects(
          t.send({ method: 'POST', url, body: { a: 1 } }),
          (e: unknown) => isHttpError(e) && e.status === 503,
        );
        assert.equal(requests.length, 1);
      });
    });

    test('POST is retried with retryWrites', async () => {
      await withServer(
        script(reply(503), reply(201, '""')),
        { retry: { retryWrites: true } },
        async ({ url, t, requests }) => {
          const r = await t.send({ method: 'POST', url, body: { a: 1 } });
          assert.equal(r.status, 201);
          assert.equal(requests.length, 2);
          assert.equal(requests[1]?.body, '{"a":1}');
          assert.equal(requests[1].headers['content-type'], 'application/json');
        },
      );
    });

    test('Token and ApiKey headers, User-Agent', async () => {
      await withServer(
        script(json([]), json([])),
        { credentials: { apiKey: 'k123' } },
        async ({ url, t, requests }) => {
          await t.sendJson({ url });
          assert.equal(requests[0]?.headers['authorization'], 'Token k123');
          assert.match(requests[0].headers['user-agent'] ?? '', /^esmond-client\/\d+\.\d+\.\d+/);
        },
      );
      await withServer(
        script(json([])),
        { credentials: { apiKey: 'k123', username: 'bob', scheme: 'ApiKey' } },
        async ({ url, t, requests }) => {
          await t.sendJson({ url });
          assert.equal(requests[0]?.headers['authorization'], 'ApiKey bob:k123');
        },
      );
    });

    test('credentials in the query are redacted in errors and onRetry, never the header', async () => {
      const urls: string[] = [];
      await withServer(
        () => reply(503, 'nope'),
        { credentials: { apiKey: 'sekrit' }, retry: { limit: 1 }, onRetry: (i) => urls.push(i.url) },
        async ({ url, t }) => {
          const err = await t
            .send({
              url,
              query: [
                ['api_key', 'sekrit'],
                ['source', '10.0.0.1'],
              ],
            })
            .catch((e: unknown) => e);
          assert.ok(isHttpError(err));
          assert.ok(!err.message.includes('sekrit'), err.message);
          assert.ok(!String(err.url).includes('sekrit'));
          assert.match(err.message, /api_key=REDACTED&source=10\.0\.0\.1/);
          assert.ok(!urls.some((u) => u.includes('sekrit')));
          assert.ok(!JSON.stringify(err).includes('sekrit'));
        },
      );
    });
  });
}
