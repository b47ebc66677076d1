// Small requests go through while a big export is in progress: the archive reads a data page a
// chunk at a time and hands the event loop over between chunks, so a write or a metadata GET
// that arrives mid-export is answered before that export has finished. Proof without timing: a
// point written while the export's reader sits paused shows up in that same export, which it
// can only do if the server had not yet read past its timestamp when it answered the write.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import type { TestArchive } from '../../helpers/archive.js';
import { startOneSeriesArchive } from './one-series.js';
import { openSqliteStore } from '../../../src/archive/storage/sqlite.js';
import type { RawCell } from '../../../src/archive/storage/store.js';
import { closeRawAgent, jsonAuth, raw } from './raw-request.js';

const NOW = 1_700_000_000;
/** About 11 MB of JSON: more than twice what the loopback socket buffers hold while the reader is paused. */
const N = 400_000;
const START = NOW - N * 30 - 1000;
let a: TestArchive;
let key: string;

before(async () => {
  ({ archive: a, key } = await startOneSeriesArchive(NOW, 'packet-count-sent'));
  // The cells go in through a second connection to the same file (fast set-up; reads are tested).
  const store = openSqliteStore(a.dbPath);
  try {
    const row = (await store.eventTypeRows(key, 'packet-count-sent')).find((r) => r.summaryType === 'base');
    assert.ok(row);
    for (let i = 0; i < N; i += 100_000) {
      const cells: RawCell[] = [];
      for (let j = i; j < i + 100_000; j++) {
        cells.push({ seriesId: row.seriesId, cell: { ts: START + j * 30, num: j, den: null, doc: null, out: null } });
      }
      await store.putCells(cells);
    }
  } finally {
    await store.close();
  }
});

after(async () => {
  closeRawAgent();
  await a.close();
});

const base = () => `/esmond/perfsonar/archive/${key}/packet-count-sent/base`;

test('a write and a metadata GET sent mid-export are answered before that export ends', async () => {
  const lateTs = START + N * 30 + 5;
  const url = new URL(a.url);
  const body = await new Promise<string>((resolve, reject) => {
    const path = `${base()}?time-start=${START}&time-end=${NOW}&limit=${N + 10}`;
    const req = request({ host: url.hostname, port: url.port, path, agent: false }, (res) => {
      // The export has begun (status and first bytes sent); its reader stops taking data.
      res.pause();
      (async () => {
        const detail = await raw(a.url, 'GET', `/esmond/perfsonar/archive/${key}/`);
        assert.equal(detail.status, 200, detail.text);
        const write = await raw(a.url, 'POST', base(), {
          headers: jsonAuth(a.apiKey),
          body: JSON.stringify({ ts: lateTs, val: 7 }),
        });
        assert.equal(write.status, 201, write.text);
      })().then(() => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          resolve(Buffer.concat(chunks).toString('utf8'));
        });
        res.resume();
      }, reject);
    });
    req.on('error', reject);
    req.end();
  });
  const points = JSON.parse(body) as Array<{ ts: number; val: number }>;
  assert.equal(points.length, N + 1);
  assert.deepEqual(points[N - 1], { ts: START + (N - 1) * 30, val: N - 1 });
  // Written while the export was paused, read by the export afterwards: the export was still
  // in progress on the server when the write was answered.
  assert.deepEqual(points[N], { ts: lateTs, val: 7 });
});
