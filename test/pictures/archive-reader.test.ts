/**
 * The in-process reader of `esmond-ps-archive serve` against the library client over HTTP, on
 * the same seeded archive (SQLite, and PostgreSQL when the test cluster runs): the same metadata,
 * the same points across page boundaries, the same mesh summary; it lets other work run while it
 * reads, and stops once its signal is aborted.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { serviceReader, type ArchiveReader } from '../../src/pictures/archive-reader.js';
import { computeMeshSummary } from '../../src/pictures/mesh-summary.js';
import { createClient } from '../../src/client.js';
import type { EsmondClient } from '../../src/query/types.js';
import type { WirePoint } from '../../src/model/wire.js';
import { startArchive, type TestArchive } from '../helpers/archive.js';
import { testStores } from '../helpers/stores.js';

async function pointsOf(pages: AsyncIterable<readonly WirePoint[]>): Promise<WirePoint[]> {
  const out: WirePoint[] = [];
  for await (const page of pages) out.push(...page);
  return out;
}

for (const store of testStores()) {
  describe(`the in-process archive reader (${store})`, () => {
    let archive: TestArchive;
    let client: EsmondClient;
    let reader: ArchiveReader;
    const now = Math.floor(Date.now() / 1000);

    before(async () => {
      archive = await startArchive({ store, seed: { hosts: 3, days: 1, seed: 5 }, now: () => now * 1000 });
      client = createClient({ url: archive.url });
      reader = serviceReader(archive.service, { prefix: '/esmond', clock: () => now * 1000 });
    });
    after(async () => {
      await client.close();
      await archive.close();
    });

    test('metadata searches: the same tests as over HTTP, more than one page of them', async () => {
      const query = { subjectType: 'point-to-point' };
      const inProcess = [];
      for await (const md of reader.searchMetadata(query, { pageSize: 4 })) inProcess.push(md);
      const http = await client.searchMetadata(query).toArray();
      assert.ok(http.length > 10, `${http.length} tests`);
      assert.deepEqual(
        inProcess.map((m) => m.key),
        http.map((m) => m.key),
      );
      assert.deepEqual(inProcess[3]?.eventTypes, http[3]?.eventTypes);
    });

    test('data pages: the same points, page after page, for base and summary series', async () => {
      const [md] = await client.searchMetadata({ eventType: 'histogram-owdelay' }).toArray();
      assert.ok(md);
      for (const [eventType, series] of [
        ['packet-loss-rate', {}],
        ['histogram-owdelay', { summaryType: 'statistics' as const, summaryWindow: 0 }],
        ['histogram-owdelay', { summaryType: 'aggregation' as const, summaryWindow: 3600 }],
      ] as const) {
        const range = { timeStart: now - 86400, timeEnd: now, pageSize: 70 };
        const inProcess = await pointsOf(reader.dataPages(md, eventType, series, range));
        const http = await pointsOf(client.dataPages(md, eventType, series, range));
        assert.ok(http.length > 0, `${eventType} ${JSON.stringify(series)}`);
        assert.deepEqual(inProcess, http, `${eventType} ${JSON.stringify(series)}`);
      }
      // By key too (the route changes read a traceroute by its key).
      const [trace] = await client.searchMetadata({ eventType: 'packet-trace' }).toArray();
      assert.ok(trace);
      const range = { timeStart: now - 6 * 3600, timeEnd: now, pageSize: 10 };
      assert.deepEqual(
        await pointsOf(reader.dataPages(trace.key, 'packet-trace', {}, range)),
        await pointsOf(client.dataPages(trace.key, 'packet-trace', {}, range)),
      );
    });

    test('the mesh summary read in process equals the one read over HTTP', async () => {
      const inProcess = await computeMeshSummary(reader, { now });
      const http = await computeMeshSummary(client, { now });
      assert.ok(inProcess.cells.length > 0);
      assert.deepEqual({ ...inProcess, computeSeconds: 0 }, { ...http, computeSeconds: 0 });
    });

    test('a long read lets the event loop run, and stops once its signal is aborted', async () => {
      const stop = new AbortController();
      const stoppable = serviceReader(archive.service, {
        prefix: '/esmond',
        clock: () => now * 1000,
        signal: stop.signal,
        // A turn before every read: the seeded archive is small enough to be read in one slice.
        sliceMs: 0,
      });
      let turns = 0;
      const ticker = setInterval(() => turns++, 0);
      try {
        await computeMeshSummary(stoppable, { now });
      } finally {
        clearInterval(ticker);
      }
      assert.ok(turns > 0, 'no timer ran while the summary was read');
      stop.abort();
      await assert.rejects(computeMeshSummary(stoppable, { now }), { name: 'AbortError' });
    });
  });
}
