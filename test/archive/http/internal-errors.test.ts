// Fault injection: a bug inside the core (a plain Error, not an ApiError) becomes a logged JSON
// 500; a failure in the middle of a streamed page cuts the connection instead of sending a
// well-formed but truncated array.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { serveArchive, type RunningArchive } from '../../../src/archive/serve.js';
import type { ArchiveService } from '../../../src/archive/types.js';
import type { WirePoint } from '../../../src/model/wire.js';
import { startArchive, type TestArchive } from '../../helpers/archive.js';
import { closeRawAgent, raw } from './raw-request.js';

let real: TestArchive;
let broken: RunningArchive;
const logged: string[] = [];

before(async () => {
  real = await startArchive();
  // The real service, with two methods sabotaged.
  const service: ArchiveService = Object.create(real.service) as ArchiveService;
  service.searchMetadataStream = async () => {
    throw new Error('boom: simulated bug');
  };
  service.readData = async () => ({
    points: (async function* (): AsyncGenerator<WirePoint[]> {
      for (let i = 0; i < 20_000; i += 1000) yield Array.from({ length: 1000 }, (_, j) => ({ ts: i + j, val: i + j }));
      throw new Error('storage vanished mid-page');
    })(),
  });
  broken = await serveArchive({ service, port: 0, log: (line) => logged.push(line) });
});

after(async () => {
  closeRawAgent();
  await broken.close();
  await real.close();
});

test('an unexpected exception: 500 {"detail": …} in JSON, logged once', async () => {
  const r = await raw(broken.url, 'GET', '/esmond/perfsonar/archive/');
  assert.equal(r.status, 500);
  assert.equal(r.headers['content-type'], 'application/json');
  assert.deepEqual(r.json(), { detail: 'Internal server error.' });
  assert.equal(logged.filter((l) => l.includes('boom: simulated bug')).length, 1);
  // The server keeps serving.
  assert.equal((await raw(broken.url, 'GET', '/esmond/perfsonar/')).status, 200);
});

test('a failure mid-stream cuts the connection (no well-formed truncated answer)', async () => {
  await assert.rejects(raw(broken.url, 'GET', '/esmond/perfsonar/archive/abc/throughput/base'));
  assert.ok(logged.some((l) => l.includes('storage vanished mid-page')));
  assert.equal((await raw(broken.url, 'GET', '/esmond/perfsonar/')).status, 200);
});
