import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createClient } from '../../src/client.js';
import { isNetworkError } from '../../src/http/errors.js';
import { startSelfSignedServer } from '../helpers/self-signed-server.js';

/** The server's own certificate: trusted as a private CA (`ca`), it verifies. */
const CERT = readFileSync(new URL('./fixtures/selfsigned-cert.pem', import.meta.url), 'utf8');

async function listAll(client: ReturnType<typeof createClient>): Promise<unknown[]> {
  const out = [];
  for await (const m of client.searchMetadata()) out.push(m);
  return out;
}

for (const httpEngine of ['undici', 'node'] as const) {
  test(`TLS is verified by default; tlsVerify: false opts out; ca trusts a private CA (${httpEngine})`, async () => {
    const server = await startSelfSignedServer();
    const url = `${server.url}/esmond`;
    const strict = createClient({ url, httpEngine, retry: { limit: 0 } });
    const lax = createClient({ url, httpEngine, tlsVerify: false });
    const trusting = createClient({ url, httpEngine, ca: CERT });
    try {
      const err = await strict.getMetadata('k').catch((e: unknown) => e);
      assert.ok(isNetworkError(err), String(err));
      assert.match(err.message, /tlsVerify: false/);
      assert.match(String(err.code), /SELF_SIGNED/);
      assert.deepEqual(await listAll(lax), []);
      assert.deepEqual(await listAll(trusting), []);
    } finally {
      await strict.close();
      await lax.close();
      await trusting.close();
      await server.close();
    }
  });
}
