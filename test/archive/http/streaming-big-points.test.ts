// Pages of big points (wide histograms and their statistics: a read chunk of them is several
// times the answer's write size) arrive over HTTP as exactly the plain rendering of the page:
// every point through JSON.stringify, joined into one array.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startArchive, type TestArchive } from '../../helpers/archive.js';
import type { RequestContext } from '../../../src/archive/types.js';
import { plainPointJson } from '../../../src/archive/point-json.js';
import { closeRawAgent, raw } from './raw-request.js';

const NOW = 1_700_000_000;
const N = 3_000;
const START = NOW - N * 60;
let a: TestArchive;
let key: string;
let ctx: RequestContext;

before(async () => {
  a = await startArchive({ now: () => NOW * 1000 });
  ctx = { requestUrl: new URL(`${a.url}/esmond/perfsonar/archive/`), prefix: '/esmond', now: NOW };
  const { metadata } = await a.service.createMetadata(
    {
      'subject-type': 'point-to-point',
      source: '10.0.0.1',
      destination: '10.0.0.2',
      'measurement-agent': '10.0.0.1',
      'event-types': [
        { 'event-type': 'histogram-owdelay', summaries: [{ 'summary-type': 'statistics', 'summary-window': 0 }] },
      ],
    },
    ctx,
  );
  key = metadata['metadata-key'];
  // 24 buckets a point, with a non-ASCII bucket now and then: about 400 bytes a base point.
  const data = Array.from({ length: N }, (_, i) => {
    const val: Record<string, number> = {};
    for (let b = 0; b < 24; b++)
      val[i % 7 === 0 && b === 3 ? `${b}.5µ` : (10 + b * 0.37).toFixed(2)] = 1 + ((i * 31 + b * 7) % 97);
    return { ts: START + i * 60, val: [{ 'event-type': 'histogram-owdelay', val }] };
  });
  await a.service.bulkWrite(key, { data }, ctx);
});

after(async () => {
  closeRawAgent();
  await a.close();
});

for (const [segment, window] of [
  ['base', undefined],
  ['statistics', '0'],
] as const) {
  test(`a ${N}-point histogram ${segment} page is the plain rendering, byte for byte`, async () => {
    const path = `/esmond/perfsonar/archive/${key}/histogram-owdelay/${segment}${window === undefined ? '' : `/${window}`}`;
    const query = `time-start=${START}&time-end=${NOW}&limit=${N}`;
    const r = await raw(a.url, 'GET', `${path}?${query}`);
    assert.equal(r.status, 200);
    assert.equal(r.headers['transfer-encoding'], 'chunked');
    const page = await a.service.readData(key, 'histogram-owdelay', segment, window, new URLSearchParams(query), ctx);
    const texts: string[] = [];
    for await (const chunk of page.points) texts.push(...chunk.map(plainPointJson));
    assert.equal(texts.length, N);
    assert.ok(r.text.length > 4 * 64 * 1024, `a page of ${r.text.length} characters`);
    assert.equal(r.text, `[${texts.join(',')}]`);
  });
}
