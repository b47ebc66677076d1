import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createClient } from '../../src/client.js';
import { isNetworkError } from '../../src/http/errors.js';
import { startSelfSignedServer } from '../helpers/self-signed-server.js';

test('TLS is verified by default; tlsVerify: false opts out', async () => {
  const server = await startSelfSignedServer();
  const url = `${server.url}/esmond`;
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
    await server.close();
  }
});
