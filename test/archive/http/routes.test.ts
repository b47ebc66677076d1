// Every route R0–R14 of archive-api.md: Routes over real HTTP, under both mount forms and both slash
// forms, with the archive-api.md: Responses headers (exact Content-Type, CORS, Location, Link, Allow), HEAD and OPTIONS.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startArchive, type TestArchive } from '../../helpers/archive.js';
import { closeRawAgent, jsonAuth, raw, type RawResponse } from './raw-request.js';

const NOW = 1_700_000_000;
const metadataBody = {
  'subject-type': 'point-to-point',
  source: '10.0.0.1',
  destination: '10.0.0.2',
  'measurement-agent': '10.0.0.1',
  'tool-name': 'bwctl/iperf3',
  'input-source': 'a.example.net',
  'input-destination': 'b.example.net',
  'time-duration': 20,
  'event-types': [
    { 'event-type': 'throughput', summaries: [{ 'summary-type': 'average', 'summary-window': 86400 }] },
    { 'event-type': 'failures' },
  ],
};

let a: TestArchive;
let key: string;
let nextTs = NOW - 50_000;

function assertJsonHeaders(r: RawResponse): void {
  assert.equal(r.headers['content-type'], 'application/json');
  assert.equal(r.headers['access-control-allow-origin'], '*');
}

/** Compact JSON: the body is exactly what JSON.stringify writes. */
function assertCompact(r: RawResponse): void {
  assert.equal(r.text, JSON.stringify(JSON.parse(r.text)));
}

before(async () => {
  a = await startArchive({ now: () => NOW * 1000 });
  const r = await raw(a.url, 'POST', '/esmond/perfsonar/archive/', {
    headers: jsonAuth(a.apiKey),
    body: JSON.stringify(metadataBody),
  });
  assert.equal(r.status, 201, r.text);
  key = (r.json() as { 'metadata-key': string })['metadata-key'];
  for (const [i, val] of [100, 200, 300].entries()) {
    const w = await raw(a.url, 'POST', `/esmond/perfsonar/archive/${key}/throughput/base`, {
      headers: jsonAuth(a.apiKey),
      body: JSON.stringify({ ts: NOW - 1000 + i * 10, val }),
    });
    assert.equal(w.status, 201, w.text);
  }
});

after(async () => {
  closeRawAgent();
  await a.close();
});

for (const prefix of ['/esmond', '']) {
  for (const slash of ['', '/']) {
    describe(`prefix "${prefix}", trailing slash "${slash}"`, () => {
      const base = () => `${prefix}/perfsonar/archive/`;

      test('R0 API root', async () => {
        const r = await raw(a.url, 'GET', `${prefix}/perfsonar${slash}`);
        assert.equal(r.status, 200);
        assertJsonHeaders(r);
        assert.deepEqual(r.json(), { archive: `${a.url}${prefix}/perfsonar/archive/` });
      });

      test('R1 search', async () => {
        const r = await raw(a.url, 'GET', `${prefix}/perfsonar/archive${slash}`);
        assert.equal(r.status, 200, r.text);
        assertJsonHeaders(r);
        assertCompact(r);
        const list = r.json() as Array<Record<string, unknown>>;
        assert.equal(list.length, 1);
        assert.equal(list[0]?.['metadata-key'], key);
        assert.equal(list[0].uri, `${prefix}/perfsonar/archive/${key}/`);
        assert.equal(list[0].url, `${a.url}${prefix}/perfsonar/archive/${key}/`);
        assert.equal(list[0]['metadata-count-total'], 1);
      });

      test('R2 create or look up, with Location', async () => {
        const r = await raw(a.url, 'POST', `${prefix}/perfsonar/archive${slash}`, {
          headers: jsonAuth(a.apiKey),
          body: JSON.stringify(metadataBody),
        });
        assert.equal(r.status, 201, r.text);
        assertJsonHeaders(r);
        assert.equal(r.headers.location, `${a.url}${prefix}/perfsonar/archive/${key}/`);
        assert.equal((r.json() as Record<string, unknown>)['metadata-key'], key);
      });

      test('R3 detail', async () => {
        const r = await raw(a.url, 'GET', `${base()}${key}${slash}`);
        assert.equal(r.status, 200, r.text);
        assertJsonHeaders(r);
        const md = r.json() as { 'metadata-key': string; 'event-types': Array<{ 'base-uri': string }> };
        assert.equal(md['metadata-key'], key);
        assert.ok(md['event-types'].every((e) => e['base-uri'].startsWith(`${prefix}/perfsonar/archive/${key}/`)));
        assert.equal(r.headers.allow, 'GET, PUT, PATCH, DELETE, HEAD, OPTIONS');
      });

      test('R4 bulk write answers 201 ""', async () => {
        nextTs += 7;
        const r = await raw(a.url, 'PUT', `${base()}${key}${slash}`, {
          headers: jsonAuth(a.apiKey),
          body: JSON.stringify({ data: [{ ts: nextTs, val: [{ 'event-type': 'failures', val: { error: 'x' } }] }] }),
        });
        assert.equal(r.status, 201, r.text);
        assertJsonHeaders(r);
        assert.equal(r.text, '""');
      });

      test('R5 PATCH and R6 DELETE are 405 after auth', async () => {
        const p = await raw(a.url, 'PATCH', `${base()}${key}${slash}`, { headers: jsonAuth(a.apiKey), body: '{}' });
        assert.equal(p.status, 405);
        assert.deepEqual(p.json(), { detail: 'does not support PATCH verb' });
        const d = await raw(a.url, 'DELETE', `${base()}${key}${slash}`, { headers: jsonAuth(a.apiKey) });
        assert.equal(d.status, 405);
        assert.deepEqual(d.json(), { detail: 'Method "DELETE" not allowed.' });
      });

      test('R7 event-type detail', async () => {
        const r = await raw(a.url, 'GET', `${base()}${key}/throughput${slash}`);
        assert.equal(r.status, 200, r.text);
        assertJsonHeaders(r);
        const list = r.json() as Array<{ 'event-type': string; 'base-uri': string }>;
        assert.equal(list.length, 1);
        assert.equal(list[0]?.['base-uri'], `${prefix}/perfsonar/archive/${key}/throughput/base`);
      });

      test('R8 event-type POST is a 201 no-op', async () => {
        const r = await raw(a.url, 'POST', `${base()}${key}/throughput${slash}`, {
          headers: jsonAuth(a.apiKey),
          body: '{"anything":1}',
        });
        assert.equal(r.status, 201);
        assert.equal(r.text, '""');
      });

      test('R9 base data, R11 base/0 (elmond form) is the same', async () => {
        const r = await raw(a.url, 'GET', `${base()}${key}/throughput/base${slash}`);
        assert.equal(r.status, 200, r.text);
        assertJsonHeaders(r);
        assertCompact(r);
        const points = r.json() as Array<{ ts: number; val: number }>;
        assert.deepEqual(
          points.map((p) => [p.ts, p.val]),
          [
            [NOW - 1000, 100],
            [NOW - 990, 200],
            [NOW - 980, 300],
          ],
        );
        const zero = await raw(a.url, 'GET', `${base()}${key}/throughput/base/0${slash}`);
        assert.equal(zero.text, r.text);
      });

      test('R10 summary listing and R11 summary data', async () => {
        const l = await raw(a.url, 'GET', `${base()}${key}/throughput/averages${slash}`);
        assert.equal(l.status, 200, l.text);
        const listing = l.json() as Array<{ 'summary-type': string; 'summary-window': string; uri: string }>;
        assert.equal(listing.length, 1);
        assert.equal(listing[0]?.['summary-type'], 'average');
        assert.equal(listing[0].uri, `${prefix}/perfsonar/archive/${key}/throughput/averages/86400`);
        const d = await raw(a.url, 'GET', `${base()}${key}/throughput/averages/86400${slash}`);
        assert.equal(d.status, 200, d.text);
        const bin = Math.floor((NOW - 1000) / 86400) * 86400;
        assert.deepEqual(d.json(), [{ ts: bin, val: 200 }]);
      });

      test('R12 and R13 write one point; R14 refuses summaries', async () => {
        nextTs += 7;
        const r = await raw(a.url, 'POST', `${base()}${key}/failures/base${slash}`, {
          headers: jsonAuth(a.apiKey),
          body: JSON.stringify({ ts: nextTs, val: { error: 'e' } }),
        });
        assert.equal(r.status, 201, r.text);
        assert.equal(r.text, '""');
        nextTs += 7;
        const w = await raw(a.url, 'POST', `${base()}${key}/failures/base/300${slash}`, {
          headers: jsonAuth(a.apiKey),
          body: JSON.stringify({ ts: nextTs, val: { error: 'e' } }),
        });
        assert.equal(w.status, 201, w.text);
        const got = await raw(a.url, 'GET', `${base()}${key}/failures/base?time=${nextTs}`);
        assert.deepEqual(got.json(), [{ ts: nextTs, val: { error: 'e' } }]);
        const s = await raw(a.url, 'POST', `${base()}${key}/throughput/averages/86400${slash}`, {
          headers: jsonAuth(a.apiKey),
          body: JSON.stringify({ ts: nextTs, val: 1 }),
        });
        assert.equal(s.status, 400);
        assert.deepEqual(s.json(), { detail: 'Only base summary-type allowed for writing. Cannot use averages' });
      });
    });
  }
}

describe('format selection', () => {
  test('.json suffix and ?format=json serve JSON; any other format is 404', async () => {
    const plain = await raw(a.url, 'GET', '/esmond/perfsonar/archive/');
    for (const path of ['/esmond/perfsonar/archive.json', '/esmond/perfsonar/archive/?format=json']) {
      const r = await raw(a.url, 'GET', path);
      assert.equal(r.status, 200, path);
      assert.deepEqual(
        (r.json() as Array<Record<string, unknown>>).map((m) => m['metadata-key']),
        (plain.json() as Array<Record<string, unknown>>).map((m) => m['metadata-key']),
      );
    }
    const detail = await raw(a.url, 'GET', `/esmond/perfsonar/archive/${key}.json`);
    assert.equal(detail.status, 200);
    for (const path of [
      '/esmond/perfsonar/archive/?format=api',
      '/esmond/perfsonar/archive/?format=xml',
      '/esmond/perfsonar/archive.xml',
      `/esmond/perfsonar/archive/${key}/throughput/base?format=csv`,
    ]) {
      const r = await raw(a.url, 'GET', path);
      assert.equal(r.status, 404, path);
      assertJsonHeaders(r);
      assert.deepEqual(r.json(), { detail: 'Not found.' });
    }
  });
});

describe('unknown paths', () => {
  test('answer JSON 404 {"detail":"Not found."}', async () => {
    for (const path of [
      '/',
      '/esmond/',
      '/esmond/perfsonar/nothing/',
      '/admin/',
      `/esmond/perfsonar/archive/${key}/a/b/c/d`,
    ]) {
      const r = await raw(a.url, 'GET', path);
      assert.equal(r.status, 404, path);
      assertJsonHeaders(r);
      assert.equal(r.text, '{"detail":"Not found."}');
    }
  });

  test('unknown metadata: detail 404, data and event type 200 []', async () => {
    const k = 'f'.repeat(32);
    assert.equal((await raw(a.url, 'GET', `/esmond/perfsonar/archive/${k}/`)).status, 404);
    const et = await raw(a.url, 'GET', `/esmond/perfsonar/archive/${k}/throughput/`);
    assert.deepEqual([et.status, et.text], [200, '[]']);
    const d = await raw(a.url, 'GET', `/esmond/perfsonar/archive/${k}/throughput/base`);
    assert.deepEqual([d.status, d.text], [200, '[]']);
  });
});

describe('HEAD and OPTIONS', () => {
  test('HEAD answers GET headers without a body', async () => {
    for (const path of ['/esmond/perfsonar/archive/', `/esmond/perfsonar/archive/${key}/`, '/esmond/perfsonar/']) {
      const g = await raw(a.url, 'GET', path);
      const h = await raw(a.url, 'HEAD', path);
      assert.equal(h.status, 200, path);
      assert.equal(h.text, '');
      assert.equal(h.headers['content-type'], 'application/json');
      assert.equal(h.headers['content-length'], g.headers['content-length']);
    }
    const d = await raw(a.url, 'HEAD', `/esmond/perfsonar/archive/${key}/throughput/base`);
    assert.equal(d.status, 200);
    assert.equal(d.text, '');
    assert.equal(d.headers['content-type'], 'application/json');
  });

  test('OPTIONS describes the route and its methods', async () => {
    const r = await raw(a.url, 'OPTIONS', '/esmond/perfsonar/archive/');
    assert.equal(r.status, 200);
    assertJsonHeaders(r);
    assert.equal(r.headers.allow, 'GET, POST, HEAD, OPTIONS');
    const body = r.json() as { renders: string[]; parses: string[] };
    assert.deepEqual(body.renders, ['application/json']);
    const d = await raw(a.url, 'OPTIONS', `/esmond/perfsonar/archive/${key}/throughput/base`);
    assert.equal(d.headers.allow, 'GET, POST, HEAD, OPTIONS');
  });
});

describe('paging headers', () => {
  test('data pages carry a Link to the next page', async () => {
    const r = await raw(a.url, 'GET', `/esmond/perfsonar/archive/${key}/throughput/base?limit=2`);
    assert.equal(r.status, 200);
    assert.equal((r.json() as unknown[]).length, 2);
    const link = String(r.headers.link ?? '');
    assert.match(link, /rel="next"/);
    const next = /<([^>]+)>; rel="next"/.exec(link)?.[1] ?? '';
    const u = new URL(next);
    assert.equal(u.searchParams.get('offset'), '2');
    const rest = await raw(a.url, 'GET', u.pathname + u.search);
    assert.deepEqual(
      (rest.json() as Array<{ val: number }>).map((p) => p.val),
      [300],
    );
    assert.equal(String(rest.headers.link ?? '').includes('rel="next"'), false);
  });

  test('metadata pages carry Link and the in-body paging keys', async () => {
    const second = await raw(a.url, 'POST', '/esmond/perfsonar/archive/', {
      headers: jsonAuth(a.apiKey),
      body: JSON.stringify({ ...metadataBody, 'time-duration': 30 }),
    });
    assert.equal(second.status, 201);
    const r = await raw(a.url, 'GET', '/esmond/perfsonar/archive/?limit=1');
    const list = r.json() as Array<Record<string, unknown>>;
    assert.equal(list.length, 1);
    assert.equal(list[0]?.['metadata-count-total'], 2);
    const next = list[0]['metadata-next-page'];
    assert.equal(typeof next, 'string');
    assert.equal(r.headers.link, `<${String(next)}>; rel="next"`);
  });
});
