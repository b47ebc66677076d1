/**
 * Durability under group commit: every write the archive acknowledged (201) is in the SQLite
 * file after the server process is killed with SIGKILL while other writes are still in flight.
 * @module
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteArchive } from '../../../src/archive/service.js';
import { spawnArchiveServer, type ArchiveProcess } from '../../helpers/archive-process.js';

const LIST = '/esmond/perfsonar/archive/';
const T0 = 1_600_000_000;
const WRITES = 240;
/** The server is killed once this many writes were acknowledged (the rest are in flight). */
const KILL_AFTER = 120;

let dir: string;
let db: string;
let server: ArchiveProcess | undefined;

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'esmond-kill-'));
  db = join(dir, 'archive.sqlite');
});

after(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('writes acknowledged before kill -9 are all in the database after a restart', async () => {
  const setup = openSqliteArchive(db, { resolver: false });
  const key = await setup.addUser('writer');
  await setup.close();
  server = await spawnArchiveServer(['--db', db, '--no-dns']);
  const headers = { Authorization: `Token ${key}`, 'Content-Type': 'application/json' };
  const created = await fetch(`${server.url}${LIST}`, {
    method: 'POST',
    headers,
    body: JSON.stringify({
      'subject-type': 'point-to-point',
      source: '10.0.0.1',
      destination: '10.0.0.2',
      'measurement-agent': '10.0.0.1',
      'tool-name': 'kill-test',
      'event-types': [
        { 'event-type': 'packet-count-sent', summaries: [{ 'summary-type': 'aggregation', 'summary-window': 3600 }] },
      ],
    }),
  });
  assert.equal(created.status, 201);
  const mdKey = ((await created.json()) as { 'metadata-key': string })['metadata-key'];
  const acked: number[] = [];
  let killed = false;
  const pid = server.pid;
  const write = async (i: number): Promise<void> => {
    const ts = T0 + i * 10;
    // Single-point POSTs and bulk PUTs alike (each bulk stores ts and ts + 5).
    const single = i % 2 === 0;
    const res = await fetch(
      single ? `${server?.url}${LIST}${mdKey}/packet-count-sent/base` : `${server?.url}${LIST}${mdKey}/`,
      {
        method: single ? 'POST' : 'PUT',
        headers,
        body: JSON.stringify(
          single
            ? { ts, val: i }
            : { data: [ts, ts + 5].map((t) => ({ ts: t, val: [{ 'event-type': 'packet-count-sent', val: i }] })) },
        ),
      },
    ).catch(() => undefined);
    if (res?.status !== 201) return;
    await res.arrayBuffer();
    acked.push(ts);
    if (!single) acked.push(ts + 5);
    if (!killed && acked.length >= KILL_AFTER) {
      killed = true;
      process.kill(pid, 'SIGKILL');
    }
  };
  await Promise.all(Array.from({ length: WRITES }, (_, i) => write(i)));
  assert.ok(killed, 'the server was killed while writes were in flight');
  await server.stop();
  server = undefined;

  // A restart: the file opened again (WAL recovery), every acknowledged point read back.
  const reopened = openSqliteArchive(db, { resolver: false });
  try {
    const page = await reopened.readData(
      mdKey,
      'packet-count-sent',
      'base',
      undefined,
      new URLSearchParams({ 'time-start': String(T0), 'time-end': String(T0 + WRITES * 10), limit: '100000' }),
      { requestUrl: new URL(`http://127.0.0.1${LIST}`), prefix: '/esmond', now: T0 + WRITES * 10 },
    );
    const stored = new Set<number>();
    for await (const chunk of page.points) for (const p of chunk) stored.add(p.ts);
    const missing = acked.filter((ts) => !stored.has(ts));
    assert.deepEqual(missing, [], `${missing.length} of ${acked.length} acknowledged points lost`);
  } finally {
    await reopened.close();
  }
});
