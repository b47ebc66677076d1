// Authentication (archive-api.md: Writing) and the HTTP-level error answers: every 401, 405, 409, 413
// and 415 message, the body checks of archive-api.md: Writing, and address-based write permission.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startArchive, type TestArchive } from '../../helpers/archive.js';
import { closeRawAgent, jsonAuth, raw } from './raw-request.js';
import { testStores } from '../../helpers/stores.js';

for (const store of testStores()) {
  describe(`auth and errors (${store})`, () => {
    const NOW = 1_700_000_000;
    const md = {
      'subject-type': 'point-to-point',
      source: '10.1.1.1',
      destination: '10.1.1.2',
      'measurement-agent': '10.1.1.1',
      'event-types': [{ 'event-type': 'throughput' }],
    };
    const LIST = '/esmond/perfsonar/archive/';

    let a: TestArchive;
    let key: string;
    let ts = NOW - 10_000;
    const point = () => JSON.stringify({ ts: ++ts, val: 1 });

    before(async () => {
      a = await startArchive({ store, now: () => NOW * 1000, app: { maxBodyBytes: 4096 } });
      const r = await raw(a.url, 'POST', LIST, { headers: jsonAuth(a.apiKey), body: JSON.stringify(md) });
      assert.equal(r.status, 201, r.text);
      key = (r.json() as { 'metadata-key': string })['metadata-key'];
    });

    after(async () => {
      closeRawAgent();
      await a.close();
    });

    const base = () => `${LIST}${key}/throughput/base`;

    describe('authentication', () => {
      test('a write without credentials: 401 with WWW-Authenticate: Token', async () => {
        for (const [method, path] of [
          ['POST', LIST],
          ['POST', `/perfsonar/archive/`],
          ['PUT', `${LIST}${key}/`],
          ['POST', base()],
          ['DELETE', `${LIST}${key}/`],
          ['PATCH', `${LIST}${key}/`],
          ['PUT', LIST],
        ] as const) {
          const r = await raw(a.url, method, path, { headers: { 'Content-Type': 'application/json' }, body: point() });
          assert.equal(r.status, 401, `${method} ${path}`);
          assert.equal(r.headers['www-authenticate'], 'Token');
          assert.equal(r.headers['content-type'], 'application/json');
          assert.deepEqual(r.json(), { detail: 'Authentication credentials were not provided.' });
        }
      });

      test('Token keyword is case-insensitive', async () => {
        for (const word of ['Token', 'token', 'TOKEN']) {
          const r = await raw(a.url, 'POST', base(), {
            headers: { Authorization: `${word} ${a.apiKey}`, 'Content-Type': 'application/json' },
            body: point(),
          });
          assert.equal(r.status, 201, `${word}: ${r.text}`);
        }
      });

      test('ApiKey user:key works too; a wrong user or key does not', async () => {
        const ok = await raw(a.url, 'POST', base(), {
          headers: { Authorization: `ApiKey test-writer:${a.apiKey}`, 'Content-Type': 'application/json' },
          body: point(),
        });
        assert.equal(ok.status, 201, ok.text);
        for (const header of [`ApiKey someone-else:${a.apiKey}`, 'ApiKey test-writer:wrong']) {
          const r = await raw(a.url, 'POST', base(), {
            headers: { Authorization: header, 'Content-Type': 'application/json' },
            body: point(),
          });
          assert.equal(r.status, 401, header);
          assert.deepEqual(r.json(), { detail: 'Invalid token.' });
        }
        const malformed = await raw(a.url, 'POST', base(), {
          headers: { Authorization: `ApiKey ${a.apiKey}`, 'Content-Type': 'application/json' },
          body: point(),
        });
        assert.equal(malformed.status, 401);
      });

      test('bad Token headers are 401 even on GET (esmond behaviour)', async () => {
        const cases: Array<[string, string]> = [
          ['Token', 'Invalid token header. No credentials provided.'],
          ['token   ', 'Invalid token header. No credentials provided.'],
          [`Token ${a.apiKey} extra`, 'Invalid token header. Token string should not contain spaces.'],
          ['Token not-a-key', 'Invalid token.'],
        ];
        for (const [header, detail] of cases) {
          for (const method of ['GET', 'POST']) {
            const r = await raw(a.url, method, method === 'GET' ? LIST : base(), {
              headers: { Authorization: header, 'Content-Type': 'application/json' },
              body: method === 'GET' ? undefined : point(),
            });
            assert.equal(r.status, 401, `${method} ${header}`);
            assert.equal(r.headers['www-authenticate'], 'Token');
            assert.deepEqual(r.json(), { detail });
          }
        }
      });

      test('other schemes are ignored: reads work, writes are unauthenticated', async () => {
        const headers = { Authorization: 'Basic dXNlcjpwYXNz', 'Content-Type': 'application/json' };
        assert.equal((await raw(a.url, 'GET', LIST, { headers })).status, 200);
        const w = await raw(a.url, 'POST', base(), { headers, body: point() });
        assert.equal(w.status, 401);
        assert.deepEqual(w.json(), { detail: 'Authentication credentials were not provided.' });
      });

      test('a valid token on a GET is fine', async () => {
        const r = await raw(a.url, 'GET', LIST, { headers: { Authorization: `Token ${a.apiKey}` } });
        assert.equal(r.status, 200);
      });
    });

    describe('405: methods a route does not serve (auth first)', () => {
      const cases = (): Array<[string, string]> => [
        ['PUT', LIST],
        ['DELETE', LIST],
        ['PATCH', LIST],
        ['POST', `${LIST}${key}/`],
        ['PUT', `${LIST}${key}/throughput/`],
        ['DELETE', `${LIST}${key}/throughput/`],
        ['PUT', base()],
        ['DELETE', base()],
        ['PUT', '/esmond/perfsonar/'],
        ['POST', '/esmond/perfsonar/'],
        ['GET', '/esmond/perfsonar/pscheduler/'],
      ];
      test('with credentials: 405 "Method \\"X\\" not allowed." and Allow', async () => {
        for (const [method, path] of cases()) {
          const r = await raw(a.url, method, path, { headers: jsonAuth(a.apiKey), body: '{}' });
          assert.equal(r.status, 405, `${method} ${path}`);
          assert.deepEqual(r.json(), { detail: `Method "${method}" not allowed.` });
          assert.ok((r.headers.allow ?? '').length > 0);
          assert.ok(!(r.headers.allow ?? '').split(', ').includes(method));
        }
      });
      test('without credentials: unsafe methods get 401 first', async () => {
        for (const [method, path] of cases()) {
          if (method === 'GET') continue;
          const r = await raw(a.url, method, path, { body: '{}' });
          assert.equal(r.status, 401, `${method} ${path}`);
        }
      });
    });

    describe('409 duplicate base point', () => {
      test('single POST and bulk PUT', async () => {
        const body = JSON.stringify({ ts: NOW - 5, val: 10 });
        assert.equal((await raw(a.url, 'POST', base(), { headers: jsonAuth(a.apiKey), body })).status, 201);
        const again = await raw(a.url, 'POST', base(), { headers: jsonAuth(a.apiKey), body });
        assert.equal(again.status, 409);
        assert.equal(again.headers['content-type'], 'application/json');
        assert.deepEqual(again.json(), {
          detail: `Time series value already exists with event type throughput at time ${NOW - 5}`,
        });
        const bulk = await raw(a.url, 'PUT', `${LIST}${key}/`, {
          headers: jsonAuth(a.apiKey),
          body: JSON.stringify({ data: [{ ts: NOW - 5, val: [{ 'event-type': 'throughput', val: 11 }] }] }),
        });
        assert.equal(bulk.status, 409);
      });
    });

    describe('body checks', () => {
      test('metadata POST: 415 for a non-JSON type or none', async () => {
        for (const ct of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
          const r = await raw(a.url, 'POST', LIST, {
            headers: { Authorization: `Token ${a.apiKey}`, 'Content-Type': ct },
            body: JSON.stringify(md),
          });
          assert.equal(r.status, 415, ct);
          assert.deepEqual(r.json(), { detail: `Unsupported media type "${ct}" in request.` });
        }
        const none = await raw(a.url, 'POST', LIST, {
          headers: { Authorization: `Token ${a.apiKey}` },
          body: JSON.stringify(md),
        });
        assert.equal(none.status, 415);
        assert.deepEqual(none.json(), { detail: 'Unsupported media type "" in request.' });
      });

      test('metadata POST: JSON with parameters is fine; malformed JSON is 400 "JSON parse error - …"', async () => {
        const ok = await raw(a.url, 'POST', LIST, {
          headers: { Authorization: `Token ${a.apiKey}`, 'Content-Type': 'application/json; charset=utf-8' },
          body: JSON.stringify(md),
        });
        assert.equal(ok.status, 201);
        const bad = await raw(a.url, 'POST', LIST, { headers: jsonAuth(a.apiKey), body: '{"subject-type": ' });
        assert.equal(bad.status, 400);
        assert.match((bad.json() as { detail: string }).detail, /^JSON parse error - ./);
        const empty = await raw(a.url, 'POST', LIST, { headers: jsonAuth(a.apiKey), body: '' });
        assert.equal(empty.status, 400);
        assert.deepEqual(empty.json(), { detail: 'Missing subject-type field in request' });
      });

      test('data POST and PUT: content type, empty body and JSON messages', async () => {
        for (const [method, path] of [
          ['POST', base()],
          ['PUT', `${LIST}${key}/`],
          ['POST', `${LIST}${key}/throughput/`],
        ] as const) {
          const ct = await raw(a.url, method, path, {
            headers: { Authorization: `Token ${a.apiKey}`, 'Content-Type': 'text/plain' },
            body: point(),
          });
          assert.equal(ct.status, 400, `${method} ${path}`);
          assert.deepEqual(ct.json(), {
            detail: 'Must post content-type: application/json header and json-formatted payload.',
          });
          const empty = await raw(a.url, method, path, { headers: jsonAuth(a.apiKey), body: '' });
          assert.equal(empty.status, 400);
          assert.deepEqual(empty.json(), { detail: 'No data payload POSTed.' });
          const bad = await raw(a.url, method, path, { headers: jsonAuth(a.apiKey), body: '{ts:1}' });
          assert.equal(bad.status, 400);
          assert.deepEqual(bad.json(), {
            detail: 'POST data payload could not be decoded to a JSON object - given: {ts:1}',
          });
        }
      });

      test('413 above the body limit (the connection is closed)', async () => {
        const big = JSON.stringify({ ts: 1, val: 'x'.repeat(5000) });
        const r = await raw(a.url, 'POST', base(), { headers: jsonAuth(a.apiKey), body: big });
        assert.equal(r.status, 413);
        assert.equal(r.headers['content-type'], 'application/json');
        assert.equal(r.headers.connection, 'close');
        // The server still serves the next request.
        assert.equal((await raw(a.url, 'GET', LIST)).status, 200);
      });

      test('a bad Host header is 400, not 500', async () => {
        const r = await raw(a.url, 'GET', LIST, { headers: { Host: 'a b/c' } });
        assert.equal(r.status, 400);
      });
    });

    describe('address-based write permission', () => {
      test('a trusted address writes without a key; X-Forwarded-For counts only from trusted proxies', async () => {
        const b = await startArchive({ store, now: () => NOW * 1000, app: { writers: ['127.0.0.1/32'] } });
        const c = await startArchive({ store, now: () => NOW * 1000, app: { writers: ['10.9.9.9'] } });
        const d = await startArchive({
          store,
          now: () => NOW * 1000,
          app: { writers: ['10.9.9.9'], trustedProxies: ['127.0.0.0/8'] },
        });
        try {
          const headers = { 'Content-Type': 'application/json' };
          assert.equal((await raw(b.url, 'POST', LIST, { headers, body: JSON.stringify(md) })).status, 201);
          const spoof = { ...headers, 'X-Forwarded-For': '10.9.9.9' };
          assert.equal((await raw(c.url, 'POST', LIST, { headers: spoof, body: JSON.stringify(md) })).status, 401);
          assert.equal((await raw(d.url, 'POST', LIST, { headers: spoof, body: JSON.stringify(md) })).status, 201);
          // A presented bad token still fails, trusted address or not.
          const bad = { ...headers, Authorization: 'Token nope' };
          assert.equal((await raw(b.url, 'POST', LIST, { headers: bad, body: JSON.stringify(md) })).status, 401);
        } finally {
          await Promise.all([b.close(), c.close(), d.close()]);
        }
      });
    });

    describe('behind a TLS-terminating proxy', () => {
      test('X-Forwarded-Proto sets the scheme of emitted URLs, but only from a trusted proxy', async () => {
        const trusted = await startArchive({ store, now: () => NOW * 1000, app: { trustedProxies: ['127.0.0.0/8'] } });
        const untrusted = await startArchive({ store, now: () => NOW * 1000, app: { trustedProxies: ['10.0.0.0/8'] } });
        try {
          const headers = { ...jsonAuth(trusted.apiKey), 'X-Forwarded-Proto': 'https' };
          const viaProxy = await raw(trusted.url, 'POST', LIST, { headers, body: JSON.stringify(md) });
          assert.equal(viaProxy.status, 201);
          assert.match(
            String(viaProxy.headers.location),
            /^https:\/\/127\.0\.0\.1:\d+\/esmond\/perfsonar\/archive\/[0-9a-f]{32}\/$/,
          );
          const spoofed = await raw(untrusted.url, 'POST', LIST, {
            headers: { ...jsonAuth(untrusted.apiKey), 'X-Forwarded-Proto': 'https' },
            body: JSON.stringify(md),
          });
          assert.equal(spoofed.status, 201);
          assert.match(String(spoofed.headers.location), /^http:\/\//);
        } finally {
          await Promise.all([trusted.close(), untrusted.close()]);
        }
      });
    });
  });
}
