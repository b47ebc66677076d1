/**
 * Golden outputs of esmond-ps-get, -get-endpoints and -get-metadata against the real embedded
 * archive: tool × format (human, csv, json, ndjson) × data family. Regenerate with
 * UPDATE_GOLDEN=1. The archive draws random metadata keys and a free port, so those two are
 * replaced by placeholders before comparing (only `-M` output contains them).
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createRun as createGetRun, run as getRun } from '../../src/cli/get.js';
import { run as endpointsRun } from '../../src/cli/get-endpoints.js';
import { run as metadataRun } from '../../src/cli/get-metadata.js';
import type { ToolMain } from '../../src/cli/io.js';
import type { TestArchive } from '../helpers/archive.js';
import { startArchive } from '../helpers/archive.js';
import { startFixtureArchive } from './fixture.js';
import { NOW_MS, runTool } from './run-tool.js';

const GOLDEN = join(process.cwd(), 'test', 'golden');
const EXT = { human: 'txt', csv: 'csv', json: 'json', ndjson: 'ndjson' } as const;
const FORMATS = ['human', 'csv', 'json', 'ndjson'] as const;
const RANGE = ['-S', '2023-11-14', '-E', '2023-11-16'];
const PAIR = ['-s', '10.0.0.1', '-d', '10.0.0.2'];

function checkGolden(file: string, actual: string): void {
  const path = join(GOLDEN, file);
  if (process.env.UPDATE_GOLDEN || !existsSync(path)) {
    if (!process.env.UPDATE_GOLDEN) assert.fail(`golden file ${file} missing (run with UPDATE_GOLDEN=1)`);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, actual);
    return;
  }
  assert.equal(actual, readFileSync(path, 'utf8'), `output differs from ${file}`);
}

interface Case {
  tool: 'esmond-ps-get' | 'esmond-ps-get-endpoints' | 'esmond-ps-get-metadata';
  name: string;
  args: string[];
}
const MAINS: Record<Case['tool'], ToolMain> = {
  'esmond-ps-get': getRun,
  'esmond-ps-get-endpoints': endpointsRun,
  'esmond-ps-get-metadata': metadataRun,
};

const GET_FAMILIES: Array<[string, string[]]> = [
  ['numeric', ['-e', 'throughput']],
  ['numeric-average', ['-e', 'throughput', '-T', 'average', '-W', '86400']],
  ['numeric-percentage', ['-e', 'packet-loss-rate']],
  ['network-element', ['-e', 'ntp-offset']],
  ['failures', ['-e', 'failures']],
  ['histogram', ['-e', 'histogram-owdelay']],
  ['histogram-aggregation', ['-e', 'histogram-owdelay', '-T', 'aggregation', '-W', '3600']],
  ['histogram-statistics', ['-e', 'histogram-owdelay', '-T', 'statistics']],
  ['packet-trace', ['-e', 'packet-trace']],
  ['subintervals', ['-e', 'throughput-subintervals']],
  ['number-list', ['-e', 'streams-throughput']],
  ['subinterval-list', ['-e', 'streams-throughput-subintervals']],
  ['unknown', ['-e', 'pscheduler-run-href']],
  ['no-data', ['-e', 'histogram-owdelay', '-T', 'aggregation', '-W', '86400']],
];

const CASES: Case[] = [];
for (const [family, args] of GET_FAMILIES) {
  for (const f of FORMATS) {
    const who = family === 'network-element' ? ['-s', '10.0.0.1'] : PAIR;
    CASES.push({ tool: 'esmond-ps-get', name: `${family}.${EXT[f]}`, args: [...RANGE, ...who, ...args, '-o', f] });
  }
}
// -T without -W reads the metadata's only/smallest window of that type and labels rows with it (B15).
CASES.push({
  tool: 'esmond-ps-get',
  name: 'numeric-average-default-window.csv',
  args: [...RANGE, ...PAIR, '-e', 'throughput', '-T', 'average', '-o', 'csv'],
});
CASES.push({
  tool: 'esmond-ps-get',
  name: 'histogram-aggregation-default-window.csv',
  args: [...RANGE, ...PAIR, '-e', 'histogram-owdelay', '-T', 'aggregation', '-o', 'csv'],
});
// `-M` changes nothing visible on esmond-ps-get.
CASES.push({
  tool: 'esmond-ps-get',
  name: 'numeric-extended.txt',
  args: [...RANGE, ...PAIR, '-e', 'throughput', '-M'],
});
for (const f of FORMATS) {
  CASES.push({
    tool: 'esmond-ps-get-endpoints',
    name: `throughput.${EXT[f]}`,
    args: [...RANGE, '-e', 'throughput', '-o', f],
  });
  CASES.push({
    tool: 'esmond-ps-get-endpoints',
    name: `packet-trace.${EXT[f]}`,
    args: [...RANGE, '-e', 'packet-trace', '-o', f],
  });
  CASES.push({
    tool: 'esmond-ps-get-endpoints',
    name: `no-data.${EXT[f]}`,
    args: [...RANGE, '-s', '10.9.9.9', '-o', f],
  });
  CASES.push({
    tool: 'esmond-ps-get-metadata',
    name: `iperf3.${EXT[f]}`,
    args: [...RANGE, '-t', 'bwctl/iperf3', '-o', f],
  });
  CASES.push({
    tool: 'esmond-ps-get-metadata',
    name: `network-element.${EXT[f]}`,
    args: [...RANGE, '-e', 'ntp-offset', '-o', f],
  });
  if (f !== 'csv')
    CASES.push({
      tool: 'esmond-ps-get-metadata',
      name: `extended.${EXT[f]}`,
      args: [...RANGE, '-t', 'bwctl/iperf3', '-M', '-o', f],
    });
}

describe('golden outputs (hand-made fixture, every family)', () => {
  let archive: TestArchive;
  before(async () => {
    archive = await startFixtureArchive();
  });
  after(async () => {
    await archive.close();
  });
  for (const c of CASES) {
    test(`${c.tool} ${c.name}`, async () => {
      const r = await runTool(MAINS[c.tool], ['-u', archive.url, ...c.args]);
      assert.equal(r.stderr, '');
      assert.equal(r.code, 0);
      const stable = r.stdout
        .replaceAll(archive.url, 'http://127.0.0.1:PORT')
        .replace(/\/archive\/[0-9a-f]{32}\//g, '/archive/KEY/');
      checkGolden(join(c.tool, c.name), stable);
    });
  }
});

// The same esmond-ps-get runs against an archive that compresses every answer the client asks
// to have compressed; the client is told to ask (by default it asks no loopback host): the output
// must not change.
describe('golden outputs of esmond-ps-get through compressed answers', () => {
  const compressedGet = createGetRun({ clientOptions: { compression: true } });
  let archive: TestArchive;
  before(async () => {
    archive = await startFixtureArchive({ compressMinBytes: 1 });
  });
  after(async () => {
    await archive.close();
  });
  for (const c of CASES.filter((x) => x.tool === 'esmond-ps-get' && x.name.endsWith('.csv'))) {
    test(`${c.tool} ${c.name}`, async () => {
      const r = await runTool(compressedGet, ['-u', archive.url, ...c.args]);
      assert.equal(r.stderr, '');
      assert.equal(r.code, 0);
      checkGolden(join(c.tool, c.name), r.stdout);
    });
  }
  test('the archive did compress them', async () => {
    const r = await archive.request('GET', '/esmond/perfsonar/archive/?format=json', {
      headers: { 'Accept-Encoding': 'gzip, br' },
    });
    assert.equal(r.headers['content-encoding'], 'br');
  });
});

describe('filters and IPv6 end to end (B5, B6)', () => {
  let archive: TestArchive;
  before(async () => {
    archive = await startFixtureArchive();
  });
  after(async () => {
    await archive.close();
  });
  test('IPv6 --src/--dest select and print IPv6 endpoints', async () => {
    const r = await runTool(getRun, [
      '-u',
      archive.url,
      ...RANGE,
      '-s',
      '2001:db8::1',
      '-d',
      '2001:db8::2',
      '-e',
      'path-mtu',
      '-o',
      'csv',
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      r.stdout,
      'source,destination,event_type,tool,summary_type,summary_window,timestamp,value\r\n2001:db8::1,2001:db8::2,path-mtu,pscheduler/tracepath,base,0,2023-11-14 22:13:20,1500.0\r\n\n',
    );
  });
  test('-F with a value containing ":" and free-form dashed keys', async () => {
    let r = await runTool(metadataRun, ['-u', archive.url, ...RANGE, '-F', 'source:2001:db8::1', '-o', 'json']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(
      (JSON.parse(r.stdout) as Array<{ source: string }>).map((x) => x.source),
      ['2001:db8::1'],
    );
    r = await runTool(metadataRun, [
      '-u',
      archive.url,
      ...RANGE,
      '-F',
      'bw-parallel-streams:2',
      '-F',
      'ip-transport-protocol:tcp',
      '-o',
      'csv',
    ]);
    assert.equal(
      r.stdout,
      'source,destination,measurement_agent,input_source,input_destination,tool_name\r\n10.0.0.1,10.0.0.2,10.0.0.1,host1.example.net,host2.example.net,bwctl/iperf3\r\n\n',
    );
    r = await runTool(metadataRun, ['-u', archive.url, ...RANGE, '-F', 'ip-transport-protocol:udp']);
    assert.equal(r.stdout, 'No data found.\n');
  });
  test('time filters: the default last-24-hours window finds nothing written two years ago', async () => {
    const r = await runTool(endpointsRun, ['-u', archive.url], { now: Date.UTC(2026, 10, 25) });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'No data found.\n');
  });
});

describe('golden outputs (seeded archive, fixed seed and clock)', () => {
  let archive: TestArchive;
  before(async () => {
    archive = await startArchive({ seed: { hosts: 2, days: 0.05, seed: 7 }, now: () => NOW_MS });
  });
  after(async () => {
    await archive.close();
  });
  const seeded: Array<[string, string[]]> = [
    ['seeded-histogram-rtt-statistics.csv', ['-e', 'histogram-rtt', '-T', 'statistics', '-o', 'csv']],
    ['seeded-packet-trace.txt', ['-e', 'packet-trace', '-o', 'human']],
    ['seeded-throughput.json', ['-e', 'throughput', '-o', 'json']],
    [
      'seeded-packet-loss-rate-aggregation.csv',
      ['-e', 'packet-loss-rate', '-T', 'aggregation', '-W', '300', '-o', 'csv'],
    ],
  ];
  for (const [name, args] of seeded) {
    test(`esmond-ps-get ${name}`, async () => {
      const r = await runTool(getRun, ['-u', archive.url, '-s', '10.0.1.10', '-d', '10.0.2.10', ...args]);
      assert.equal(r.stderr, '');
      assert.equal(r.code, 0);
      assert.notEqual(r.stdout, 'No data found.\n');
      checkGolden(join('esmond-ps-get', name), r.stdout);
    });
  }
});
