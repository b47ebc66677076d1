/**
 * The client's side of compressed answers, against a scripted node:http server (the real archive's
 * side is in test/archive/http/compression.test.ts): what it asks for, gzip and br decoded as a
 * stream, and every broken body (corrupt, truncated, a bomb, an encoding never asked for) a typed
 * error rather than "no data".
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { createTransport, type TransportOptions } from '../../src/http/transport.js';
import { isResponseError, isTimeoutError } from '../../src/http/errors.js';
import { reply, script, startFaultServer, type FaultHandler, type FaultReply } from '../helpers/fault-server.js';

const POINTS = Array.from({ length: 2000 }, (_, i) => ({ ts: 1_700_000_000 + i, val: 9_000_000_000 + i * 7 }));

/** A JSON answer whose body is `bytes` with `encoding`. */
function encoded(bytes: Buffer, encoding: string): FaultReply {
  return reply(200, bytes, { 'content-type': 'application/json', 'content-encoding': encoding });
}

/** Every test runs on both HTTP engines: they must behave alike. */
for (const engine of ['undici', 'node'] as const) {
  async function withServer(
    handler: FaultHandler,
    opts: TransportOptions,
    fn: (ctx: {
      url: string;
      t: ReturnType<typeof createTransport>;
      requests: Awaited<ReturnType<typeof startFaultServer>>['requests'];
    }) => Promise<void>,
  ): Promise<void> {
    const server = await startFaultServer(handler);
    // The scripted server is on loopback, which the default ('auto') asks for nothing: ask.
    const t = createTransport({ engine, sleep: async () => undefined, compression: true, ...opts });
    try {
      await fn({ url: `${server.url}/esmond/perfsonar/archive/`, t, requests: server.requests });
    } finally {
      await t.close();
      await server.close();
    }
  }

  /** The error `p` rejects with (fails when it resolves). */
  async function rejection(p: Promise<unknown>): Promise<unknown> {
    return p.then(
      () => assert.fail('should throw'),
      (e: unknown) => e,
    );
  }

  describe(`compressed answers (${engine})`, () => {
    const text = JSON.stringify(POINTS);

    test('asks for gzip and br, and decodes a gzip body', async () => {
      await withServer(script(encoded(gzipSync(text), 'gzip')), {}, async ({ url, t, requests }) => {
        const r = await t.sendJson({ url });
        assert.deepEqual(r.json, POINTS);
        assert.equal(requests[0]?.headers['accept-encoding'], 'gzip, br');
      });
    });

    test('decodes br bodies, one after another on the pooled connection', async () => {
      await withServer(
        () => encoded(brotliCompressSync(text), 'br'),
        {},
        async ({ url, t }) => {
          assert.deepEqual((await t.sendJson({ url })).json, POINTS);
          assert.deepEqual((await t.sendJson({ url })).json, POINTS);
        },
      );
    });

    test('by default a loopback archive is asked for nothing (compressing there costs more than it saves)', async () => {
      await withServer(
        script(reply(200, text, { 'content-type': 'application/json' })),
        { compression: 'auto' },
        async ({ url, t, requests }) => {
          assert.match(url, /^http:\/\/127\.0\.0\.1:/);
          assert.deepEqual((await t.sendJson({ url })).json, POINTS);
          assert.equal(requests[0]?.headers['accept-encoding'], undefined);
        },
      );
    });

    test('compression: false asks for nothing (as the Python client did) and reads plain bodies', async () => {
      await withServer(
        script(reply(200, text, { 'content-type': 'application/json' })),
        { compression: false },
        async ({ url, t, requests }) => {
          assert.deepEqual((await t.sendJson({ url })).json, POINTS);
          assert.equal(requests[0]?.headers['accept-encoding'], undefined);
        },
      );
    });

    test('an error answer is decoded too, so its detail reaches the message', async () => {
      const body = gzipSync(JSON.stringify({ detail: 'no such series' }));
      await withServer(
        script(reply(404, body, { 'content-type': 'application/json', 'content-encoding': 'gzip' })),
        {},
        async ({ url, t }) => {
          const err = await rejection(t.sendJson({ url }));
          assert.match(String(err), /404 Not Found.*\(no such series\)/);
        },
      );
    });

    test('a corrupt gzip body is a ResponseError, not retried', async () => {
      const bad = gzipSync(text);
      bad.fill(0x41, 40, 80);
      await withServer(
        () => encoded(bad, 'gzip'),
        {},
        async ({ url, t, requests }) => {
          const err = await rejection(t.sendJson({ url }));
          assert.ok(isResponseError(err), String(err));
          assert.match(err.message, /^Invalid response \(corrupt gzip body: .+\): GET http/);
          assert.equal(requests.length, 1);
        },
      );
    });

    test('a truncated br body (the stream ends early) is a ResponseError', async () => {
      const cut = brotliCompressSync(text).subarray(0, 200);
      await withServer(
        () => encoded(cut, 'br'),
        {},
        async ({ url, t }) => {
          const err = await rejection(t.sendJson({ url }));
          assert.ok(isResponseError(err), String(err));
          assert.match(err.message, /corrupt br body/);
        },
      );
    });

    test('a decompression bomb stops at the decoded limit with a ResponseError', async () => {
      // 32 MiB of zeros gzip to about 32 KB.
      const bomb = gzipSync(Buffer.alloc(32 * 1024 * 1024), { level: 1 });
      assert.ok(bomb.length < 200_000);
      await withServer(
        () => encoded(bomb, 'gzip'),
        { maxBodyBytes: 1024 * 1024 },
        async ({ url, t, requests }) => {
          const err = await rejection(t.sendJson({ url }));
          assert.ok(isResponseError(err), String(err));
          assert.match(err.message, /larger than the limit of 1048576 bytes once decoded/);
          assert.equal(requests.length, 1);
        },
      );
    });

    test('the limit applies to a plain body as well', async () => {
      await withServer(
        script(reply(200, text, { 'content-type': 'application/json' })),
        { maxBodyBytes: 1000 },
        async ({ url, t }) => {
          const err = await rejection(t.sendJson({ url }));
          assert.ok(isResponseError(err), String(err));
          assert.match(err.message, /larger than the limit of 1000 bytes\)/);
        },
      );
    });

    test('an encoding never asked for is a ResponseError', async () => {
      await withServer(script(encoded(Buffer.from(text), 'zstd')), {}, async ({ url, t }) => {
        const err = await rejection(t.sendJson({ url }));
        assert.ok(isResponseError(err), String(err));
        assert.match(err.message, /unsupported Content-Encoding: zstd/);
      });
    });

    test('a compressed body that stalls mid-way times out per chunk, and is retried', async () => {
      const partial = gzipSync(text).subarray(0, 100);
      await withServer(
        script(
          {
            kind: 'stall-body',
            status: 200,
            headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
            partial,
          },
          encoded(gzipSync(text), 'gzip'),
        ),
        { timeoutMs: 200 },
        async ({ url, t, requests }) => {
          assert.deepEqual((await t.sendJson({ url })).json, POINTS);
          assert.equal(requests.length, 2);
        },
      );
      await withServer(
        () => ({
          kind: 'stall-body',
          status: 200,
          headers: { 'content-type': 'application/json', 'content-encoding': 'br' },
          partial: brotliCompressSync(text).subarray(0, 50),
        }),
        { timeoutMs: 500, retry: { limit: 0 } },
        async ({ url, t }) => {
          const err = await rejection(t.sendJson({ url }));
          assert.ok(isTimeoutError(err), String(err));
          assert.equal(err.phase, 'body');
        },
      );
    });
  });
}
