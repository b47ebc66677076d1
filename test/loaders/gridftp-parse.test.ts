import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseNetloggerLine, netloggerMicros } from '../../src/loaders/gridftp/netlogger.js';
import { parseJsonLogLine, normaliseStatKey } from '../../src/loaders/gridftp/json-log.js';
import { transferToEsmond, type TransferRecord } from '../../src/loaders/gridftp/transfer.js';
import { FIXTURE_SAMPLES } from '../helpers/fixture-data.js';
import { parseJson } from '../helpers/json.js';

const SAMPLES = FIXTURE_SAMPLES;
const netLines = readFileSync(`${SAMPLES}/gridftp-transfer.log`, 'utf8')
  .split('\n')
  .filter((l) => l !== '');
const jsonLines = readFileSync(`${SAMPLES}/gridftp-transfer.json.log`, 'utf8')
  .split('\n')
  .filter((l) => l !== '');

function transfer(line: string, parse = parseNetloggerLine): TransferRecord {
  const r = parse(line);
  assert.equal(r.kind, 'transfer', JSON.stringify(r));
  return (r as { record: TransferRecord }).record;
}

describe('netlogger lines', () => {
  test('the sample: RETR, STOR, LIST (not a transfer), a failed RETR', () => {
    assert.deepStrictEqual(
      netLines.map((l) => parseNetloggerLine(l).kind),
      ['transfer', 'transfer', 'other', 'transfer'],
    );
  });

  test('RETR maps to the verified metadata body of the spec (privacy fields only when asked)', () => {
    const t = transfer(netLines[0]!);
    const e = transferToEsmond(t, '127.0.0.1');
    assert.deepStrictEqual(e.metadata, {
      'subject-type': 'point-to-point',
      source: '127.0.0.1',
      destination: '198.51.100.81',
      'tool-name': 'gridftp',
      'measurement-agent': '127.0.0.1',
      'input-source': 'localhost',
      'input-destination': '198.51.100.81',
      'event-types': [
        { 'event-type': 'throughput', summaries: [] },
        { 'event-type': 'streams-packet-retransmits', summaries: [] },
        { 'event-type': 'failures', summaries: [] },
      ],
      'bw-parallel-streams': 4,
      'bw-stripes': 1,
      'gridftp-program': 'globus-gridftp-server',
      'gridftp-block-size': 262144,
      'tcp-window-size': 87380,
      'gridftp-bytes-transferred': 100000000,
    });
    const withAll = transferToEsmond(t, '127.0.0.1', { file: true, user: true, volume: true }).metadata;
    assert.equal(withAll['gridftp-file'], '/data1/100M.dat');
    assert.equal(withAll['gridftp-user'], 'anonymous');
    assert.equal(withAll['gridftp-volume'], '/');
    // 8 × 100 000 000 bytes over 10.400112 s (from microseconds, exactly as Python's timedelta).
    assert.equal(e.ts, Math.trunc(Date.UTC(2023, 10, 14, 22, 13, 20) / 1000));
    assert.deepStrictEqual(e.values, [
      { 'event-type': 'throughput', val: 800000000 / 10.400112 },
      { 'event-type': 'streams-packet-retransmits', val: [36, 17, 27, 25] },
    ]);
  });

  test('STOR swaps source and destination', () => {
    const e = transferToEsmond(transfer(netLines[1]!), '127.0.0.1');
    assert.equal(e.metadata.source, '198.51.100.82');
    assert.equal(e.metadata.destination, '127.0.0.1');
    assert.equal(e.metadata['input-destination'], 'localhost');
  });

  test('a non-226 code gives a failures value only', () => {
    const e = transferToEsmond(transfer(netLines[3]!), '127.0.0.1');
    assert.deepStrictEqual(e.values, [
      { 'event-type': 'failures', val: { error: '426 Connection closed; transfer aborted.' } },
    ]);
    const unknown = transferToEsmond({ ...transfer(netLines[3]!), code: 499 }, '127.0.0.1');
    assert.deepStrictEqual(unknown.values[0]!.val, { error: '499 None' });
  });

  test('zero duration leaves the throughput out', () => {
    const line = netLines[0]!.replace('DATE=20231114221330.512345', 'DATE=20231114221320.112233');
    assert.deepStrictEqual(
      transferToEsmond(transfer(line), '127.0.0.1').values.map((v) => v['event-type']),
      ['streams-packet-retransmits'],
    );
  });

  test('values with = and spaces, and the main-log "Transfer stats" form', () => {
    const line = netLines[0]!.replace('FILE=/data1/100M.dat', 'FILE=/data1/my file=v2.dat');
    assert.equal(transfer(line).file, '/data1/my file=v2.dat');
    const main = `[12345] Tue Nov 14 22:13:30 2023 :: Transfer stats: ${netLines[0]}`;
    assert.equal(transfer(main).nbytes, 100000000);
  });

  test('malformed lines are reported, never thrown', () => {
    const bad = [
      'garbage without fields',
      netLines[0]!.replace('START=20231114221320.112233', 'START=yesterday'),
      netLines[0]!.replace(/DATE=\S+ /, ''),
      netLines[0]!.replace('NBYTES=100000000', 'NBYTES=lots'),
      netLines[0]!.replace('retrans=36,17,27,25', 'retrans=1,x'),
      netLines[0]!.replace('CODE=226', 'CODE=ok'),
      netLines[0]!.replace(/HOST=\S+ /, ''),
      netLines[0]!.replace(/TYPE=RETR /, ''),
    ];
    for (const line of bad) assert.equal(parseNetloggerLine(line).kind, 'malformed', line);
    assert.equal(parseNetloggerLine('   ').kind, 'blank');
    assert.equal(netloggerMicros('20231314000000.0'), undefined);
  });
});

describe('JSON lines', () => {
  test('the sample: Transfer-Start is not a transfer, bad JSON is malformed', () => {
    assert.deepStrictEqual(
      jsonLines.map((l) => parseJsonLogLine(l).kind),
      ['other', 'transfer', 'malformed', 'transfer', 'transfer'],
    );
  });

  test('a Transfer-End maps with stripes, retransmits and normalised stats (declared, B35)', () => {
    const t = transfer(jsonLines[1]!, parseJsonLogLine);
    assert.equal(t.host, 'gridftp1.example.org');
    const e = transferToEsmond(t, '192.0.2.7', { json: true, file: true });
    assert.equal(e.metadata.source, '192.0.2.7');
    assert.equal(e.metadata['input-source'], 'gridftp1.example.org');
    assert.equal(e.metadata['bw-stripes'], 1);
    assert.equal(e.metadata['gridftp-file'], '/data1/10G.dat');
    assert.deepStrictEqual(
      e.metadata['event-types'].map((x) => x['event-type']),
      ['throughput', 'streams-packet-retransmits', 'failures', 'rusage', 'iostat', 'mpstat', 'streams-tcpinfo'],
    );
    const vals = new Map(e.values.map((v) => [v['event-type'], v.val]));
    assert.equal(vals.get('throughput'), (8 * 10737418240) / 10.5);
    assert.deepStrictEqual(vals.get('streams-packet-retransmits'), [0, 3, 6, 9]);
    assert.deepStrictEqual(vals.get('iostat'), {
      device: 'sda',
      rrqm_s: 0,
      wrqm_s: 1.5,
      r_s: 20,
      w_s: 0.5,
      rkb_s: 102400,
      wkb_s: 8,
      util: 12.5,
    });
    assert.deepStrictEqual((vals.get('streams-tcpinfo') as { TCPinfo: unknown }[])[1]!.TCPinfo, {
      total_retrans: 3,
      rtt: 51000,
      snd_cwnd: 1200,
      state: 1,
    });
    // The input is not rewritten in place (the original mutated it).
    assert.ok(jsonLines[1]!.includes('"%util"'));
    assert.equal(normaliseStatKey('%CPU/s'), 'cpu_s');
  });

  test('ret_code other than 226 is a failure; a null stripe is ignored', () => {
    const doc = parseJson(jsonLines[1]!) as { ret_code: number; streams: { stripe: unknown }[] };
    doc.ret_code = 451;
    doc.streams[0]!.stripe = null;
    const t = transfer(JSON.stringify(doc), parseJsonLogLine);
    assert.equal(t.stripes, 1);
    assert.deepStrictEqual(transferToEsmond(t, '192.0.2.7', { json: true }).values, [
      { 'event-type': 'failures', val: { error: '451 Requested action aborted: local error in processing.' } },
    ]);
  });

  test('malformed JSON transfers', () => {
    const doc = parseJson(jsonLines[1]!) as Record<string, unknown>;
    for (const broken of [{ ...doc, start_timestamp: 'soon' }, { ...doc, host: '' }, { ...doc, nbytes: 'x' }, [1, 2]]) {
      assert.equal(parseJsonLogLine(JSON.stringify(broken)).kind, 'malformed');
    }
  });
});

describe('the original loader state (pickle protocol 0)', () => {
  test('Python 2 str literals with escapes, Python 3 unicode, memo references', async () => {
    const { parseLegacyPickle } = await import('../../src/loaders/gridftp/legacy-pickle.js');
    assert.deepStrictEqual(
      parseLegacyPickle(
        Buffer.from("(dp0\nS'file'\np1\nS'/d/it\\'s\\\\x\\xe9.dat'\np2\nsS'type'\np3\ng2\ns.", 'latin1'),
      ),
      {
        file: "/d/it's\\x\u00e9.dat".replace('\u00e9', Buffer.from([0xe9]).toString('utf8')),
        type: "/d/it's\\x\u00e9.dat".replace('\u00e9', Buffer.from([0xe9]).toString('utf8')),
      },
    );
    assert.deepStrictEqual(parseLegacyPickle(Buffer.from('(dp0\nVa\\u005cb\np1\nVc\np2\ns.')), { 'a\\b': 'c' });
    for (const bad of ['', 'garbage', '(dp0\nVa\np1\n', '(lp0\nVa\np1\na.', '(dp0\nVa\np1\nI5\np2\ns.']) {
      assert.equal(parseLegacyPickle(Buffer.from(bad)), undefined, JSON.stringify(bad));
    }
  });
});
