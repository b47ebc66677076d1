// The hardening check: the real `serve` process with its defaults
// takes 20 concurrent large searches and still answers a tiny GET; `limit` is capped (esmond
// paging still walks everything); 50 slow clients are closed by the server's timeouts (408 for a
// slow request) while others are served, and their aborts are logged as one line, no stack.
// Latencies are printed, not asserted (CI shares two cores; `npm run bench -- harden` measures).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent } from 'node:http';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fillThroughputMetadata } from '../../helpers/throughput-metadata.js';
import { MAX_METADATA_LIMIT } from '../../../src/archive/search.js';
import { spawnArchiveServer, type ArchiveProcess } from '../../helpers/archive-process.js';
import { closeRawAgent, raw } from './raw-request.js';

const LIST = '/esmond/perfsonar/archive/';
const METADATA = 2 * MAX_METADATA_LIMIT + 50;
let dir: string;
let db: string;
const servers: ArchiveProcess[] = [];

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'esmond-harden-'));
  db = join(dir, 'archive.sqlite');
  await fillThroughputMetadata(db, METADATA);
});

after(async () => {
  closeRawAgent();
  await Promise.all(servers.map((s) => s.stop()));
  rmSync(dir, { recursive: true, force: true });
});

async function start(args: string[] = []): Promise<ArchiveProcess> {
  const s = await spawnArchiveServer(['--db', db, '--no-dns', ...args]);
  servers.push(s);
  return s;
}

test('defaults: 20 concurrent large searches and a tiny GET; limit is capped and paging still walks all', async () => {
  const s = await start();
  const large = Array.from({ length: 20 }, () => raw(s.url, 'GET', `${LIST}?limit=100000`));
  const began = performance.now();
  // Its own connection: the shared test agent's sockets are busy with the large searches.
  const tiny = await raw(s.url, 'GET', `${LIST}?limit=1`, { agent: new Agent() });
  const tinyMs = performance.now() - began;
  assert.equal(tiny.status, 200);
  const pages = await Promise.all(large);
  const allMs = performance.now() - began;
  console.log(`# tiny GET beside 20 large searches: ${tinyMs.toFixed(0)} ms (all 20 done in ${allMs.toFixed(0)} ms)`);
  for (const page of pages) {
    assert.equal(page.status, 200);
    const body = page.json() as Array<Record<string, unknown>>;
    assert.equal(body.length, MAX_METADATA_LIMIT);
    const head = body.at(0);
    assert.ok(head);
    assert.equal(head['metadata-count-total'], METADATA);
    assert.match(
      String(head['metadata-next-page']),
      new RegExp(`limit=${MAX_METADATA_LIMIT}&offset=${MAX_METADATA_LIMIT}`),
    );
  }
  const rest = await raw(s.url, 'GET', `${LIST}?limit=100000&offset=${2 * MAX_METADATA_LIMIT}`);
  assert.equal((rest.json() as unknown[]).length, METADATA - 2 * MAX_METADATA_LIMIT);
});

/** Resolves with what the server sent once it closed the socket. */
function closedBy(socket: Socket): Promise<string> {
  let text = '';
  socket.on('data', (d: Buffer) => (text += d.toString('latin1')));
  socket.on('error', () => undefined);
  return new Promise((resolve) =>
    socket.on('close', () => {
      resolve(text);
    }),
  );
}

test('50 slow clients are closed by the timeouts (408 for a slow request) while others are served', async () => {
  const s = await start(['--headers-timeout', '1', '--request-timeout', '2', '--socket-timeout', '3']);
  const { port } = new URL(s.url);
  const sockets: Socket[] = [];
  const closed: Array<Promise<string>> = [];
  const drips: NodeJS.Timeout[] = [];
  for (let i = 0; i < 50; i++) {
    const socket = connect(Number(port), '127.0.0.1');
    sockets.push(socket);
    closed.push(closedBy(socket));
    if (i % 2 === 0) {
      // Headers one byte at a time, never finished.
      socket.write('GET / HTTP/1.1\r\nHost: x\r\n');
      drips.push(setInterval(() => socket.writable && socket.write('X'), 200));
    } else {
      // Complete headers, then a body dripping one byte at a time.
      socket.write(
        `PUT ${LIST} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\nAuthorization: Token nope\r\n\r\n`,
      );
      drips.push(setInterval(() => socket.writable && socket.write('{'), 200));
    }
  }
  try {
    const began = performance.now();
    const other = await raw(s.url, 'GET', `${LIST}?limit=1`, { agent: new Agent() });
    console.log(`# GET beside 50 slow clients: ${(performance.now() - began).toFixed(0)} ms`);
    assert.equal(other.status, 200);
    const answers = await Promise.all(closed);
    const timedOut = answers.filter((t) => t.startsWith('HTTP/1.1 408 ')).length;
    console.log(`# slow clients: ${answers.length} closed by the server, ${timedOut} with a 408`);
    assert.equal(answers.length, 50);
    assert.ok(timedOut >= 25, `slow requests get 408: ${timedOut}`);
  } finally {
    for (const d of drips) clearInterval(d);
    for (const socket of sockets) socket.destroy();
  }
  assert.equal((await raw(s.url, 'GET', `${LIST}?limit=1`)).status, 200);
  assert.doesNotMatch(s.stderr(), /\n\s+at /, 'no stack trace in the log');
});
