/**
 * The typed library's surface against the REAL embedded archive: validation of series the
 * metadata lacks, first()/toArray(), Date times, summaries(Metadata), Symbol.asyncDispose,
 * histogram bucket order end to end, and (checked by `npm run typecheck`) the EventType union and
 * the value types that follow it.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { createClient } from '../../src/index.js';
import type { EsmondClient, HistogramStatistics, HistogramValue, Metadata } from '../../src/index.js';
import { isValidationError } from '../../src/http/errors.js';
import { orderedRecord, parseJsonKeepingOrder } from '../../src/model/ordered-json.js';
import { startArchive, type TestArchive } from '../helpers/archive.js';

/* eslint-disable @typescript-eslint/no-unnecessary-type-parameters, @typescript-eslint/no-unused-vars -- type-level assertions: values exist only for typeof */
/** Compile-time equality of two types. */
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const typeIs = <T extends true>(): T | undefined => undefined;

async function all<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

const T0 = 1_700_000_000;

describe('library API against the archive', () => {
  let archive: TestArchive;
  let client: EsmondClient;
  let md: Metadata;
  const requests: string[] = [];

  before(async () => {
    archive = await startArchive({ withUser: true });
    client = createClient({
      url: archive.url,
      credentials: { apiKey: archive.apiKey },
      onRequest: ({ url }) => requests.push(url),
    });
    md = await client.postMetadata({
      'subject-type': 'point-to-point',
      source: '10.0.0.1',
      destination: '10.0.0.2',
      'measurement-agent': '10.0.0.1',
      'tool-name': 'pscheduler/powstream',
      'event-types': [
        { 'event-type': 'histogram-owdelay', summaries: [{ 'summary-type': 'aggregation', 'summary-window': 3600 }] },
        { 'event-type': 'packet-loss-rate' },
      ],
    });
    for (let i = 2; i <= 4; i++) {
      await client.postMetadata({
        'subject-type': 'point-to-point',
        source: `10.0.0.${i}`,
        destination: '10.0.0.9',
        'measurement-agent': `10.0.0.${i}`,
        'tool-name': 'pscheduler/iperf3',
        'event-types': [{ 'event-type': 'throughput' }],
      });
    }
  });
  after(async () => {
    await client.close();
    await archive.close();
  });

  test('a series the metadata does not list is a ValidationError naming what it has (item 14)', async () => {
    const n = requests.length;
    await assert.rejects(
      all(client.data(md, 'throughput')),
      (e: unknown) =>
        isValidationError(e) &&
        /has no event type throughput \(it has: histogram-owdelay, packet-loss-rate\)/.test(e.message),
    );
    await assert.rejects(
      all(client.data(md, 'histogram-owdelay', { summaryType: 'aggregation', summaryWindow: 86400 })),
      (e: unknown) =>
        isValidationError(e) &&
        /no aggregation summary with window 86400 for histogram-owdelay \(it has: base, aggregation\/3600\)/.test(
          e.message,
        ),
    );
    await assert.rejects(
      all(client.data(md, 'histogram-owdelay', { summaryType: 'statistics', summaryWindow: 0 })),
      isValidationError,
    );
    assert.equal(requests.length, n, 'nothing was sent');
  });

  test("histogram buckets keep the archive's order, integer-like ones included", async () => {
    // Stored through the service: the archive's HTTP body parser (JSON.parse) reorders integer-like
    // keys on the way in, which is the archive's own matter; this checks what it keeps and serves.
    const h1 = orderedRecord([
      ['34.4', 3],
      ['10', 1],
      ['9', 2],
      ['0.5', 4],
    ]);
    const h2 = orderedRecord([
      ['11', 1],
      ['10', 5],
    ]);
    const ctx = { requestUrl: new URL(archive.archiveUrl), prefix: '/esmond', now: T0 + 3600 };
    await archive.service.bulkWrite(
      md.key,
      {
        data: [
          { ts: T0, val: [{ 'event-type': 'histogram-owdelay', val: h1 }] },
          { ts: T0 + 60, val: [{ 'event-type': 'histogram-owdelay', val: h2 }] },
        ],
      },
      ctx,
    );
    const points = await all(client.data(md, 'histogram-owdelay', {}, { timeStart: T0, timeEnd: T0 + 60 }));
    assert.deepEqual(
      points.map((p) => Object.keys(p.val)),
      [
        ['34.4', '10', '9', '0.5'],
        ['11', '10'],
      ],
    );
    assert.equal(JSON.stringify(points[0]?.val), '{"34.4":3,"10":1,"9":2,"0.5":4}');
    assert.equal(points[0]?.val['10'], 1);
    const bin = Math.floor(T0 / 3600) * 3600;
    const [agg] = await all(
      client.data(md, 'histogram-owdelay', { summaryType: 'aggregation', summaryWindow: 3600 }, { time: bin }),
    );
    assert.deepEqual(Object.entries(agg?.val ?? {}), [
      ['34.4', 3],
      ['10', 6],
      ['9', 2],
      ['0.5', 4],
      ['11', 1],
    ]);
  });

  test('Date bounds are whole UNIX seconds; an invalid Date is refused', async () => {
    await client.putBulk(md.key, [
      { ts: T0 + 120, val: [{ 'event-type': 'packet-loss-rate', val: { numerator: 1, denominator: 4 } }] },
    ]);
    const got = await all(
      client.data(
        md,
        'packet-loss-rate',
        {},
        { timeStart: new Date((T0 + 119) * 1000 + 999), timeEnd: new Date((T0 + 120) * 1000) },
      ),
    );
    assert.deepEqual(got, [{ ts: T0 + 120, val: 0.25 }]);
    await assert.rejects(
      all(client.data(md, 'packet-loss-rate', {}, { timeStart: new Date('nope') })),
      /timeStart is an invalid Date/,
    );
  });

  test('searchMetadata().first() reads one page; toArray() reads them all', async () => {
    const n = requests.length;
    const first = await client.searchMetadata({ toolName: 'pscheduler/iperf3' }, { pageSize: 1 }).first();
    assert.equal(first?.toolName, 'pscheduler/iperf3');
    assert.equal(requests.length, n + 1);
    const every = await client.searchMetadata({ toolName: 'pscheduler/iperf3' }, { pageSize: 1 }).toArray();
    assert.deepEqual(every.map((m) => m.source).sort(), ['10.0.0.2', '10.0.0.3', '10.0.0.4']);
    assert.equal(await client.searchMetadata({ toolName: 'nothing/here' }).first(), undefined);
  });

  test('summaries() takes a Metadata like data()', async () => {
    const byMd = await client.summaries(md, 'histogram-owdelay', 'aggregation');
    assert.deepEqual(
      byMd.map((s) => [s.summaryType, s.summaryWindow]),
      [['aggregation', 3600]],
    );
    assert.deepEqual(await client.summaries(md.key, 'histogram-owdelay', 'aggregation'), byMd);
  });

  test('paging links keep format=json (metadata list and data routes, next and previous)', async () => {
    const list = await fetch(`${archive.archiveUrl}?format=json&limit=1&offset=1`);
    const data = await fetch(`${archive.url}${md.eventTypes[0]?.baseUri ?? ''}?format=json&time-start=0&limit=1`);
    for (const r of [list, data]) {
      const link = r.headers.get('link') ?? '';
      assert.match(link, /rel="next"/);
      for (const [, url] of link.matchAll(/<([^>]+)>/g)) assert.match(url ?? '', /[?&]format=json(&|$)/, link);
    }
    const page = (await list.json()) as Array<Record<string, unknown>>;
    assert.match(String(page[0]?.['metadata-next-page']), /format=json/);
    assert.match(String(page[0]?.['metadata-previous-page']), /format=json/);
  });

  test('Symbol.asyncDispose closes the client', async () => {
    const c = createClient({ url: archive.url, retry: { limit: 0 } });
    assert.equal(typeof c[Symbol.asyncDispose], 'function');
    await c[Symbol.asyncDispose]();
    await assert.rejects(c.getMetadata(md.key));
  });

  test('types: EventType union, value type follows the event type and summary (compile-time)', () => {
    // These lines are checked by `npm run typecheck`; a wrong type fails the build, not this run.
    const compileOnly = (): void => {
      const numbers = client.data(md, 'throughput');
      const hist = client.data(md, 'histogram-owdelay');
      const stats = client.data(md, 'histogram-owdelay', { summaryType: 'statistics', summaryWindow: 0 });
      const name: string = 'throughput';
      const dynamic = client.data(md, name);
      const legacy = client.data<number>(md, 'throughput');
      typeIs<Equal<ReturnType<typeof pointVal<typeof numbers>>, number>>();
      typeIs<Equal<ReturnType<typeof pointVal<typeof hist>>, HistogramValue>>();
      typeIs<Equal<ReturnType<typeof pointVal<typeof stats>>, HistogramStatistics>>();
      typeIs<Equal<ReturnType<typeof pointVal<typeof dynamic>>, unknown>>();
      typeIs<Equal<ReturnType<typeof pointVal<typeof legacy>>, number>>();
      // @ts-expect-error a typo in an event type does not compile
      client.data(md, 'throughputt');
      // @ts-expect-error nor in a write
      void client.postPoint(md.key, 'histogram-owdelayy', { ts: 1, val: 1 });
    };
    assert.equal(typeof compileOnly, 'function');
  });
});

/** The value type of the points of an iterable (type-level helper for the test above). */
declare function pointVal<I>(): I extends AsyncIterable<{ val: infer V }> ? V : never;

describe('ordered JSON', () => {
  test('parses like JSON.parse (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const text = JSON.stringify(v);
        assert.deepStrictEqual(JSON.parse(JSON.stringify(parseJsonKeepingOrder(text))), JSON.parse(text));
      }),
    );
    for (const bad of ['', '{', '[1,]', '{"a" 1}', '"\\u12"', 'tru', '1 2', '{"a":1,}'])
      assert.throws(() => parseJsonKeepingOrder(bad), SyntaxError, bad);
  });

  test('keeps key order where JSON.parse would not, and a __proto__ bucket stays a key', () => {
    const v = parseJsonKeepingOrder('[{"ts":1,"val":{"34.4":1,"2":2,"1":3,"__proto__":4}}]') as Array<{
      val: Record<string, number>;
    }>;
    assert.deepEqual(Object.keys(v[0]!.val), ['34.4', '2', '1', '__proto__']);
    assert.equal(Object.getPrototypeOf(v[0]!.val), Object.prototype);
    const r = orderedRecord([
      ['b', 1],
      ['2', 2],
      ['1', 3],
    ]);
    r['0'] = 9;
    delete r['2'];
    assert.deepEqual(Object.keys(r), ['b', '1', '0']);
    assert.deepEqual({ ...r }, { b: 1, 1: 3, 0: 9 });
  });
});
