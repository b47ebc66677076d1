// Metadata search pages are streamed: the answer is the same JSON array as before, written a
// slice at a time, and a client that stops reading stops the server from reading further slices
// (its memory stays bounded) until the socket timeout or the client's close ends the answer.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { serveArchive, type RunningArchive } from '../../../src/archive/serve.js';
import type { ArchiveService, MetadataPage } from '../../../src/archive/types.js';
import type { WireMetadata } from '../../../src/model/wire.js';
import { startArchive, type TestArchive } from '../../helpers/archive.js';
import { closeRawAgent, raw } from './raw-request.js';

describe('streamed metadata search', () => {
  let real: TestArchive;
  before(async () => {
    real = await startArchive({ seed: { hosts: 10, days: 0 } });
  });
  after(async () => {
    closeRawAgent();
    await real.close();
  });

  test('the streamed answer is one compact JSON array with esmond paging, whatever its size', async () => {
    const all = (await raw(real.url, 'GET', '/esmond/perfsonar/archive/?limit=1000')).json() as WireMetadata[];
    assert.ok(all.length > 250, `only ${all.length} metadata seeded: a page must span several slices`);
    for (const [query, from, count] of [
      ['limit=7', 0, 7],
      ['limit=7&offset=7', 7, 7],
      ['limit=600', 0, all.length],
    ] as const) {
      const r = await raw(real.url, 'GET', `/esmond/perfsonar/archive/?${query}`);
      assert.equal(r.status, 200);
      assert.equal(r.headers['content-length'], undefined, 'a search page is streamed (chunked), not buffered');
      const page = r.json() as Array<Record<string, unknown>>;
      // The bytes JSON.stringify would write for the whole page: slices join without a seam.
      assert.equal(r.text, JSON.stringify(page), query);
      assert.deepEqual(
        page.map((m) => m['metadata-key']),
        all.slice(from, from + count).map((m) => m['metadata-key']),
        query,
      );
      const head = page.at(0);
      assert.ok(head, query);
      assert.equal(head['metadata-count-total'], all.length, query);
      assert.equal(head['metadata-next-page'] !== null, from + count < all.length, query);
    }
  });

  test('a client that does not read holds back the reading of further slices; closing releases them', async () => {
    let pulled = 0;
    const source = { released: false };
    const slice: WireMetadata[] = Array.from({ length: 500 }, (_, i) => ({
      'metadata-key': `k${i}`,
      'subject-type': 'point-to-point',
      'event-types': [],
      uri: `/esmond/perfsonar/archive/k${i}/`,
      padding: 'x'.repeat(2000),
    }));
    const service: ArchiveService = Object.create(real.service) as ArchiveService;
    service.searchMetadataStream = async (): Promise<MetadataPage> => ({
      items: (async function* () {
        try {
          // Endless: only the client's pace may bound it.
          for (;;) {
            pulled++;
            yield slice;
          }
        } finally {
          source.released = true;
        }
      })(),
    });
    const server: RunningArchive = await serveArchive({ service, port: 0, log: () => undefined });
    try {
      const port = new URL(server.url).port;
      const socket = connect(Number(port), '127.0.0.1');
      await new Promise<void>((resolve) => socket.once('connect', resolve));
      socket.pause(); // never reads
      socket.write(`GET /esmond/perfsonar/archive/ HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`);
      await new Promise((resolve) => setTimeout(resolve, 400));
      const whilePaused = pulled;
      await new Promise((resolve) => setTimeout(resolve, 400));
      // Each slice is about 1 MB of JSON: a few sit in socket buffers, then the server waits.
      assert.ok(whilePaused < 40, `${whilePaused} slices read for a client that reads nothing`);
      assert.equal(pulled, whilePaused, 'the server kept reading while the client did not');
      socket.destroy();
      for (let i = 0; i < 50 && !source.released; i++) await new Promise((resolve) => setTimeout(resolve, 20));
      assert.ok(source.released, 'the slice source was not released after the client went away');
    } finally {
      await server.close();
    }
  });
});
