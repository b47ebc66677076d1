// two `serve` processes on one SQLite file, four writers posting the same
// metadata and overlapping points. No 5xx but 503 (which writers retry), one metadata, every
// point stored once, summaries exact. Plus the 503 itself: a write lock held past the busy
// timeout gives 503 with Retry-After, never 500.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { createArchiveService } from '../../../src/archive/service.js';
import { openStore } from '../../../src/archive/storage/open.js';
import { freshPgDatabase, testStores } from '../../helpers/stores.js';
import { spawnArchiveServer, type ArchiveProcess } from '../../helpers/archive-process.js';
import { startArchive } from '../../helpers/archive.js';
import { closeRawAgent, jsonAuth, raw, type RawResponse } from './raw-request.js';

const LIST = '/esmond/perfsonar/archive/';
const T0 = 1_700_000_000 - (1_700_000_000 % 300);
const POINTS = 240; // each writer writes 120 of them; neighbours overlap by half
const WINDOW = 300;
const md = JSON.stringify({
  'subject-type': 'point-to-point',
  source: '10.7.0.1',
  destination: '10.7.0.2',
  'measurement-agent': '10.7.0.1',
  'tool-name': 'two-process-test',
  'event-types': [
    {
      'event-type': 'packet-count-sent',
      summaries: [
        { 'summary-type': 'aggregation', 'summary-window': WINDOW },
        { 'summary-type': 'average', 'summary-window': WINDOW },
      ],
    },
  ],
});
const valueAt = (ts: number): number => (ts * 7) % 1000;

let key: string;

after(() => {
  closeRawAgent();
});

/** Sends until the answer is not 503 (waiting Retry-After); any other 5xx fails the test. */
async function send(
  url: string,
  method: string,
  path: string,
  body: string,
  stats: { retried: number },
): Promise<RawResponse> {
  for (;;) {
    const r = await raw(url, method, path, { headers: jsonAuth(key), body });
    if (r.status === 503) {
      assert.ok(r.headers['retry-after'] !== undefined, 'a 503 carries Retry-After');
      stats.retried++;
      await new Promise((done) => setTimeout(done, 50));
      continue;
    }
    assert.ok(r.status < 500, `${method} ${path}: ${r.status} ${r.text}`);
    return r;
  }
}

async function writer(servers: readonly ArchiveProcess[], n: number, stats: { retried: number }): Promise<void> {
  const url = servers[n % 2]?.url ?? '';
  const made = await send(url, 'POST', LIST, md, stats);
  assert.equal(made.status, 201, made.text);
  const mdKey = (made.json() as { 'metadata-key': string })['metadata-key'];
  const first = (n * POINTS) / 8;
  for (let start = first; start < first + POINTS / 2; start += 20) {
    const batch = Array.from({ length: 20 }, (_, i) => T0 + (start + i) * 10);
    const bulk = JSON.stringify({
      data: batch.map((ts) => ({ ts, val: [{ 'event-type': 'packet-count-sent', val: valueAt(ts) }] })),
    });
    const r = await send(url, 'PUT', `${LIST}${mdKey}/`, bulk, stats);
    if (r.status === 201) continue;
    assert.equal(r.status, 409, r.text);
    // Some point of the batch is there already: point by point, a duplicate is a 409.
    for (const ts of batch) {
      const one = await send(
        url,
        'POST',
        `${LIST}${mdKey}/packet-count-sent/base`,
        JSON.stringify({ ts, val: valueAt(ts) }),
        stats,
      );
      assert.ok(one.status === 201 || one.status === 409, one.text);
    }
  }
}

for (const store of testStores()) {
  describe(`two servers on one ${store} database`, () => {
    const servers: ArchiveProcess[] = [];
    let cleanup: () => Promise<void> = async () => undefined;

    before(async () => {
      let db: string;
      if (store === 'postgres') {
        const pgDb = await freshPgDatabase();
        db = pgDb.url;
        cleanup = () => pgDb.drop();
      } else {
        const dir = mkdtempSync(join(tmpdir(), 'esmond-two-proc-'));
        db = join(dir, 'shared.sqlite');
        cleanup = async () => {
          rmSync(dir, { recursive: true, force: true });
        };
      }
      const svc = createArchiveService(await openStore(db), { resolver: false });
      key = await svc.addUser('writer');
      await svc.close();
      servers.push(
        ...(await Promise.all([
          spawnArchiveServer(['--db', db, '--no-dns']),
          spawnArchiveServer(['--db', db, '--no-dns']),
        ])),
      );
    });

    after(async () => {
      await Promise.all(servers.map((s) => s.stop()));
      await cleanup();
    });

    test('two servers, four writers, overlapping data: no 500, each point once, exact summaries', async () => {
      const stats = { retried: 0 };
      await Promise.all([0, 1, 2, 3].map((n) => writer(servers, n, stats)));
      const url = servers[0]?.url ?? '';
      const found = await raw(url, 'GET', `${LIST}?tool-name=two-process-test`);
      const list = found.json() as Array<{ 'metadata-key': string }>;
      assert.equal(list.length, 1, 'the same metadata posted by four writers is stored once');
      const base = `${LIST}${list[0]?.['metadata-key']}/packet-count-sent`;
      const span = `time-start=${T0}&time-end=${T0 + 10 * POINTS * 2}&limit=100000`;
      const points = (await raw(url, 'GET', `${base}/base?${span}`)).json() as Array<{ ts: number; val: number }>;
      const expected = Array.from({ length: (3 * POINTS) / 8 + POINTS / 2 }, (_, i) => T0 + i * 10);
      assert.deepEqual(
        points.map((p) => p.ts),
        expected,
      );
      assert.ok(points.every((p) => p.val === valueAt(p.ts)));
      const sums = new Map<number, { sum: number; count: number }>();
      for (const ts of expected) {
        const bin = ts - (ts % WINDOW);
        const s = sums.get(bin) ?? { sum: 0, count: 0 };
        s.sum += valueAt(ts);
        s.count++;
        sums.set(bin, s);
      }
      const aggregation = (await raw(url, 'GET', `${base}/aggregations/${WINDOW}?${span}`)).json();
      assert.deepEqual(
        aggregation,
        [...sums].map(([ts, s]) => ({ ts, val: s.sum })),
      );
      const average = (await raw(url, 'GET', `${base}/averages/${WINDOW}?${span}`)).json();
      assert.deepEqual(
        average,
        [...sums].map(([ts, s]) => ({ ts, val: s.sum / s.count })),
      );
      console.log(`# two-process writers (${store}): ${stats.retried} answers were 503 and retried`);
    });
  });
}

test('a write lock held past the busy timeout: 503 with Retry-After, nothing stored', async () => {
  const a = await startArchive({ app: { log: () => undefined } });
  const holder = new Database(a.dbPath);
  try {
    holder.exec('BEGIN IMMEDIATE');
    const r = await raw(a.url, 'POST', LIST, { headers: jsonAuth(a.apiKey), body: md });
    assert.equal(r.status, 503, r.text);
    assert.equal(r.headers['retry-after'], '1');
    assert.deepEqual(r.json(), { detail: 'The archive is busy; retry shortly.' });
    holder.exec('ROLLBACK');
    const again = await raw(a.url, 'POST', LIST, { headers: jsonAuth(a.apiKey), body: md });
    assert.equal(again.status, 201);
  } finally {
    holder.close();
    await a.close();
  }
});
