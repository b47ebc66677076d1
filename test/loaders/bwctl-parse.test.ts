import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { extractBwctl } from '../../src/loaders/bwctl/extract.js';
import { iperf3ToEsmond, Iperf3Error } from '../../src/loaders/bwctl/iperf3.js';
import { join } from 'node:path';
import { FIXTURE_SAMPLES } from '../helpers/fixture-data.js';

const sample = (name: string): string => readFileSync(join(FIXTURE_SAMPLES, name), 'utf8');
const ctxOf = (text: string) => {
  const r = extractBwctl(text);
  assert.ok(r.ok, JSON.stringify(r));
  return r.run;
};

/** The parts of iperf3's JSON that tests change. */
interface Iperf3Json {
  start: { test_start: { num_streams: number; protocol: string } };
  intervals: { streams: Record<string, unknown>[] }[];
  end: { streams: { udp: Record<string, unknown> }[] };
}

describe('bwctl output', () => {
  test('TCP, two streams: the metadata and every value of the spec, with the successor conventions', () => {
    const run = ctxOf(sample('bwctl-iperf3-tcp-2streams.txt'));
    assert.equal(run.toolName, 'iperf3');
    assert.equal(run.inputSource, '198.51.100.10');
    assert.equal(run.inputDestination, '203.0.113.20');
    const e = iperf3ToEsmond(run.json, { ...run, measurementAgent: '192.0.2.2' });
    assert.deepStrictEqual(e.metadata, {
      'subject-type': 'point-to-point',
      source: '198.51.100.10',
      destination: '203.0.113.20',
      'tool-name': 'bwctl/iperf3',
      'measurement-agent': '192.0.2.2',
      'input-source': '198.51.100.10',
      'input-destination': '203.0.113.20',
      'event-types': [
        'throughput',
        'throughput-subintervals',
        'packet-retransmits-subintervals',
        'streams-packet-retransmits',
        'streams-packet-retransmits-subintervals',
        'streams-throughput',
        'streams-throughput-subintervals',
        'packet-retransmits',
      ].map((et) => ({ 'event-type': et, summaries: [] })),
      'time-duration': 2,
      'ip-transport-protocol': 'tcp',
      'bw-parallel-streams': 2,
      'bw-ignore-first-seconds': 2,
    });
    assert.equal(e.ts, 1700000000);
    const v = new Map(e.values.map((x) => [x['event-type'], x.val]));
    assert.equal(v.get('throughput'), 9272000000);
    assert.equal(v.get('packet-retransmits'), 15);
    assert.deepStrictEqual(v.get('throughput-subintervals'), [
      { start: 0, duration: 1.000054, val: 9280001000.5 },
      { start: 1, duration: 1.000054, val: 9280001000.5 },
    ]);
    assert.deepStrictEqual(v.get('packet-retransmits-subintervals'), [
      { start: 0, duration: 1.000054, val: 7 },
      { start: 1, duration: 1.000054, val: 7 },
    ]);
    assert.deepStrictEqual(v.get('streams-packet-retransmits'), [7, 8]);
    assert.deepStrictEqual(v.get('streams-throughput'), [4636000000, 4636000001]);
    // Stream-major with key `val` (B19): what the readers and pScheduler use.
    assert.deepStrictEqual(v.get('streams-packet-retransmits-subintervals'), [
      [
        { start: 0, duration: 1.000054, val: 3 },
        { start: 1, duration: 1.000054, val: 3 },
      ],
      [
        { start: 0, duration: 1.000054, val: 4 },
        { start: 1, duration: 1.000054, val: 4 },
      ],
    ]);
    assert.deepStrictEqual((v.get('streams-throughput-subintervals') as unknown[][])[1]![0], {
      start: 0,
      duration: 1.000054,
      val: 4640001000.5,
    });
    assert.equal(e.values.length, 8);
  });

  test('UDP: loss counts and rate, lower-case protocol', () => {
    const run = ctxOf(sample('bwctl-iperf3-udp.txt'));
    const e = iperf3ToEsmond(run.json, { ...run, measurementAgent: '192.0.2.2' });
    assert.equal(e.metadata['ip-transport-protocol'], 'udp');
    const v = new Map(e.values.map((x) => [x['event-type'], x.val]));
    assert.equal(v.get('throughput'), 65533968.6);
    assert.equal(v.get('packet-count-lost'), 3);
    assert.equal(v.get('packet-count-sent'), 2000);
    assert.deepStrictEqual(v.get('packet-loss-rate'), { numerator: 3, denominator: 2000 });
    assert.ok(!v.has('packet-retransmits'));
  });

  test('UDP with several streams and IPv6 endpoints (B26, B29)', () => {
    const text = sample('bwctl-iperf3-udp.txt')
      .replaceAll('198.51.100.10', '2001:db8::10')
      .replaceAll('203.0.113.20', '2001:db8::20');
    const run = ctxOf(text);
    const json = run.json as Iperf3Json;
    json.start.test_start.num_streams = 2;
    json.intervals.forEach((iv) => iv.streams.push({ ...iv.streams[0], socket: 6, bits_per_second: 1 }));
    json.end.streams.push({ udp: { ...json.end.streams[0]!.udp, socket: 6, bits_per_second: 2 } });
    const e = iperf3ToEsmond(json, { ...run, measurementAgent: '2001:db8::2' });
    assert.equal(e.metadata.source, '2001:db8::10');
    const ets = e.metadata['event-types'].map((x) => x['event-type']);
    assert.ok(ets.includes('streams-throughput') && !ets.includes('streams-packet-retransmits'));
    const v = new Map(e.values.map((x) => [x['event-type'], x.val]));
    assert.deepStrictEqual(v.get('streams-throughput'), [65533968.6, 2]);
  });

  test('local sender/receiver lines are recognised (B27)', () => {
    const text = sample('bwctl-iperf3-tcp-2streams.txt').replace('for remote sender', 'for local sender');
    assert.equal(ctxOf(text).inputSource, '198.51.100.10');
  });

  test('extraction errors are listed, in the original words', () => {
    const r = extractBwctl('bwctl: Using tool: iperf3\nsomething else\n');
    assert.ok(!r.ok);
    assert.deepStrictEqual(r.errors, [
      'did not find bwctl: start_tool token to extract JSON from output',
      'bwctl must be run with the --verbose flag',
      'could not extract input_source',
      'could not extract input_destination',
    ]);
    const bad = extractBwctl(sample('bwctl-iperf3-udp.txt').replace('"start": {', '"start": {{'));
    assert.ok(!bad.ok && bad.errors[0]!.startsWith('could not load json_block'));
  });

  test('iperf3 JSON that is not a result', () => {
    const ctx = { toolName: 'iperf3', inputSource: 'a', inputDestination: 'b', measurementAgent: '192.0.2.2' };
    assert.throws(
      () => iperf3ToEsmond({ error: 'unable to connect to server' }, ctx),
      /iperf3 reported an error: unable/,
    );
    assert.throws(() => iperf3ToEsmond({ start: {} }, ctx), Iperf3Error);
    const run = ctxOf(sample('bwctl-iperf3-udp.txt'));
    (run.json as Iperf3Json).start.test_start.protocol = 'SCTP';
    assert.throws(() => iperf3ToEsmond(run.json, ctx), /unsupported iperf3 protocol "SCTP"/);
  });
});
