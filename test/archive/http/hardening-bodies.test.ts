// Hardening over real HTTP: hostile pScheduler bodies, lone surrogates,
// 64-bit integers and float texts, and the 201 of a write that stored nothing.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startArchive, type TestArchive } from '../../helpers/archive.js';
import { closeRawAgent, jsonAuth, raw } from './raw-request.js';

const NOW = 1_700_000_000;
const LIST = '/esmond/perfsonar/archive/';
const logged: string[] = [];
let a: TestArchive;
let key: string;

const md = (extra: Record<string, unknown> = {}) => ({
  'subject-type': 'point-to-point',
  source: '10.4.0.1',
  destination: '10.4.0.2',
  'measurement-agent': '10.4.0.1',
  'event-types': [
    { 'event-type': 'packet-count-sent', summaries: [{ 'summary-type': 'aggregation', 'summary-window': 3600 }] },
    { 'event-type': 'pscheduler-raw' },
  ],
  ...extra,
});

before(async () => {
  a = await startArchive({ now: () => NOW * 1000, app: { log: (line) => logged.push(line) } });
  const r = await raw(a.url, 'POST', LIST, { headers: jsonAuth(a.apiKey), body: JSON.stringify(md()) });
  assert.equal(r.status, 201, r.text);
  key = (r.json() as { 'metadata-key': string })['metadata-key'];
});

after(async () => {
  closeRawAgent();
  await a.close();
});

describe('item 13: a write that stores nothing says so', () => {
  test('unknown key, undeclared event type: 201 with X-Esmond-Stored: 0 and a logged warning', async () => {
    logged.length = 0;
    const bulk = JSON.stringify({ data: [{ ts: NOW - 100, val: [{ 'event-type': 'throughput', val: 1 }] }] });
    const unknown = await raw(a.url, 'PUT', `${LIST}0123456789abcdef/`, { headers: jsonAuth(a.apiKey), body: bulk });
    assert.equal(unknown.status, 201);
    assert.equal(unknown.headers['x-esmond-stored'], '0');
    const undeclared = await raw(a.url, 'POST', `${LIST}${key}/throughput/base`, {
      headers: jsonAuth(a.apiKey),
      body: JSON.stringify({ ts: NOW - 100, val: 1 }),
    });
    assert.equal(undeclared.status, 201);
    assert.equal(undeclared.headers['x-esmond-stored'], '0');
    assert.equal(logged.filter((l) => /warning: .* stored nothing/.test(l)).length, 2, logged.join('\n'));
    const stored = await raw(a.url, 'PUT', `${LIST}${key}/`, {
      headers: jsonAuth(a.apiKey),
      body: JSON.stringify({
        data: [NOW - 300, NOW - 200].map((ts) => ({ ts, val: [{ 'event-type': 'packet-count-sent', val: 5 }] })),
      }),
    });
    assert.equal(stored.status, 201);
    assert.equal(stored.headers['x-esmond-stored'], '2');
  });
});

describe('item 10: strings must be valid Unicode', () => {
  test('a lone surrogate in a metadata field, a parameter key or a data value is a 400', async () => {
    const bodies = [
      String.raw`{"subject-type": "point-to-point", "source": "10.4.0.1", "destination": "10.4.0.2", "measurement-agent": "10.4.0.1", "tool-name": "\ud800\u0000<script>", "event-types": []}`,
      String.raw`{"subject-type": "point-to-point", "source": "10.4.0.1", "destination": "10.4.0.2", "measurement-agent": "10.4.0.1", "x\udc00": "1", "event-types": []}`,
    ];
    for (const body of bodies) {
      const r = await raw(a.url, 'POST', LIST, { headers: jsonAuth(a.apiKey), body });
      assert.equal(r.status, 400, r.text);
      assert.match((r.json() as { detail: string }).detail, /valid Unicode/);
    }
    const value = String.raw`{"ts": ${NOW - 50}, "val": {"note": "\ud800"}}`;
    const r = await raw(a.url, 'POST', `${LIST}${key}/pscheduler-raw/base`, {
      headers: jsonAuth(a.apiKey),
      body: value,
    });
    assert.equal(r.status, 400, r.text);
    // A proper surrogate pair is fine.
    const pair = String.raw`{"ts": ${NOW - 50}, "val": {"note": "\ud83d\ude00"}}`;
    assert.equal(
      (await raw(a.url, 'POST', `${LIST}${key}/pscheduler-raw/base`, { headers: jsonAuth(a.apiKey), body: pair }))
        .status,
      201,
    );
  });
});

describe('item 11: integers exact to 64 bits, float texts kept', () => {
  test('2^63 − 1 round-trips exactly; 2^63 is refused; an overflowing aggregation is reported', async () => {
    const made = await raw(a.url, 'POST', LIST, {
      headers: jsonAuth(a.apiKey),
      body: JSON.stringify(md({ 'tool-name': 'int64' })),
    });
    const k = (made.json() as { 'metadata-key': string })['metadata-key'];
    const put = (ts: number, digits: string) =>
      raw(a.url, 'POST', `${LIST}${k}/packet-count-sent/base`, {
        headers: jsonAuth(a.apiKey),
        body: `{"ts": ${ts}, "val": ${digits}}`,
      });
    assert.equal((await put(NOW - 7200, '9223372036854775807')).status, 201);
    const refused = await put(NOW - 7100, '9223372036854775808');
    assert.equal(refused.status, 400);
    assert.deepEqual(refused.json(), { detail: 'Value must be an integer' });
    // Fits alone, but the hour's aggregation would pass 2^63 − 1: reported, nothing stored.
    const overflow = await put(NOW - 7000, '1');
    assert.equal(overflow.status, 400);
    assert.match((overflow.json() as { detail: string }).detail, /overflow/);
    const text = (await raw(a.url, 'GET', `${LIST}${k}/packet-count-sent/base?time-start=${NOW - 8000}`)).text;
    assert.equal(text, `[{"ts":${NOW - 7200},"val":9223372036854775807}]`);
    const agg = (await raw(a.url, 'GET', `${LIST}${k}/packet-count-sent/aggregations/3600?time-start=${NOW - 10800}`))
      .text;
    assert.match(agg, /"val":9223372036854775807\}/);
  });

  test('a parameter posted as 20.0 is stored as "20.0" (Python str), 20 as "20"', async () => {
    for (const [posted, stored] of [
      ['20.0', '20.0'],
      ['20', '20'],
      ['1e16', '1e+16'],
      ['0.5', '0.5'],
    ] as const) {
      const body = JSON.stringify(md({ 'tool-name': `float-${posted}` })).replace(
        /}$/,
        `, "time-duration": ${posted}}`,
      );
      const r = await raw(a.url, 'POST', LIST, { headers: jsonAuth(a.apiKey), body });
      assert.equal(r.status, 201, r.text);
      assert.equal((r.json() as Record<string, unknown>)['time-duration'], stored, posted);
    }
    const found = (await raw(a.url, 'GET', `${LIST}?time-duration=20.0`)).json() as unknown[];
    assert.equal(found.length, 1);
  });
});

describe('item 7: hostile pScheduler bodies are 400s', () => {
  const envelope = (extra: Record<string, unknown>) => ({
    schedule: { start: '2023-11-14T22:00:00Z', duration: 'PT30S' },
    test: { type: 'latency', spec: { source: '10.4.0.1', dest: '10.4.0.2', ...extra } },
    tool: { name: 'owping' },
    participants: ['10.4.0.1'],
    result: { succeeded: true, 'packets-sent': 10, 'packets-received': 10 },
  });

  test('summaries naming __proto__, constructor or toString: 400 with a message', async () => {
    for (const name of ['__proto__', 'constructor', 'toString']) {
      // The esmond archiver's input: the envelope as `result`, the archive spec as `data`.
      const doc = {
        result: envelope({}),
        data: { summaries: [{ 'event-type': name, 'summary-type': 'aggregation', 'summary-window': 60 }] },
      };
      const body = JSON.stringify(doc);
      const r = await raw(a.url, 'POST', '/esmond/perfsonar/pscheduler/', { headers: jsonAuth(a.apiKey), body });
      assert.equal(r.status, 400, `${name}: ${r.text}`);
      assert.match((r.json() as { detail: string }).detail, /not an esmond event type/);
    }
  });

  test('a spec nested 5 000 levels: 400, not a stack overflow', async () => {
    const deep = `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`;
    const body = JSON.stringify(envelope({ deep: 0 })).replace('"deep":0', `"deep":${deep}`);
    const r = await raw(a.url, 'POST', '/esmond/perfsonar/pscheduler/', { headers: jsonAuth(a.apiKey), body });
    assert.equal(r.status, 400, r.text.slice(0, 200));
    assert.match((r.json() as { detail: string }).detail, /nested deeper than/);
  });
});
