// The pScheduler ingest route over HTTP: auth, JSON body checks, both mounts and slash forms,
// 201 with the ingest counts, and the stored result readable through the esmond routes.
import { after, before, test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startArchive, type TestArchive } from '../../helpers/archive.js';
import { closeRawAgent, jsonAuth, raw } from './raw-request.js';
import { FIXTURE_DATA } from '../../helpers/fixture-data.js';
import { testStores } from '../../helpers/stores.js';

for (const store of testStores()) {
  describe(`pScheduler route (${store})`, () => {
    const VECTORS = join(FIXTURE_DATA, 'pscheduler', 'esmond-archiver-vectors');
    const vector = JSON.parse(readFileSync(join(VECTORS, 'throughput-tcp.json'), 'utf8')) as {
      input: Record<string, unknown>;
      expected: { data: Array<{ ts: number; val: Array<{ 'event-type': string; val: unknown }> }> };
    };

    /** The vector's archiver input, as the http-archiver envelope pScheduler would post. */
    const envelope = {
      schedule: { start: new Date(Number(vector.input['ts']) * 1000).toISOString(), duration: 'PT30S' },
      test: { type: vector.input['test_type'], spec: vector.input['test_spec'] },
      tool: { name: vector.input['tool_name'] },
      participants: [vector.input['lead_participant']],
      result: vector.input['test_result'],
    };

    let a: TestArchive;
    before(async () => {
      a = await startArchive({ store });
    });
    after(async () => {
      closeRawAgent();
      await a.close();
    });

    test('POST a pScheduler result: 201 with counts, data readable via the esmond routes', async () => {
      const r = await raw(a.url, 'POST', '/esmond/perfsonar/pscheduler/', {
        headers: jsonAuth(a.apiKey),
        body: JSON.stringify(envelope),
      });
      assert.equal(r.status, 201, r.text);
      assert.equal(r.headers['content-type'], 'application/json');
      const counts = r.json() as { results: number; metadata: number; points: number };
      assert.equal(counts.results, 1);
      assert.equal(counts.metadata, 1);
      assert.ok(counts.points > 0);

      const found = (
        await raw(a.url, 'GET', '/esmond/perfsonar/archive/?event-type=throughput&source=10.0.0.1')
      ).json() as Array<{
        'metadata-key': string;
      }>;
      assert.equal(found.length, 1);
      const ts = vector.expected.data[0]?.ts ?? 0;
      const want = vector.expected.data[0]?.val.find((v) => v['event-type'] === 'throughput')?.val;
      const got = await raw(
        a.url,
        'GET',
        `/esmond/perfsonar/archive/${found[0]?.['metadata-key']}/throughput/base?time=${ts}`,
      );
      assert.deepEqual(got.json(), [{ ts, val: want }]);

      // The same run again is accepted (a duplicate is success for an archiver); the numeric values
      // already stored are skipped, so fewer points are written and throughput keeps one point.
      for (const path of ['/perfsonar/pscheduler', '/esmond/perfsonar/pscheduler']) {
        const again = await raw(a.url, 'POST', path, { headers: jsonAuth(a.apiKey), body: JSON.stringify(envelope) });
        assert.equal(again.status, 201, again.text);
        assert.ok((again.json() as { points: number }).points < counts.points);
      }
      const stored = await raw(a.url, 'GET', `/esmond/perfsonar/archive/${found[0]?.['metadata-key']}/throughput/base`);
      assert.equal((stored.json() as unknown[]).length, 1);
    });

    test('auth, media type, JSON and mapping errors', async () => {
      const body = JSON.stringify(envelope);
      const path = '/esmond/perfsonar/pscheduler/';
      const anon = await raw(a.url, 'POST', path, { headers: { 'Content-Type': 'application/json' }, body });
      assert.equal(anon.status, 401);
      assert.equal(anon.headers['www-authenticate'], 'Token');
      const text = await raw(a.url, 'POST', path, {
        headers: { Authorization: `Token ${a.apiKey}`, 'Content-Type': 'text/plain' },
        body,
      });
      assert.equal(text.status, 415);
      const bad = await raw(a.url, 'POST', path, { headers: jsonAuth(a.apiKey), body: '{"test_type":' });
      assert.equal(bad.status, 400);
      assert.match((bad.json() as { detail: string }).detail, /^JSON parse error - /);
      for (const junk of ['{}', '[]', '42', '{"test_type":"throughput"}']) {
        const r = await raw(a.url, 'POST', path, { headers: jsonAuth(a.apiKey), body: junk });
        assert.equal(r.status, 400, `${junk}: ${r.text}`);
        assert.equal(typeof (r.json() as { detail: unknown }).detail, 'string');
      }
      const get = await raw(a.url, 'GET', path);
      assert.equal(get.status, 405);
      assert.equal(get.headers.allow, 'POST, OPTIONS');
    });
  });
}
