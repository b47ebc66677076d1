/**
 * What the pScheduler loader sends, captured on the wire (a recording proxy in front of the real
 * archive) and compared as a real esmond would store it: Python `str()` of each metadata member,
 * so `30.0` and `30` differ as they do in esmond's metadata checksum. Also: `#` members, and
 * results naming hosts that do not resolve (stop, exit 1, `--resolve` later stores them).
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestArchive } from '../helpers/archive.js';
import type { FlakyProxy, RecordedRequest } from '../helpers/flaky-proxy.js';
import { recordedArchives } from '../helpers/recorded-archive.js';
import { captureIo } from '../helpers/capture-io.js';
import { makeLoadPscheduler } from '../../src/cli/load-pscheduler.js';
import { pyJson } from '../../src/format/python-repr.js';
import { mapRecord } from '../../src/model/pscheduler/map.js';
import { ArchiveSink } from '../../src/loaders/sink.js';
import { createClient } from '../../src/client.js';
import { allMetadata } from './archive-compare.js';
import { archiverInput, esmondParameters, mappingVectors, parsePython, recordInputOf } from './pscheduler-vectors.js';

/** A loader on a machine whose DNS knows no names. */
const load = makeLoadPscheduler({ resolve: async () => undefined });

/** The metadata POST bodies the proxy saw (POSTs to the archive root). */
const metadataPosts = (proxy: FlakyProxy): RecordedRequest[] =>
  proxy.recorded.filter((r) => r.method === 'POST' && /\/perfsonar\/archive\/?$/.test(r.url));

describe('pScheduler metadata on the wire', () => {
  let a: TestArchive;
  let proxy: FlakyProxy;
  let dir: string;
  const archives = recordedArchives();
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'pscheduler-wire-'));
  });
  after(async () => {
    await archives.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const fresh = async (): Promise<void> => {
    ({ a, proxy } = await archives.fresh());
  };
  const run = async (argv: string[], stdin = ''): Promise<{ code: number; out: string; err: string }> => {
    const io = captureIo({ stdin, cwd: dir });
    const code = await load([...argv, '-U', proxy.url, '-k', a.apiKey], io);
    return { code, out: io.out(), err: io.err() };
  };

  test("every vector through the loaders' client: the body on the wire is the vector's metadata, member by member as esmond stores it", async () => {
    await fresh();
    const client = createClient({ url: proxy.url, credentials: { apiKey: a.apiKey }, serializeBody: pyJson });
    try {
      const sink = new ArchiveSink(client);
      const vectors = mappingVectors().filter((v) => v.expectedPython !== undefined);
      assert.equal(vectors.length, 9);
      for (const v of vectors) {
        const rec = mapRecord(recordInputOf(v.input), {
          rawPointToPoint: true,
          addRaw: v.input.enable_data_raw_after_construction === true,
        });
        const seen = metadataPosts(proxy).length;
        await sink.store([{ metadata: rec.metadata, ts: rec.point.ts, values: rec.point.val }]);
        const posts = metadataPosts(proxy).slice(seen);
        assert.equal(posts.length, 1, v.name);
        assert.deepStrictEqual(esmondParameters(posts[0]!.body), esmondParameters(pyJson(v.expectedPython)), v.name);
      }
      // The floats the archiver computes keep their text: a trace's sendwait/wait (1.0, 60.0).
      const trace = metadataPosts(proxy).find((p) => p.body.includes('"tool-name": "traceroute"'))!;
      assert.match(trace.body, /"time-probe-interval": 1\.0, /);
      assert.match(trace.body, /"time-test-timeout": 60\.0, /);
    } finally {
      await client.close();
    }
  });

  test('every vector through esmond-ps-load-pscheduler: str() of each member as the real archiver sends it (time-duration a float)', async () => {
    await fresh();
    const vectors = mappingVectors().filter((v) => v.expectedPython !== undefined);
    const stdin = vectors.map((v) => JSON.stringify(archiverInput(v))).join('\n');
    const r = await run([], stdin);
    assert.equal(r.code, 0, r.err);
    const byCase = new Map(
      metadataPosts(proxy).map((p) => [
        (parsePython(p.body) as Record<string, unknown>)['pscheduler-reference-case'],
        p.body,
      ]),
    );
    for (const v of vectors) {
      const body = byCase.get(v.name);
      assert.ok(body !== undefined, `${v.name} posted`);
      const want = esmondParameters(pyJson(v.expectedPython));
      // What the real archiver sends beyond the unit test's record: a float duration (timedelta
      // seconds), pscheduler/<tool>, the reference; raw records are network-element records.
      want.set('time-duration', `${v.input.duration}.0`);
      want.set('tool-name', `pscheduler/${v.input.tool_name}`);
      want.set('pscheduler-reference-case', v.name);
      if (v.input.test_type === 'bar') {
        want.delete('destination');
        want.delete('input-destination');
        want.set('subject-type', 'network-element');
        want.set('input-source', String(v.input.lead_participant));
      }
      assert.deepStrictEqual(esmondParameters(body), want, v.name);
    }
  });

  test('values copied from the test spec keep their type: a whole number written as a float stays a float', async () => {
    await fresh();
    const v = mappingVectors().find((x) => x.name === 'latency-powstream')!;
    const text = JSON.stringify(archiverInput(v)).replace(
      '"packet-interval":0.001',
      '"packet-interval":0.001,"packet-timeout":2.0,"packet-count":600,"ip-tos":1e1',
    );
    assert.match(text, /"packet-timeout":2\.0/);
    const r = await run([], text);
    assert.equal(r.code, 0, r.err);
    const [post] = metadataPosts(proxy);
    const stored = esmondParameters(post!.body);
    assert.equal(stored.get('time-probe-timeout'), '2.0');
    assert.equal(stored.get('sample-size'), '600');
    assert.equal(stored.get('ip-tos'), '10.0');
    assert.equal(stored.get('time-probe-interval'), '0.001');
    assert.equal(stored.get('time-duration'), '60.0');
  });

  test('"#" members are dropped before mapping, in the tool and in the archive route', async () => {
    await fresh();
    const v = mappingVectors().find((x) => x.name === 'rtt-ping')!;
    const doc = archiverInput(v);
    doc.result.test.spec = { ...doc.result.test.spec, '#why': 'comment' };
    doc.result.reference = { ...doc.result.reference, '#note': 'comment', nested: { '#x': 1, kept: 2 } };
    doc.result.result = { ...doc.result.result, '#debug': 'comment' };
    const r = await run([], JSON.stringify(doc));
    assert.equal(r.code, 0, r.err);
    const [post] = metadataPosts(proxy);
    assert.ok(!post!.body.includes('#'), post!.body);
    assert.match(post!.body, /"pscheduler-reference-nested-kept": 2/);
    // The archive route maps through the same code.
    const routed = { ...doc, result: { ...doc.result, reference: { ...doc.result.reference, case: 'routed' } } };
    const res = await fetch(`${a.url}/esmond/perfsonar/pscheduler/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Token ${a.apiKey}` },
      body: JSON.stringify(routed),
    });
    assert.equal(res.status, 201, await res.clone().text());
    const [md] = await allMetadata(a.archiveUrl, '&pscheduler-reference-case=routed');
    assert.ok(md);
    assert.deepStrictEqual(
      Object.keys(md).filter((k) => k.includes('#')),
      [],
    );
    assert.equal(md['pscheduler-reference-nested-kept'], '2');
  });

  test('a result naming a host that does not resolve stops the run (exit 1, a one-line reason); a second run with --resolve stores it', async () => {
    await fresh();
    const v = mappingVectors().find((x) => x.name === 'rtt-ping')!;
    const doc = (n: number, dest: string): string => {
      const d = archiverInput(v);
      d.result.test.spec = { ...d.result.test.spec, dest };
      d.result.reference = { case: `run-${n}` };
      return JSON.stringify(d);
    };
    const input = [doc(1, '10.0.0.2'), doc(2, 'lima-perfsonar-vm'), doc(3, '10.0.0.3')].join('\n');
    const first = await run([], input);
    assert.equal(first.code, 1);
    assert.equal(
      first.err,
      'esmond-ps-load-pscheduler: <stdin>:2: not stored: cannot resolve source "10.0.0.1" and destination "lima-perfsonar-vm" to addresses of one IP family ' +
        '(give its address with --resolve NAME=ADDRESS or --hosts FILE); stopped here, later results were not read\n',
    );
    assert.match(first.out, /^Stored 1 result\(s\): 1 metadata, \d+ point\(s\); stopped at <stdin>:2\n$/);
    assert.deepStrictEqual(
      (await allMetadata(a.archiveUrl, '&tool-name=pscheduler/ping')).map((m) => m['pscheduler-reference-case']),
      ['run-1'],
    );

    const hosts = join(dir, 'hosts');
    writeFileSync(hosts, '10.0.0.44 lima-perfsonar-vm\n');
    const second = await run(['--hosts', hosts], input);
    assert.equal(second.code, 0, second.err);
    assert.match(second.out, /^Stored 3 result\(s\): 3 metadata, /);
    const cases = (await allMetadata(a.archiveUrl, '&tool-name=pscheduler/ping'))
      .map((m) => m['pscheduler-reference-case'])
      .sort();
    assert.deepStrictEqual(cases, ['run-1', 'run-2', 'run-3']);
    const [lima] = await allMetadata(a.archiveUrl, '&pscheduler-reference-case=run-2');
    assert.ok(lima);
    assert.equal(lima.destination, '10.0.0.44');
    assert.equal(lima['input-destination'], 'lima-perfsonar-vm');

    const viaResolve = await run(['--resolve', 'lima-perfsonar-vm=10.0.0.44'], input);
    assert.equal(viaResolve.code, 0, viaResolve.err);
    assert.match(viaResolve.out, /were already in the archive and were left as they were/);
  });
});
