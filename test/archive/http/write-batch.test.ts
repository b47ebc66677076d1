/**
 * The batch write route (our archive's extension): each item is answered with the status and
 * detail its metadata POST and bulk PUT get when sent one by one, and stores exactly what they
 * store, on both stores; the route's own errors; the header that names the extension; and an
 * archive with the extension switched off looks like an esmond without it.
 * @module
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startArchive, type TestArchive } from '../../helpers/archive.js';
import { testStores } from '../../helpers/stores.js';
import { allMetadata, storedValues } from '../../loaders/archive-compare.js';
import type { WireBatchAnswer, WireBatchItemAnswer } from '../../../src/model/write-batch.js';

const LIST = '/esmond/perfsonar/archive/';
const BATCH = '/esmond/perfsonar/batch/';
const NOW = () => 1_800_000_000_000;
const T0 = 1_700_000_000;

const md = (destination: string, extra = ''): string =>
  `{"subject-type": "point-to-point", "source": "10.0.0.1", "destination": "${destination}", "measurement-agent": "10.0.0.1", ` +
  `"tool-name": "batch-test", "input-source": "a", "input-destination": "b", "event-types": [{"event-type": "throughput"}, ` +
  `{"event-type": "packet-count-sent"}]${extra}}`;
const data = (ts: number, val: unknown, et = 'throughput'): string =>
  JSON.stringify({ data: [{ ts, val: [{ 'event-type': et, val }] }] });
/** Stands for the key of the metadata {@link md}('10.0.0.9') created before the batch, on each archive. */
const KEY = '$KEY';

/** The items: [metadata line (or a quoted key), data line], each a case of its own. */
const ITEMS: ReadonlyArray<readonly [string, string]> = [
  [md('10.0.0.2', ', "time-duration": 20.0'), data(T0, 1e9)],
  [md('10.0.0.2', ', "time-duration": 20.0'), data(T0 + 60, 2e9)], // found, not created again
  [md('10.0.0.2', ', "time-duration": 20'), data(T0, 3e9)], // 20 is not 20.0: another metadata
  [md('not an address'), data(T0, 1)],
  ['{"subject-type": ', data(T0, 1)],
  ['', data(T0, 1)],
  [md('10.0.0.3'), '{"data": [{"ts": '],
  [md('10.0.0.3'), '{"points": []}'],
  [md('10.0.0.3'), ''],
  [md('10.0.0.4'), data(T0, 'abc')],
  [md('10.0.0.5', ', "note": "a\\u0000b"'), data(T0, 1)],
  [JSON.stringify(KEY), data(T0, 5)], // already stored there: 409
  [JSON.stringify(KEY), data(T0 + 60, 6)],
  [JSON.stringify(KEY), data(T0 + 120, { numerator: 1, denominator: 2 }, 'packet-loss-rate')], // not declared: 201, nothing stored
  [JSON.stringify(KEY), data(T0 + 180, 8, 'no-such-type')],
  ['"no-such-key"', data(T0, 1)],
  ['"no/such"', data(T0, 1)],
  [md('10.0.0.6'), data(T0, 1e9) + '\r'], // a CRLF line end
];

async function withKey(a: TestArchive): Promise<string> {
  const r = await a.request('POST', LIST, { headers: headers(a), body: md('10.0.0.9') });
  assert.equal(r.status, 201);
  const key = (r.json() as { 'metadata-key': string })['metadata-key'];
  const put = await a.request('PUT', `${LIST}${key}/`, { headers: headers(a), body: data(T0, 4) });
  assert.equal(put.status, 201);
  return key;
}

const headers = (a: TestArchive, type = 'application/json'): Record<string, string> => ({
  Authorization: `Token ${a.apiKey}`,
  'Content-Type': type,
});
const line = (text: string, key: string): string => text.replaceAll(KEY, key);

/** The answers the items get as separate requests: the metadata POST, then (if it succeeded) the bulk PUT. */
async function oneByOne(a: TestArchive): Promise<WireBatchItemAnswer[]> {
  const key = await withKey(a);
  const answers: WireBatchItemAnswer[] = [];
  for (const [m, d] of ITEMS) {
    let itemKey: string;
    const quoted = /^"(.*)"$/.exec(line(m, key));
    if (quoted) itemKey = quoted[1] ?? '';
    else {
      const r = await a.request('POST', LIST, { headers: headers(a), body: m });
      if (r.status !== 201) {
        answers.push({ request: 'metadata', status: r.status, detail: (r.json() as { detail: string }).detail });
        continue;
      }
      itemKey = (r.json() as { 'metadata-key': string })['metadata-key'];
    }
    const r = await a.request('PUT', `${LIST}${encodeURIComponent(itemKey)}/`, { headers: headers(a), body: d });
    answers.push(
      r.status === 201
        ? { status: 201, request: 'data', 'metadata-key': itemKey, stored: Number(r.headers['x-esmond-stored']) }
        : {
            request: 'data',
            'metadata-key': itemKey,
            status: r.status,
            detail: (r.json() as { detail: string }).detail,
          },
    );
  }
  return answers;
}

/** The same items in one batch. */
async function batched(a: TestArchive): Promise<WireBatchItemAnswer[]> {
  const key = await withKey(a);
  const body = ITEMS.map(([m, d]) => `${line(m, key)}\n${d}\n`).join('');
  const r = await a.request('POST', BATCH, { headers: headers(a, 'application/x-ndjson'), body });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.headers['content-type'], 'application/json');
  return (r.json() as WireBatchAnswer).items;
}

/** Answers with keys made comparable across archives (each names its own random keys). */
function comparable(answers: WireBatchItemAnswer[]): unknown[] {
  const names = new Map<string, string>();
  return answers.map((x) => {
    const k = x['metadata-key'];
    if (k === undefined) return x;
    if (!names.has(k)) names.set(k, /^[0-9a-f]{32}$/.test(k) ? `key ${names.size}` : k);
    return { ...x, 'metadata-key': names.get(k) };
  });
}

/** What an archive holds: each metadata without its key and URLs, with its points. */
async function holdings(a: TestArchive): Promise<unknown[]> {
  const out: unknown[] = [];
  for (const m of await allMetadata(a.archiveUrl, '&tool-name=batch-test')) {
    const { 'event-types': types, ...fields } = m as unknown as Record<string, unknown>;
    // Keys, URLs and the page's counts name the archive, not what it holds.
    const rest = Object.fromEntries(
      Object.entries(fields).filter(([k]) => k !== 'uri' && k !== 'url' && !k.startsWith('metadata-')),
    );
    const values = [...(await storedValues(a.url, m))].sort();
    const rows = (types as Array<Record<string, unknown>>).map((e) => [e['event-type'], e['time-updated']]);
    out.push({ ...rest, rows, values });
  }
  return out.sort((x, y) => JSON.stringify(x).localeCompare(JSON.stringify(y)));
}

for (const store of testStores()) {
  test(`${store}: each batch item is answered and stored as its metadata POST and bulk PUT are`, async () => {
    const plain = await startArchive({ withUser: true, store, now: NOW });
    const batch = await startArchive({ withUser: true, store, now: NOW });
    try {
      const want = await oneByOne(plain);
      const got = await batched(batch);
      assert.deepStrictEqual(comparable(got), comparable(want));
      // The cases meant what they say: every kind of answer is among them.
      assert.deepStrictEqual([...new Set(want.map((x) => `${x.request} ${x.status}`))].sort(), [
        'data 201',
        'data 400',
        'data 404',
        'data 409',
        'metadata 400',
      ]);
      assert.ok(want.some((x) => x.stored === 0));
      assert.deepStrictEqual(await holdings(batch), await holdings(plain));
    } finally {
      await plain.close();
      await batch.close();
    }
  });
}

test('the batch route: auth, media type and line count as a whole; the extension named on write answers', async () => {
  const a = await startArchive({ withUser: true });
  try {
    const body = `${md('10.0.0.2')}\n${data(T0, 1)}\n`;
    const post = await a.request('POST', LIST, { headers: headers(a), body: md('10.0.0.2') });
    assert.equal(post.headers['x-esmond-extensions'], 'write-batch');
    const key = (post.json() as { 'metadata-key': string })['metadata-key'];
    const put = await a.request('PUT', `${LIST}${key}/`, { headers: headers(a), body: data(T0, 1) });
    assert.equal(put.headers['x-esmond-extensions'], 'write-batch');
    const read = await a.request('GET', LIST);
    assert.equal(read.headers['x-esmond-extensions'], undefined, 'reads do not carry it');

    const anonymous = await a.request('POST', BATCH, { headers: { 'Content-Type': 'application/x-ndjson' }, body });
    assert.equal(anonymous.status, 401);
    const json = await a.request('POST', BATCH, { headers: headers(a), body });
    assert.equal(json.status, 415);
    assert.deepStrictEqual(json.json(), { detail: 'Unsupported media type "application/json" in request.' });
    const odd = await a.request('POST', BATCH, {
      headers: headers(a, 'application/x-ndjson'),
      body: `${body}${md('10.0.0.3')}\n`,
    });
    assert.equal(odd.status, 400);
    const get = await a.request('GET', BATCH);
    assert.equal(get.status, 405);
    assert.equal(get.headers['allow'], 'POST, OPTIONS');
    const nested = await a.request('POST', `${BATCH}more/`, { headers: headers(a, 'application/x-ndjson'), body });
    assert.equal(nested.status, 404);
    assert.equal((await allMetadata(a.archiveUrl, '&destination=10.0.0.3')).length, 0, 'nothing of a refused batch');
    const empty = await a.request('POST', BATCH, { headers: headers(a, 'application/x-ndjson'), body: '' });
    assert.deepStrictEqual([empty.status, empty.json()], [200, { items: [] }]);
  } finally {
    await a.close();
  }
});

test('with the extension off the archive answers like an esmond without it', async () => {
  const a = await startArchive({ withUser: true, app: { writeBatch: false } });
  try {
    const post = await a.request('POST', LIST, { headers: headers(a), body: md('10.0.0.2') });
    assert.equal(post.status, 201);
    assert.equal(post.headers['x-esmond-extensions'], undefined);
    const body = `${md('10.0.0.3')}\n${data(T0, 1)}\n`;
    const r = await a.request('POST', BATCH, { headers: headers(a, 'application/x-ndjson'), body });
    assert.equal(r.status, 404);
    assert.equal((await allMetadata(a.archiveUrl, '&destination=10.0.0.3')).length, 0);
  } finally {
    await a.close();
  }
});
