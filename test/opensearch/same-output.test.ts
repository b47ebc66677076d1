/**
 * The same pScheduler measurements, loaded into our esmond archive by esmond-ps-load-pscheduler
 * and indexed into a perfSONAR 5 OpenSearch by the Logstash rules, print the same
 * `esmond-ps-get` output in every format, for every event type of every test type and for the
 * summaries — through the OpenSearch backend as through the esmond one.
 *
 * The one thing Logstash loses for good is the order of histogram buckets (it sorts them and
 * stores the keys as floats; the backend writes `39.50` back from `39.5`), so histogram values
 * are compared as bucket sets.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startBoth, type BothArchives } from '../helpers/pscheduler-both.js';
import { createRun } from '../../src/cli/get.js';
import { createGetBulk } from '../../src/cli/get-bulk.js';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTool } from '../cli-query/run-tool.js';

const FORMATS = ['human', 'csv', 'json', 'ndjson'] as const;
const WINDOW = ['-s', '10.0.0.1', '-d', '10.0.0.2', '-I', '-S', '2023-11-14T22:00:00Z', '-E', '2023-11-15T00:00:00Z'];

/** Histogram dicts (`{'39.57': 1, …}` or `{"39.57": 1, …}`) with their buckets in key order. */
function bucketsSorted(text: string): string {
  return text.replace(/\{((?:\s*['"][\d.]+['"]:\s*\d+,?)+)\s*\}/g, (_m, inner: string) => {
    const entries = inner
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '');
    return `{${entries.sort().join(', ')}}`;
  });
}

const esmondGet = createRun({});
const openSearchGet = createRun({ clientOptions: { archive: 'opensearch' } });

const CASES: ReadonlyArray<readonly [string, string, readonly string[]]> = [
  [
    'latency',
    'powstream',
    [
      'histogram-owdelay',
      'histogram-ttl',
      'packet-count-sent',
      'packet-count-lost',
      'packet-loss-rate',
      'packet-duplicates',
      'packet-reorders',
      'time-error-estimates',
      'pscheduler-run-href',
    ],
  ],
  [
    'rtt',
    'ping',
    [
      'histogram-rtt',
      'histogram-ttl-reverse',
      'packet-count-sent',
      'packet-loss-rate-bidir',
      'packet-count-lost-bidir',
      'packet-duplicates-bidir',
      'packet-reorders-bidir',
    ],
  ],
  [
    'throughput',
    'iperf3',
    [
      'throughput',
      'throughput-subintervals',
      'streams-throughput',
      'streams-throughput-subintervals',
      'packet-retransmits',
      'packet-retransmits-subintervals',
      'streams-packet-retransmits',
      'streams-packet-retransmits-subintervals',
      'packet-loss-rate',
      'packet-count-sent',
      'packet-count-lost',
    ],
  ],
  // (traceroute hops report no MTU: no path-mtu there)
  ['trace (traceroute)', 'traceroute', ['packet-trace']],
  ['trace (tracepath)', 'tracepath', ['packet-trace', 'path-mtu']],
];

const SUMMARY_CASES: ReadonlyArray<readonly string[]> = [
  ['-t', 'pscheduler/powstream', '-e', 'histogram-owdelay', '-T', 'statistics', '-W', '0'],
  ['-t', 'pscheduler/powstream', '-e', 'histogram-owdelay', '-T', 'statistics', '-W', '3600'],
  ['-t', 'pscheduler/powstream', '-e', 'histogram-owdelay', '-T', 'aggregation', '-W', '3600'],
  ['-t', 'pscheduler/powstream', '-e', 'packet-loss-rate', '-T', 'aggregation', '-W', '3600'],
  ['-t', 'pscheduler/powstream', '-e', 'packet-count-sent', '-T', 'aggregation', '-W', '300'],
  ['-t', 'pscheduler/ping', '-e', 'histogram-rtt', '-T', 'statistics', '-W', '3600'],
  ['-t', 'pscheduler/ping', '-e', 'packet-loss-rate-bidir', '-T', 'aggregation', '-W', '3600'],
  [
    '-t',
    'pscheduler/iperf3',
    '-F',
    'ip-transport-protocol:tcp',
    '-e',
    'throughput',
    '-T',
    'average',
    '-W',
    '86400',
    '-S',
    '2023-11-14T00:00:00Z',
  ],
];

async function assertSameOutput(b: BothArchives, args: readonly string[]): Promise<void> {
  for (const fmt of FORMATS) {
    const argv = [...WINDOW, '-o', fmt, ...args];
    const viaEsmond = await runTool(esmondGet, ['-u', b.esmond.url, ...argv]);
    const viaOpenSearch = await runTool(openSearchGet, ['-u', b.opensearch.url, ...argv]);
    assert.equal(viaEsmond.code, 0, viaEsmond.stderr);
    assert.equal(viaOpenSearch.code, 0, viaOpenSearch.stderr);
    assert.ok(!viaEsmond.stdout.includes('No data found'), `esmond path has data for ${args.join(' ')}`);
    assert.equal(bucketsSorted(viaOpenSearch.stdout), bucketsSorted(viaEsmond.stdout), `${fmt} ${args.join(' ')}`);
  }
}

describe('esmond-ps-get prints the same through the esmond and the OpenSearch backend', () => {
  let b: BothArchives;
  before(async () => {
    b = await startBoth();
  });
  after(() => b.close());

  for (const [name, tool, eventTypes] of CASES) {
    test(`${name}: every event type, every format`, async () => {
      for (const et of eventTypes) {
        const extra =
          tool === 'iperf3' && /loss|count/.test(et)
            ? ['-F', 'ip-transport-protocol:udp']
            : tool === 'iperf3'
              ? ['-F', 'ip-transport-protocol:tcp']
              : [];
        await assertSameOutput(b, ['-t', `pscheduler/${tool}`, ...extra, '-e', et]);
      }
    });
  }

  test('summaries computed client-side equal the archive’s write-time summaries', async () => {
    for (const args of SUMMARY_CASES) await assertSameOutput(b, args);
  });

  test('histogram bucket keys come back as pScheduler wrote them ("39.50", "247")', async () => {
    const r = await runTool(openSearchGet, ['-u', b.opensearch.url, ...WINDOW, '-o', 'json', '-e', 'histogram-ttl']);
    assert.match(r.stdout, /"247": 600/);
    const d = await runTool(openSearchGet, [
      '-u',
      b.opensearch.url,
      ...WINDOW,
      '-o',
      'json',
      '-e',
      'histogram-owdelay',
    ]);
    assert.match(d.stdout, /"39\.50": 39/);
  });
});

describe('esmond-ps-get-bulk exports the same through both backends', () => {
  test('every series, csv: the same file contents (names differ only in the key suffix of colliding series)', async () => {
    const b = await startBoth();
    const dirs = [mkdtempSync(join(tmpdir(), 'bulk-esmond-')), mkdtempSync(join(tmpdir(), 'bulk-os-'))];
    try {
      const bulk = createGetBulk({});
      const range = ['-S', '2023-11-14T22:00:00Z', '-E', '2023-11-15T00:00:00Z', '-o', 'csv', '-I', '--quiet'];
      const viaEsmond = await runTool(bulk, ['-u', b.esmond.url, '--archive', 'esmond', '-D', dirs[0]!, ...range]);
      const viaOpenSearch = await runTool(bulk, ['-u', b.opensearch.url, '-D', dirs[1]!, ...range]);
      assert.equal(viaEsmond.code, 0, viaEsmond.stderr);
      assert.equal(viaOpenSearch.code, 0, viaOpenSearch.stderr);
      const contents = (dir: string): string[] =>
        readdirSync(dir)
          .filter((f) => f.endsWith('.csv'))
          .map((f) => bucketsSorted(readFileSync(join(dir, f), 'utf8')))
          .sort();
      const esmondFiles = contents(dirs[0]!);
      assert.ok(esmondFiles.length > 30, `${esmondFiles.length} series`);
      assert.deepEqual(contents(dirs[1]!), esmondFiles);
    } finally {
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
      await b.close();
    }
  });
});
