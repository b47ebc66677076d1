import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { createClient } from '../../src/query/client.js';
import { isNetworkError } from '../../src/http/errors.js';

// A throwaway self-signed certificate for 127.0.0.1, used only by this test.
const fixture = (name: string): Buffer => readFileSync(new URL(`./fixtures/${name}`, import.meta.url));

test('TLS is verified by default; tlsVerify: false opts out', async () => {
  const server = createServer(
    { key: fixture('selfsigned-key.pem'), cert: fixture('selfsigned-cert.pem') },
    (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('[]');
    },
  );
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/esmond`;
  const strict = createClient({ url, retry: { limit: 0 } });
  const lax = createClient({ url, tlsVerify: false });
  try {
    const err = await strict.getMetadata('k').catch((e: unknown) => e);
    assert.ok(isNetworkError(err), String(err));
    assert.match(err.message, /tlsVerify: false/);
    assert.match(String(err.code), /SELF_SIGNED/);
    assert.deepEqual(
      await (async () => {
        const out = [];
        for await (const m of lax.searchMetadata()) out.push(m);
        return out;
      })(),
      [],
    );
  } finally {
    await strict.close();
    await lax.close();
    server.closeAllConnections();
    server.close();
  }
});
