// Hardening, each reproduced over real HTTP against a real archive: a forged
// X-Forwarded-For entry, cross-site writes with address trust, a 401 to a huge declared body,
// and a forged Host header echoed into emitted URLs.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { startArchive, type StartArchiveOptions, type TestArchive } from '../../helpers/archive.js';
import { closeRawAgent, jsonAuth, raw } from './raw-request.js';

const NOW = 1_700_000_000;
const LIST = '/esmond/perfsonar/archive/';
const md = (n: number) =>
  JSON.stringify({
    'subject-type': 'point-to-point',
    source: '10.1.1.1',
    destination: `10.1.2.${n}`,
    'measurement-agent': '10.1.1.1',
    'event-types': [{ 'event-type': 'throughput' }],
  });
const JSON_ONLY = { 'Content-Type': 'application/json' };
const opened: TestArchive[] = [];

async function archive(app: NonNullable<StartArchiveOptions['app']>): Promise<TestArchive> {
  const a = await startArchive({ now: () => NOW * 1000, app });
  opened.push(a);
  return a;
}

after(async () => {
  closeRawAgent();
  await Promise.all(opened.map((a) => a.close()));
});

describe('item 2: X-Forwarded-For behind a trusted proxy', () => {
  test('the client is the rightmost address that is not a trusted proxy', async () => {
    const a = await archive({ writers: ['10.9.9.9'], trustedProxies: ['127.0.0.1'] });
    const post = (xff: string, n: number) =>
      raw(a.url, 'POST', LIST, { headers: { ...JSON_ONLY, 'X-Forwarded-For': xff }, body: md(n) });
    // What nginx forwards when an outside client sends `X-Forwarded-For: 10.9.9.9` itself.
    const forged = await post('10.9.9.9, 203.0.113.7', 1);
    assert.equal(forged.status, 401, forged.text);
    assert.equal((await post('garbage, 203.0.113.7', 2)).status, 401);
    // The allowed client itself, directly behind the proxy, and behind two trusted hops.
    assert.equal((await post('10.9.9.9', 3)).status, 201);
    assert.equal((await post('203.0.113.7, 10.9.9.9, 127.0.0.1', 4)).status, 201);
  });
});

describe('item 6: CORS is for reads only', () => {
  test('a preflight never allows a write method', async () => {
    const a = await archive({ writers: ['127.0.0.1'] });
    const r = await raw(a.url, 'OPTIONS', LIST, {
      headers: { Origin: 'http://evil.example', 'Access-Control-Request-Method': 'PUT' },
    });
    assert.equal(r.status, 200);
    const methods = String(r.headers['access-control-allow-methods']).split(', ');
    assert.deepEqual(methods, ['GET', 'HEAD', 'OPTIONS']);
  });

  test('an address-authorised write from a foreign Origin is refused; a keyed one is not', async () => {
    const a = await archive({ writers: ['127.0.0.1'] });
    const foreign = { ...JSON_ONLY, Origin: 'http://evil.example' };
    const refused = await raw(a.url, 'POST', LIST, { headers: foreign, body: md(5) });
    assert.equal(refused.status, 403, refused.text);
    assert.deepEqual(refused.json(), { detail: 'Cross-origin writes need an API key.' });
    const keyed = await raw(a.url, 'POST', LIST, {
      headers: { ...jsonAuth(a.apiKey), Origin: 'http://evil.example' },
      body: md(5),
    });
    assert.equal(keyed.status, 201);
    const same = await raw(a.url, 'POST', LIST, { headers: { ...JSON_ONLY, Origin: a.url }, body: md(6) });
    assert.equal(same.status, 201);
    assert.equal((await raw(a.url, 'POST', LIST, { headers: JSON_ONLY, body: md(7) })).status, 201);
  });
});

describe('item 8: an early 401 does not read the body', () => {
  test('a PUT declaring 10 GiB gets 401 with Connection: close and the socket is closed', async () => {
    const a = await archive({});
    const port = Number(new URL(a.url).port);
    const socket = connect(port, '127.0.0.1');
    let text = '';
    socket.on('data', (d: Buffer) => (text += d.toString('latin1')));
    const closed = new Promise<void>((resolve) =>
      socket.on('close', () => {
        resolve();
      }),
    );
    socket.write(
      `PUT ${LIST}abc/ HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\n` +
        `Content-Length: ${10 * 1024 ** 3}\r\n\r\n{"data": [`,
    );
    // Keep sending slowly: the server must close on its own, not wait for 10 GiB.
    const feeder = setInterval(() => socket.writable && socket.write('0'.repeat(1024)), 20);
    await closed;
    clearInterval(feeder);
    assert.match(text, /^HTTP\/1\.1 401 /);
    assert.match(text, /\r\nConnection: close\r\n/i);
  });
});

describe('item 9: Host is not trusted', () => {
  type Md = { url: string; 'metadata-next-page'?: string | null };

  test('a foreign Host falls back to the bound address in url, Location and Link', async () => {
    const a = await archive({});
    for (let n = 10; n < 13; n++) {
      const w = await raw(a.url, 'POST', LIST, {
        headers: { ...jsonAuth(a.apiKey), Host: 'evil.example.com' },
        body: md(n),
      });
      assert.equal(w.status, 201);
      assert.ok(String(w.headers.location).startsWith(`${a.url}/`), String(w.headers.location));
    }
    const r = await raw(a.url, 'GET', `${LIST}?limit=1`, { headers: { Host: 'evil.example.com' } });
    assert.equal(r.status, 200);
    assert.doesNotMatch(r.text + String(r.headers.link), /evil/);
    const first = (r.json() as Md[])[0];
    assert.ok(first?.url.startsWith(`${a.url}/`));
    assert.ok(String(r.headers.link).includes(`<${a.url}/`));
    // The bound address itself and localhost on the same port are believed.
    const port = new URL(a.url).port;
    const local = await raw(a.url, 'GET', `${LIST}?limit=1`, { headers: { Host: `localhost:${port}` } });
    assert.ok((local.json() as Md[])[0]?.url.startsWith(`http://localhost:${port}/`));
  });

  test('--public-url wins; allowed hosts are believed', async () => {
    const pub = await archive({ publicUrl: 'https://archive.example.org' });
    const w = await raw(pub.url, 'POST', LIST, {
      headers: { ...jsonAuth(pub.apiKey), Host: 'evil.example.com' },
      body: md(20),
    });
    assert.ok(String(w.headers.location).startsWith('https://archive.example.org/esmond/perfsonar/archive/'));
    const allowed = await archive({ allowedHosts: ['ps.example.net'] });
    const r = await raw(allowed.url, 'POST', LIST, {
      headers: { ...jsonAuth(allowed.apiKey), Host: 'ps.example.net:8443' },
      body: md(21),
    });
    assert.ok(String(r.headers.location).startsWith('http://ps.example.net:8443/'));
  });
});
