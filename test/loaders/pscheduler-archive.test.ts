import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startArchive, type TestArchive } from '../helpers/archive.js';
import { makeLoadPscheduler } from '../../src/cli/load-pscheduler.js';
import { archiverInput, mappingVectors, RESULTS_DIR, RUN_HREF, type MappingVector } from './pscheduler-vectors.js';
import { allMetadata, paramForm, storedForm, storedValues } from './archive-compare.js';
import { captureIo as capture, type CapturedIo } from '../helpers/capture-io.js';

const captureIo = (stdin = ''): CapturedIo => capture({ stdin, now: Date.UTC(2026, 0, 1) });

/** Parameters the archiver computes from ISO durations with `total_seconds()`: Python floats. */
const FLOAT_SECONDS = new Set(['time-duration', 'time-probe-interval', 'time-test-timeout', 'time-probe-timeout']);

/**
 * A parameter as the archive stores it: esmond's `str()` of the posted value. The archiver
 * sends ISO durations as floats (`60.0`), so the archive holds `"60.0"` where the vector's unit
 * test passed the int 60.
 */
function parameterForm(key: string, val: unknown): string {
  if (FLOAT_SECONDS.has(key) && typeof val === 'number' && Number.isInteger(val)) return `${val}.0`;
  return paramForm(val);
}

/** What the archive holds for one vector matches the vector (tool-name and run href as the real archiver sends them). */
async function assertArchiveHolds(a: TestArchive, v: MappingVector): Promise<void> {
  const all = await allMetadata(a.archiveUrl, `&pscheduler-reference-case=${v.name}`);
  assert.equal(all.length, 1, `one metadata for ${v.name}`);
  const md = all[0]!;
  const exp = v.expected.metadata;
  assert.equal(md['tool-name'], `pscheduler/${v.input.tool_name}`);
  // Raw records are network-element records in the real archiver (the vector's unit test builds them point-to-point).
  if (exp !== undefined && v.input.test_type !== 'bar') {
    for (const [k, val] of Object.entries(exp)) {
      if (k === 'event-types') continue;
      const want = k === 'tool-name' ? `pscheduler/${String(val)}` : parameterForm(k, val);
      assert.equal(md[k], want, `${v.name}: ${k}`);
    }
    const wantEts = [...exp['event-types'].map((e) => e['event-type']), 'pscheduler-run-href'].sort();
    assert.deepStrictEqual(md['event-types'].map((e) => e['event-type']).sort(), wantEts);
    for (const e of exp['event-types']) {
      const got = md['event-types'].find((x) => x['event-type'] === e['event-type']);
      assert.ok(got, `${v.name}: ${e['event-type']} is stored`);
      const want = (e.summaries ?? []).map((s) => `${s['summary-type']} ${s['summary-window']}`).sort();
      assert.deepStrictEqual(
        got.summaries.map((s) => `${s['summary-type']} ${s['summary-window']}`).sort(),
        want,
        `${v.name}: summaries of ${e['event-type']}`,
      );
    }
  }
  const held = await storedValues(a.url, md);
  const declared = new Set(md['event-types'].map((e) => e['event-type']));
  const want = new Map<string, unknown>();
  const point = v.expected.data![0]!;
  for (const x of point.val)
    if (declared.has(x['event-type'])) want.set(`${point.ts} ${x['event-type']}`, storedForm(x['event-type'], x.val));
  want.set(`${point.ts} pscheduler-run-href`, { href: RUN_HREF });
  assert.deepStrictEqual(held, want, v.name);
}

describe('pScheduler results into the real archive', () => {
  let a: TestArchive;
  before(async () => {
    a = await startArchive({ withUser: true });
  });
  after(async () => {
    await a.close();
  });

  test('every golden vector through the ingest route: the archive holds exactly the mapped record', async () => {
    for (const v of mappingVectors()) {
      const r = await fetch(`${a.url}/esmond/perfsonar/pscheduler/`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Token ${a.apiKey}` },
        body: JSON.stringify(archiverInput(v)),
      });
      assert.equal(r.status, 201, `${v.name}: ${await r.clone().text()}`);
      const counts = (await r.json()) as { results: number; metadata: number; points: number };
      assert.equal(counts.results, 1);
      await assertArchiveHolds(a, v);
    }
  });

  test('sending the same run again stores nothing twice', async () => {
    const v = mappingVectors().find((x) => x.name === 'latency-powstream')!;
    const r = await fetch(`${a.url}/esmond/perfsonar/pscheduler/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Token ${a.apiKey}` },
      body: JSON.stringify(archiverInput(v)),
    });
    assert.equal(r.status, 201);
    const counts = (await r.json()) as { points: number };
    // Integer and percentage values are refused as duplicates; json/histogram ones are replaced in place.
    assert.ok(counts.points < 9, JSON.stringify(counts));
    await assertArchiveHolds(a, v);
  });

  test('the route refuses writes without credentials and malformed results with a clear 400', async () => {
    const v = mappingVectors()[0]!;
    const anon = await fetch(`${a.url}/esmond/perfsonar/pscheduler/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(archiverInput(v)),
    });
    assert.equal(anon.status, 401);
    const before = (await allMetadata(a.archiveUrl)).length;
    for (const [body, detail] of [
      [{ result: { schedule: {} } }, /test definition/],
      [
        {
          ...archiverInput(v),
          result: { ...(archiverInput(v).result as object), schedule: { start: 'x', duration: 'PT1S' } },
        },
        /schedule.start/,
      ],
      [[archiverInput(v), 42], /Result 2: .*JSON object/],
      [[], /No pScheduler result/],
    ] as const) {
      const r = await fetch(`${a.url}/esmond/perfsonar/pscheduler/`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Token ${a.apiKey}` },
        body: JSON.stringify(body),
      });
      assert.equal(r.status, 400);
      assert.match(((await r.json()) as { detail: string }).detail, detail);
    }
    assert.equal((await allMetadata(a.archiveUrl)).length, before, 'nothing stored by rejected requests');
  });
});

describe('esmond-ps-load-pscheduler', () => {
  const dns: Record<string, { 4?: string; 6?: string }> = { 'psched-dev2': { 4: '10.0.1.99' } };
  const load = makeLoadPscheduler({ resolve: async (h, f) => dns[h]?.[f] });

  test('loads every vector (one document per line on stdin) and matches the archive', async () => {
    const a = await startArchive({ withUser: true });
    try {
      const vectors = mappingVectors();
      const io = captureIo(vectors.map((v) => JSON.stringify(archiverInput(v))).join('\n'));
      const code = await load(['-U', a.url, '-s', 'esmond', '-u', 'test-writer', '-k', a.apiKey], io);
      assert.equal(code, 0, io.err());
      assert.match(
        io.out(),
        new RegExp(`^Stored ${vectors.length} result\\(s\\): \\d+ metadata, \\d+ point\\(s\\)\\n$`),
      );
      for (const v of vectors) await assertArchiveHolds(a, v);
    } finally {
      await a.close();
    }
  });

  test('the 2016 archiver inputs: good ones stored, a malformed spec rejected with exit 1', async () => {
    const a = await startArchive({ withUser: true });
    const dir = mkdtempSync(join(tmpdir(), 'pscheduler-load-'));
    try {
      const files = ['latency-owping', 'rtt-ping', 'trace-traceroute', 'throughput-iperf2'].map((n) =>
        join(RESULTS_DIR, `esmond-archiver-input-${n}-2016.json`),
      );
      const io = captureIo();
      const code = await load(['-U', a.archiveUrl, '-k', a.apiKey, ...files], io);
      assert.equal(code, 1);
      // iperf2's spec says "destination" where the archiver needs "dest".
      assert.match(io.err(), /throughput-iperf2-2016\.json: rejected: throughput spec has no "dest"/);
      assert.match(io.out(), /^Stored 3 result\(s\): 3 metadata, \d+ point\(s\); 1 input\(s\) rejected\n$/);
      const mds = await allMetadata(a.archiveUrl);
      assert.equal(mds.length, 3);
      const rtt = mds.find((m) => m['pscheduler-test-type'] === 'rtt')!;
      assert.equal(rtt['input-source'], 'psched-dev2');
      assert.equal(rtt.source, '10.0.1.99');
      assert.equal(rtt['measurement-agent'], '10.0.1.99');
      const trace = mds.find((m) => m['pscheduler-test-type'] === 'trace')!;
      assert.ok(
        trace['event-types'].some((e) => e['event-type'] === 'pscheduler-raw'),
        'mapped-and-raw from the archive spec',
      );
      // Garbage and an empty file are rejected, nothing stored.
      writeFileSync(join(dir, 'bad.json'), '{"not": "a result"}\nnot json\n');
      writeFileSync(join(dir, 'empty.json'), '');
      const io2 = captureIo();
      assert.equal(
        await load(
          [
            '-U',
            a.archiveUrl,
            '-k',
            a.apiKey,
            join(dir, 'bad.json'),
            join(dir, 'empty.json'),
            join(dir, 'missing.json'),
          ],
          io2,
        ),
        1,
      );
      assert.match(io2.err(), /bad\.json:1: rejected: Unable to find test definition/);
      assert.match(io2.err(), /bad\.json:2: rejected: not valid JSON/);
      assert.match(io2.err(), /empty\.json: rejected: no JSON document/);
      assert.match(io2.err(), /missing\.json: rejected: ENOENT/);
      assert.match(io2.out(), /^Stored 0 result\(s\): 0 metadata, 0 point\(s\); 4 input\(s\) rejected\n$/);
      assert.equal((await allMetadata(a.archiveUrl)).length, 3);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await a.close();
    }
  });

  test('a result the archive refuses (400) is rejected; the others of its batch are stored', async () => {
    const a = await startArchive({ withUser: true });
    try {
      const [v1, v2] = mappingVectors().filter((v) => v.name.startsWith('latency'));
      const bad = archiverInput(v1!);
      // statistics are not allowed on an integer event type: the archive answers 400.
      (bad.data as Record<string, unknown>).summaries = [
        { 'event-type': 'packet-count-sent', 'summary-type': 'statistics', 'summary-window': 0 },
      ];
      const io = captureIo([JSON.stringify(bad), JSON.stringify(archiverInput(v2!))].join('\n'));
      assert.equal(await load(['-U', a.url, '-k', a.apiKey], io), 1);
      assert.match(
        io.err(),
        /<stdin>:1: rejected: the archive refused it: .*Summary type statistics not allowed for event-type packet-count-sent/,
      );
      assert.match(io.out(), /^Stored 1 result\(s\): 1 metadata, 9 point\(s\); 1 input\(s\) rejected\n$/);
      await assertArchiveHolds(a, v2!);
    } finally {
      await a.close();
    }
  });

  test('bare results ({test, tool, result}) need --start; with it they map like the vectors', async () => {
    const a = await startArchive({ withUser: true });
    try {
      const names = [
        'latency-powstream',
        'rtt-ping',
        'throughput-iperf3-tcp-2streams',
        'throughput-iperf3-udp',
        'trace-tracepath-mtu',
        'trace-traceroute-as',
      ];
      const files = names.map((n) => join(RESULTS_DIR, `${n}-result.json`));
      const io = captureIo();
      assert.equal(await load(['-U', a.url, '-k', a.apiKey, files[0]!], io), 1);
      assert.match(
        io.err(),
        /rejected: "schedule" with "start" and "duration" is required; for a bare result \(\{test, tool, result\}\) give its start time with --start TIME/,
      );
      const io2 = captureIo();
      assert.equal(
        await load(
          ['-U', a.url, '-k', a.apiKey, '--start', '2017-06-20T15:06:46Z', '--duration', 'PT60S', ...files],
          io2,
        ),
        0,
        io2.err(),
      );
      assert.match(io2.out(), /^Stored 6 result\(s\): 6 metadata, \d+ point\(s\)\n$/);
      // The latency result is the latency vector's: same metadata (tool-name prefixed) and values.
      const v = mappingVectors().find((x) => x.name === 'latency-powstream')!;
      const md = (await allMetadata(a.archiveUrl, '&pscheduler-test-type=latency'))[0]!;
      for (const [k, val] of Object.entries(v.expected.metadata!)) {
        if (k !== 'event-types')
          assert.equal(md[k], k === 'tool-name' ? `pscheduler/${String(val)}` : parameterForm(k, val), k);
      }
      const want = new Map(
        v.expected.data![0]!.val.map((x) => [`${v.input.ts} ${x['event-type']}`, storedForm(x['event-type'], x.val)]),
      );
      assert.deepStrictEqual(await storedValues(a.url, md), want);
    } finally {
      await a.close();
    }
  });

  test('usage errors and an unreachable archive', async () => {
    const io = captureIo();
    assert.equal(await load(['--policy', 'all'], io), 2);
    assert.match(
      io.err(),
      /^Usage: esmond-ps-load-pscheduler .*\n\nesmond-ps-load-pscheduler: error: option --policy: invalid choice/,
    );
    const v = mappingVectors()[0]!;
    const io2 = captureIo(JSON.stringify(archiverInput(v)));
    // Port 9 on loopback: nothing listens there, so the connection is refused at once.
    assert.equal(await load(['-U', 'http://127.0.0.1:9', '-k', 'k'], io2), 1);
    assert.match(io2.err(), /storing failed: /);
  });
});
