/**
 * Durability: every write the archive acknowledged (201) is stored after the server process is
 * killed with SIGKILL while other writes are still in flight, on both stores. Single-point POSTs
 * and small bulk PUTs go through SQLite's group commit; large bulk PUTs of several event types
 * (each one multi-row statement on PostgreSQL) through the bulk path.
 * @module
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createArchiveService } from '../../../src/archive/service.js';
import { openStore } from '../../../src/archive/storage/open.js';
import type { ArchiveService } from '../../../src/archive/types.js';
import { spawnArchiveServer } from '../../helpers/archive-process.js';
import { freshPgDatabase, testStores, type StoreKind } from '../../helpers/stores.js';

const LIST = '/esmond/perfsonar/archive/';
const T0 = 1_600_000_000;
const WRITES = 240;
/** The server is killed once this many points were acknowledged (the rest are in flight). */
const KILL_AFTER = 2_000;
/** Timestamps per large bulk PUT (each with every event type of {@link TYPES}). */
const BULK_TS = 100;
const TYPES = ['packet-count-sent', 'packet-count-lost'] as const;

/** Every acknowledged (event type, ts) of a metadata is read back from `service`. */
async function missingPoints(service: ArchiveService, key: string, acked: ReadonlyArray<[string, number]>) {
  const stored = new Set<string>();
  for (const eventType of TYPES) {
    const page = await service.readData(
      key,
      eventType,
      'base',
      undefined,
      new URLSearchParams({ 'time-start': String(T0), 'time-end': String(T0 + WRITES * 1000), limit: '1000000' }),
      { requestUrl: new URL(`http://127.0.0.1${LIST}`), prefix: '/esmond', now: T0 + WRITES * 1000 },
    );
    for await (const chunk of page.points) for (const p of chunk) stored.add(`${eventType} ${p.ts}`);
  }
  return acked.filter(([e, ts]) => !stored.has(`${e} ${ts}`));
}

/**
 * A fresh archive of `kind` served by its own process: `load` writes to it (the server's URL, a
 * write user's key and its pid) until it kills the server with SIGKILL; then the store is opened
 * again (SQLite: WAL recovery) and `check` reads back what was acknowledged.
 */
async function afterKill9(
  kind: StoreKind,
  load: (url: string, key: string, pid: number) => Promise<void>,
  check: (reopened: ArchiveService) => Promise<void>,
): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'esmond-kill-'));
  const pgDb = kind === 'postgres' ? await freshPgDatabase() : undefined;
  const spec = pgDb?.url ?? join(dir, 'archive.sqlite');
  let server: Awaited<ReturnType<typeof spawnArchiveServer>> | undefined;
  try {
    const setup = createArchiveService(await openStore(spec), { resolver: false });
    const key = await setup.addUser('writer');
    await setup.close();
    server = await spawnArchiveServer(['--db', spec, '--no-dns']);
    await load(server.url, key, server.pid);
    await server.stop();
    server = undefined;
    const reopened = createArchiveService(await openStore(spec), { resolver: false });
    try {
      await check(reopened);
    } finally {
      await reopened.close();
    }
  } finally {
    await server?.stop();
    await pgDb?.drop();
    rmSync(dir, { recursive: true, force: true });
  }
}

for (const kind of testStores()) {
  test(`${kind}: writes acknowledged before kill -9 are all stored after a restart`, async () => {
    let mdKey = '';
    const acked: Array<[string, number]> = [];
    await afterKill9(
      kind,
      async (url, key, pid) => {
        const headers = { Authorization: `Token ${key}`, 'Content-Type': 'application/json' };
        const created = await fetch(`${url}${LIST}`, {
          method: 'POST',
          headers,
          body: JSON.stringify({
            'subject-type': 'point-to-point',
            source: '10.0.0.1',
            destination: '10.0.0.2',
            'measurement-agent': '10.0.0.1',
            'tool-name': 'kill-test',
            'event-types': [
              {
                'event-type': TYPES[0],
                summaries: [{ 'summary-type': 'aggregation', 'summary-window': 3600 }],
              },
              { 'event-type': TYPES[1] },
            ],
          }),
        });
        assert.equal(created.status, 201);
        const createdKey = ((await created.json()) as { 'metadata-key': string })['metadata-key'];
        let killed = false;
        // Write i owns ts T0 + i·1000 … + 999: single POSTs, small bulks and large bulks of both types.
        const write = async (i: number): Promise<void> => {
          const ts = T0 + i * 1000;
          const kind3 = i % 3;
          let points: Array<[string, number]>;
          let path = `${url}${LIST}${createdKey}/`;
          let body: unknown;
          if (kind3 === 0) {
            points = [[TYPES[0], ts]];
            path += `${TYPES[0]}/base`;
            body = { ts, val: i };
          } else {
            const stamps = Array.from({ length: kind3 === 1 ? 2 : BULK_TS }, (_, j) => ts + j);
            const types = kind3 === 1 ? [TYPES[0]] : TYPES;
            points = stamps.flatMap((t) => types.map((e): [string, number] => [e, t]));
            body = { data: stamps.map((t) => ({ ts: t, val: types.map((e) => ({ 'event-type': e, val: i })) })) };
          }
          const res = await fetch(path, {
            method: kind3 === 0 ? 'POST' : 'PUT',
            headers,
            body: JSON.stringify(body),
          }).catch(() => undefined);
          if (res?.status !== 201) return;
          await res.arrayBuffer();
          acked.push(...points);
          if (!killed && acked.length >= KILL_AFTER) {
            killed = true;
            process.kill(pid, 'SIGKILL');
          }
        };
        await Promise.all(Array.from({ length: WRITES }, (_, i) => write(i)));
        assert.ok(killed, 'the server was killed while writes were in flight');
        mdKey = createdKey;
      },
      async (reopened) => {
        const missing = await missingPoints(reopened, mdKey, acked);
        assert.deepEqual(missing, [], `${missing.length} of ${acked.length} acknowledged points lost`);
      },
    );
  });
}

/** Batches sent by the batch test, items per batch, and acknowledged items after which the server is killed. */
const BATCHES = 120;
const BATCH_ITEMS = 5;
const KILL_AFTER_ITEMS = 200;

for (const kind of testStores()) {
  test(`${kind}: batch writes acknowledged before kill -9 (new metadata and their points) are all stored after a restart`, async () => {
    const acked: Array<[string, number[]]> = [];
    await afterKill9(
      kind,
      async (url, key, pid) => {
        let killed = false;
        const batch = async (i: number): Promise<void> => {
          let body = '';
          const stamps: number[][] = [];
          for (let j = 0; j < BATCH_ITEMS; j++) {
            const ts = [T0 + i * 100 + j * 10, T0 + i * 100 + j * 10 + 1];
            stamps.push(ts);
            const md = {
              'subject-type': 'point-to-point',
              source: '10.0.0.1',
              destination: '10.0.0.2',
              'measurement-agent': '10.0.0.1',
              'tool-name': `kill-batch-${i}-${j}`,
              'event-types': [{ 'event-type': TYPES[0] }],
            };
            const data = { data: ts.map((t) => ({ ts: t, val: [{ 'event-type': TYPES[0], val: i }] })) };
            body += `${JSON.stringify(md)}\n${JSON.stringify(data)}\n`;
          }
          const res = await fetch(`${url}/esmond/perfsonar/batch/`, {
            method: 'POST',
            headers: { Authorization: `Token ${key}`, 'Content-Type': 'application/x-ndjson' },
            body,
          }).catch(() => undefined);
          if (res?.status !== 200) return;
          const answer = (await res.json().catch(() => undefined)) as
            { items: Array<{ status: number; 'metadata-key': string }> } | undefined;
          if (answer === undefined) return;
          answer.items.forEach((item, j) => {
            assert.equal(item.status, 201);
            acked.push([item['metadata-key'], stamps[j] ?? []]);
          });
          if (!killed && acked.length >= KILL_AFTER_ITEMS) {
            killed = true;
            process.kill(pid, 'SIGKILL');
          }
        };
        await Promise.all(Array.from({ length: BATCHES }, (_, i) => batch(i)));
        assert.ok(killed, 'the server was killed while batches were in flight');
      },
      async (reopened) => {
        const lost: string[] = [];
        for (const [mdKey, stamps] of acked) {
          const missing = await missingPoints(
            reopened,
            mdKey,
            stamps.map((t): [string, number] => [TYPES[0], t]),
          ).catch(() => stamps.map((t): [string, number] => [TYPES[0], t]));
          if (missing.length > 0) lost.push(mdKey);
        }
        assert.deepEqual(lost, [], `${lost.length} of ${acked.length} acknowledged batch items lost`);
      },
    );
  });
}
