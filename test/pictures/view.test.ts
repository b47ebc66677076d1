/**
 * esmond-ps-view's API side without a browser: with `--archive auto` the page's reads are answered
 * by the library client (the path other backends take) and must match the archive's own answers;
 * with the default esmond proxy, bytes are forwarded, reads only.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { runViewCli } from '../../src/cli/view.js';
import { decodeMesh } from '../../src/web/mesh-wire.js';
import { pickFreePort } from '../helpers/archive.js';
import { captureIo } from '../helpers/capture-io.js';
import { startPicturesArchive, type PicturesArchive } from './fixture.js';

async function startView(args: string[]): Promise<{ url: string; stop: () => Promise<number> }> {
  const port = await pickFreePort();
  const ctl = new AbortController();
  const io = { ...captureIo(), now: () => Date.now() };
  const done = runViewCli([...args, '--port', String(port)], io, ctl.signal);
  for (let i = 0; i < 200 && !io.err().includes('serving'); i++) await new Promise((r) => setTimeout(r, 25));
  assert.match(io.err(), /serving the mesh page/);
  return {
    url: `http://127.0.0.1:${port}`,
    stop: async () => {
      ctl.abort();
      return done;
    },
  };
}

const json = async (url: string): Promise<unknown> => {
  const res = await fetch(url);
  assert.equal(res.status, 200, url);
  return res.json();
};

describe('esmond-ps-view API', () => {
  let archive: PicturesArchive;
  before(async () => {
    archive = await startPicturesArchive({ hosts: 2, days: 0.2 });
  });
  after(async () => {
    await archive.close();
  });

  for (const kind of ['esmond', 'auto'] as const) {
    test(`--archive ${kind}: the page's reads give what the archive gives`, async () => {
      const view = await startView(['-u', archive.url, '--archive', kind]);
      try {
        const q = '?input-source=known-a.example.net&input-destination=known-b.example.net&limit=1000';
        const direct = (await json(`${archive.url}/esmond/perfsonar/archive/${q}`)) as Array<{
          'metadata-key': string;
        }>;
        const viaView = (await json(`${view.url}/esmond/perfsonar/archive/${q}`)) as Array<{ 'metadata-key': string }>;
        assert.equal(direct.length, 2);
        assert.deepEqual(viaView.map((m) => m['metadata-key']).sort(), direct.map((m) => m['metadata-key']).sort());
        const now = Math.floor(Date.now() / 1000);
        for (const md of direct) {
          for (const path of ['packet-loss-rate/base', 'histogram-owdelay/statistics/0', 'throughput/base']) {
            const series = `${md['metadata-key']}/${path}?time-start=${now - 86400}&time-end=${now}&limit=10000&offset=0`;
            const a = await fetch(`${archive.url}/esmond/perfsonar/archive/${series}`);
            const b = await fetch(`${view.url}/esmond/perfsonar/archive/${series}`);
            assert.equal(b.status, a.status, series);
            if (a.status === 200) assert.deepEqual(await b.json(), await a.json(), series);
            else await Promise.all([a.text(), b.text()]);
          }
        }
        const mesh = decodeMesh(await json(`${view.url}/pictures/mesh.json`));
        const own = decodeMesh(await json(`${archive.url}/pictures/mesh.json`));
        assert.equal(mesh.cells.length, own.cells.length);
        const post = await fetch(`${view.url}/esmond/perfsonar/archive/`, { method: 'POST', body: '{}' });
        assert.equal(post.status, 405);
        await post.text();
      } finally {
        assert.equal(await view.stop(), 0);
      }
    });
  }

  test('a bad --archive is a usage error', async () => {
    const io = captureIo();
    assert.equal(await runViewCli(['-u', archive.url, '--archive', 'mysql'], io), 2);
    assert.match(io.err(), /--archive/);
  });
});
