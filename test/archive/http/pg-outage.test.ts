// PostgreSQL stops under load and starts again. Four writers (bulk PUT and single-point
// POST, interleaved timestamps on one metadata) and two readers keep going against a real `serve`
// process on a throw-away cluster of its own (stopping it disturbs no other test). While the
// database is down every answer is 200/201 or a 503 with a JSON body, never a 500, never a hang,
// and serve stays up; after the restart requests succeed again without touching serve; and every
// acknowledged (201) point is stored afterwards, with summaries equal to the stored points.
// Two outages: a fast stop (connections terminated) and an immediate stop (a crash).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Agent } from 'node:http';
import { startPgCluster, type PgCluster } from '../../../scripts/pg-cluster.mjs';
import { createArchiveService } from '../../../src/archive/service.js';
import { openStore } from '../../../src/archive/storage/open.js';
import { spawnArchiveServer, type ArchiveProcess } from '../../helpers/archive-process.js';
import { jsonAuth, raw, type RawResponse } from './raw-request.js';

const LIST = '/esmond/perfsonar/archive/';
const WINDOW = 300;
const T0 = 1_700_000_000 - (1_700_000_000 % WINDOW);
const WRITERS = 4;
const BATCH = 10;
/** Longest any one request may take, even with the database gone: more is a hang. */
const HANG_MS = 60_000;
/** Longest to wait for a phase (everyone saw a 503 / everyone succeeds again): generous on a loaded machine. */
const PHASE_MS = 180_000;
const valueAt = (ts: number): number => (ts * 13) % 997;
/** Writer n owns every WRITERS-th slot, so the writers share summary bins but never a ts. */
const tsOf = (n: number, slot: number): number => T0 + (slot * WRITERS + n) * 10;

const md = JSON.stringify({
  'subject-type': 'point-to-point',
  source: '10.9.0.1',
  destination: '10.9.0.2',
  'measurement-agent': '10.9.0.1',
  'tool-name': 'pg-outage-test',
  'event-types': [
    { 'event-type': 'packet-count-sent', summaries: [{ 'summary-type': 'aggregation', 'summary-window': WINDOW }] },
  ],
});

/** What one client has seen. */
interface Tally {
  name: string;
  ok: number;
  unavailable: number;
}

let cluster: PgCluster | undefined;
let server: ArchiveProcess | undefined;
let apiKey = '';
const agent = new Agent({ keepAlive: true, maxSockets: 16 });

before(async () => {
  cluster = await startPgCluster({ durable: true });
  if (!cluster) {
    if (process.env['ESMOND_TEST_PG'] === 'require')
      throw new Error('PostgreSQL binaries not found (ESMOND_TEST_PG=require)');
    return;
  }
  const svc = createArchiveService(await openStore(cluster.url), { resolver: false });
  apiKey = await svc.addUser('writer');
  await svc.close();
  server = await spawnArchiveServer(['--db', cluster.url, '--no-dns', '--db-pool-size', '6']);
});

after(async () => {
  agent.destroy();
  await server?.stop();
  cluster?.stop();
});

/** One request, failing (never waiting forever) when no answer comes within HANG_MS. */
async function request(method: string, path: string, body?: string): Promise<RawResponse> {
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new Error(`${method} ${path}: no answer within ${HANG_MS} ms (a hang)`));
    }, HANG_MS);
  });
  try {
    return await Promise.race([raw(server?.url ?? '', method, path, { agent, headers: jsonAuth(apiKey), body }), hang]);
  } finally {
    clearTimeout(timer);
  }
}

/** A 503 must say why in JSON and when to come back. */
function checkUnavailable(r: RawResponse, what: string): void {
  assert.match(String(r.headers['content-type']), /^application\/json/, `${what}: 503 content type`);
  const body = r.json() as { detail?: unknown };
  assert.equal(typeof body.detail, 'string', `${what}: 503 body ${r.text}`);
  assert.ok(r.headers['retry-after'] !== undefined, `${what}: 503 without Retry-After`);
}

const pause = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms));

async function waitFor(what: string, condition: () => boolean, failed: () => unknown): Promise<void> {
  const deadline = Date.now() + PHASE_MS;
  while (!condition()) {
    const error = failed();
    if (error !== undefined) throw error instanceof Error ? error : new Error(String(error));
    if (Date.now() > deadline) throw new Error(`gave up waiting (${PHASE_MS} ms) until ${what}`);
    await pause(25);
  }
}

test('PostgreSQL stopped and started under load: 503s with JSON while down, recovery by itself, no acknowledged write lost', async (t) => {
  if (!cluster || !server) {
    t.skip('PostgreSQL is not installed');
    return;
  }
  const pg = cluster;
  const made = await request('POST', LIST, md);
  assert.equal(made.status, 201, made.text);
  const key = (made.json() as { 'metadata-key': string })['metadata-key'];
  const base = `${LIST}${key}/packet-count-sent/base`;

  const acknowledged = new Set<number>();
  const attempted = new Set<number>();
  const tallies: Tally[] = [];
  let running = true;
  let failure: unknown;

  /** Runs `step` until the test ends; a step answers true for success, false for a 503. */
  const client = async (name: string, step: () => Promise<boolean>): Promise<void> => {
    const tally: Tally = { name, ok: 0, unavailable: 0 };
    tallies.push(tally);
    try {
      while (running) {
        if (await step()) tally.ok++;
        else {
          tally.unavailable++;
          await pause(20);
        }
      }
    } catch (err) {
      failure ??= err;
      running = false;
    }
  };

  const writer = (n: number): Promise<void> => {
    let slot = 0;
    const bulk = n < 2;
    return client(`${bulk ? 'bulk' : 'point'} writer ${n}`, async () => {
      // Fresh timestamps every request: an unacknowledged write may or may not be stored, never retried.
      const stamps = Array.from({ length: bulk ? BATCH : 1 }, (_, i) => tsOf(n, slot + i));
      slot += stamps.length;
      for (const ts of stamps) attempted.add(ts);
      const r = bulk
        ? await request(
            'PUT',
            `${LIST}${key}/`,
            JSON.stringify({
              data: stamps.map((ts) => ({ ts, val: [{ 'event-type': 'packet-count-sent', val: valueAt(ts) }] })),
            }),
          )
        : await request('POST', base, JSON.stringify({ ts: stamps[0], val: valueAt(stamps[0] ?? 0) }));
      if (r.status === 503) {
        checkUnavailable(r, `writer ${n}`);
        return false;
      }
      assert.equal(r.status, 201, `writer ${n}: ${r.status} ${r.text}`);
      for (const ts of stamps) acknowledged.add(ts);
      return true;
    });
  };

  const reader = (name: string, path: string): Promise<void> =>
    client(name, async () => {
      const r = await request('GET', path);
      if (r.status === 503) {
        checkUnavailable(r, name);
        return false;
      }
      assert.equal(r.status, 200, `${name}: ${r.status} ${r.text}`);
      assert.ok(Array.isArray(r.json()), `${name}: ${r.text}`);
      return true;
    });

  const clients = [
    ...Array.from({ length: WRITERS }, (_, n) => writer(n)),
    reader('search reader', `${LIST}?tool-name=pg-outage-test&event-type=packet-count-sent`),
    reader('data reader', `${base}?time-start=${T0}&limit=200`),
  ];

  const serverAlive = (): boolean => {
    try {
      process.kill(server?.pid ?? 0, 0);
      return true;
    } catch {
      return false;
    }
  };
  const problem = (): unknown =>
    failure ?? (serverAlive() ? undefined : new Error(`serve exited: ${server?.stderr() ?? ''}`));
  /** Waits until every client has `count` more answers of `kind` than in `since`. */
  const everyoneSees = async (kind: 'ok' | 'unavailable', count: number, what: string): Promise<void> => {
    const since = tallies.map((c) => c[kind]);
    await waitFor(what, () => tallies.every((c, i) => c[kind] >= (since[i] ?? 0) + count), problem);
  };

  try {
    await everyoneSees('ok', 3, 'every client succeeded while PostgreSQL is up');
    for (const mode of ['fast', 'immediate'] as const) {
      await pg.stopServer(mode);
      await everyoneSees('unavailable', 3, `every client got 503s with PostgreSQL stopped (${mode})`);
      assert.ok(serverAlive(), 'serve is still running while the database is down');
      await pg.startServer();
      await everyoneSees('ok', 3, `every client succeeds again after PostgreSQL restarted (${mode} stop)`);
    }
  } catch (err) {
    failure ??= err;
  } finally {
    running = false;
    await Promise.all(clients);
  }
  if (failure !== undefined) {
    const alive = serverAlive() ? 'serve still running' : 'serve exited';
    throw new Error(`${String(failure)} (${alive}; its stderr ends: ${server.stderr().slice(-1500)})`, {
      cause: failure,
    });
  }

  // Every acknowledged point is there (unacknowledged ones may or may not be), nothing else is.
  const span = `time-start=${T0}&time-end=${T0 + attempted.size * 10 * WRITERS}&limit=1000000`;
  const read = await request('GET', `${base}?${span}`);
  assert.equal(read.status, 200, read.text);
  const points = read.json() as Array<{ ts: number; val: number }>;
  const stored = new Set(points.map((p) => p.ts));
  const lost = [...acknowledged].filter((ts) => !stored.has(ts));
  assert.deepEqual(lost, [], `acknowledged points lost: ${lost.length} of ${acknowledged.size}`);
  for (const p of points) {
    assert.ok(attempted.has(p.ts), `ts ${p.ts} was never written`);
    assert.equal(p.val, valueAt(p.ts));
  }
  assert.equal(points.length, stored.size, 'each point stored once');
  // Base points and their summary bin commit together: the bins are the sums of what is stored.
  const sums = new Map<number, number>();
  for (const p of points) sums.set(p.ts - (p.ts % WINDOW), (sums.get(p.ts - (p.ts % WINDOW)) ?? 0) + p.val);
  const aggregation = await request('GET', `${LIST}${key}/packet-count-sent/aggregations/${WINDOW}?${span}`);
  assert.equal(aggregation.status, 200, aggregation.text);
  assert.deepEqual(
    aggregation.json(),
    [...sums].sort((a, b) => a[0] - b[0]).map(([ts, val]) => ({ ts, val })),
  );
  assert.doesNotMatch(server.stderr(), /internal error/i);
  console.log(
    `# pg outage: ${acknowledged.size} points acknowledged, ${stored.size - acknowledged.size} unacknowledged stored, ` +
      `${attempted.size - stored.size} unacknowledged not stored; ${tallies.map((c) => `${c.name} ${c.ok} ok/${c.unavailable} 503`).join(', ')}`,
  );
});
