import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startArchive, type TestArchive } from '../helpers/archive.js';
import { localAddressTowards, makePipe } from '../../src/cli/pipe.js';
import { extractBwctl } from '../../src/loaders/bwctl/extract.js';
import { iperf3ToEsmond } from '../../src/loaders/bwctl/iperf3.js';
import { allMetadata, storedForm, storedValues } from './archive-compare.js';
import { FIXTURE_SAMPLES } from '../helpers/fixture-data.js';
import { captureIo as capture, type CapturedIo } from '../helpers/capture-io.js';

const sample = (name: string): string => readFileSync(join(FIXTURE_SAMPLES, name), 'utf8');
const pipe = makePipe({ localAddress: async (host) => (host.includes(':') ? '2001:db8::2' : '192.0.2.2') });

const captureIo = (stdin: string, env: Record<string, string> = {}): CapturedIo =>
  capture({ stdin, env, now: Date.UTC(2026, 10, 25, 14, 11, 31, 897) });

/** The values the archive should hold for a bwctl output. */
function expected(text: string, agent = '192.0.2.2'): Map<string, unknown> {
  const r = extractBwctl(text);
  assert.ok(r.ok);
  const e = iperf3ToEsmond(r.run.json, { ...r.run, measurementAgent: agent });
  return new Map(e.values.map((v) => [`${e.ts} ${v['event-type']}`, storedForm(v['event-type'], v.val)]));
}

describe('esmond-ps-pipe against the real archive', () => {
  let a: TestArchive;
  before(async () => {
    a = await startArchive({ withUser: true });
  });
  after(async () => {
    await a.close();
  });
  const args = () => ['-U', a.url, '-u', 'test-writer', '-k', a.apiKey];

  for (const [name, protocol] of [
    ['bwctl-iperf3-tcp-2streams.txt', 'tcp'],
    ['bwctl-iperf3-udp.txt', 'udp'],
  ] as const) {
    test(`${name}: one metadata and every value, logged like the original`, async () => {
      const io = captureIo(sample(name));
      assert.equal(await pipe(args(), io), 0, io.err());
      assert.equal(io.out(), '');
      assert.equal(
        io
          .err()
          .replace(/ts=\S+ \S+ /g, 'ts=T ')
          .replace(/id=\d+/g, 'id=I'),
        [
          'ts=T event=main.start id=I reading input',
          'ts=T event=process_iperf3.start id=I begin',
          'ts=T event=process_iperf3.end id=I finished',
          'ts=T event=main.exit id=I success',
          '',
        ].join('\n'),
      );
      const mds = await allMetadata(a.archiveUrl, `&tool-name=bwctl/iperf3&ip-transport-protocol=${protocol}`);
      assert.equal(mds.length, 1);
      const md = mds[0]!;
      assert.equal(md['measurement-agent'], '192.0.2.2');
      assert.equal(md['input-source'], '198.51.100.10');
      assert.equal(md['bw-parallel-streams'], protocol === 'tcp' ? '2' : '1');
      assert.deepStrictEqual(await storedValues(a.url, md), expected(sample(name)));
    });
  }

  test('IPv6 endpoints and several UDP streams (B26, B29); sending the run again stores nothing twice', async () => {
    const text = sample('bwctl-iperf3-udp.txt')
      .replaceAll('198.51.100.10', '2001:db8::10')
      .replaceAll('203.0.113.20', '2001:db8::20')
      .replace('"num_streams": 1', '"num_streams": 2');
    const io = captureIo(text);
    assert.equal(await pipe([...args(), '-v'], io), 0, io.err());
    assert.match(io.err(), /event=process_event_type\.start id=\d+ streams-throughput\n/);
    const md = (await allMetadata(a.archiveUrl, '&source=2001:db8::10'))[0]!;
    assert.equal(md['measurement-agent'], '2001:db8::2');
    assert.deepStrictEqual(await storedValues(a.url, md), expected(text, '2001:db8::2'));
    const again = captureIo(text);
    assert.equal(await pipe(args(), again), 0, again.err());
    assert.match(again.err(), /event=write\.info id=\d+ \d+ value\(s\) were already stored/);
  });

  test('an unsupported tool is fatal with a non-zero exit (B30), nothing stored', async () => {
    const before = (await allMetadata(a.archiveUrl)).length;
    const io = captureIo(sample('bwctl-unsupported-tool.txt'));
    assert.equal(await pipe(args(), io), 255);
    assert.match(
      io.err(),
      /event=main\.fatal id=\d+ there is no handler for input type: nuttcp\n.*event=main\.fatal id=\d+ exiting\n$/,
    );
    assert.equal((await allMetadata(a.archiveUrl)).length, before);
  });

  test('unusable input: every extraction error, then fatal; -v dumps the input', async () => {
    const io = captureIo('hello\nbwctl: Using tool: iperf3\n');
    assert.equal(await pipe([...args(), '-v'], io), 255);
    const err = io.err();
    assert.match(
      err,
      /event=id_and_extract\.error id=\d+ did not find bwctl: start_tool token to extract JSON from output\n/,
    );
    assert.match(err, /event=main\.fatal id=\d+ could not extract metadata and valid json from input\n/);
    assert.match(err, /event=main\.debug id=\d+ hello\n/);
    const broken = captureIo(
      sample('bwctl-iperf3-tcp-2streams.txt')
        .replace('"end": {\n\t "streams"', '"end": {\n\t "nostreams"')
        .replace('"sum_received"', '"sum_x"'),
    );
    assert.equal(await pipe(args(), broken), 255);
    assert.match(broken.err(), /error processing iperf3 JSON - ERROR: iperf3 JSON has no end\.sum_received object/);
  });

  test('credentials from ESMOND_USER / ESMOND_KEY keep the key off the command line', async () => {
    const text = sample('bwctl-iperf3-udp.txt').replaceAll('198.51.100.10', '198.51.100.11');
    const io = captureIo(text, { ESMOND_USER: 'test-writer', ESMOND_KEY: a.apiKey });
    assert.equal(await pipe(['-U', a.url, '--insecure'], io), 0, io.err());
    assert.equal((await allMetadata(a.archiveUrl, '&source=198.51.100.11')).length, 1);
  });

  test('a refused metadata post exits 1', async () => {
    const io = captureIo(sample('bwctl-iperf3-udp.txt'));
    assert.equal(await pipe(['-U', a.url, '-u', 'x', '-k', 'wrong-key'], io), 1);
    assert.match(
      io.err(),
      /event=process_iperf3\.error id=\d+ MetadataPost failed, abort processing, not updating record state - ERROR: 'Request failed with status 401/,
    );
  });
});

describe('esmond-ps-pipe usage', () => {
  test('user and key are required; a missing log dir is an error', async () => {
    const io = captureIo('');
    assert.equal(await pipe(['-u', 'x'], io), 2);
    assert.equal(
      io.err(),
      'Usage:  bwctl ... |& esmond-ps-pipe [ -u USER -k API_KEY | -U ESMOND_REST_URL | -v ]\n\nesmond-ps-pipe: error: both --user and --key args are required.\n',
    );
    const io2 = captureIo('');
    assert.equal(await pipe(['-l', '/no/such/dir', '-u', 'x', '-k', 'y'], io2), 2);
    assert.match(io2.err(), /error: \/no\/such\/dir log path does not exist\.\n$/);
  });

  test('-l writes the log to <dir>/esmond-ps-pipe.log', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pipe-log-'));
    try {
      const io = captureIo('nothing useful');
      assert.equal(await pipe(['-l', dir, '-u', 'x', '-k', 'y', '-U', 'http://127.0.0.1:9'], io), 255);
      assert.equal(io.err(), '');
      assert.match(readFileSync(join(dir, 'esmond-ps-pipe.log'), 'utf8'), /event=main\.fatal id=\d+ exiting\n$/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('measurement agent', () => {
  test('the local address towards a loopback receiver (no packet is sent)', async () => {
    assert.equal(await localAddressTowards('127.0.0.1'), '127.0.0.1');
  });

  test('no route to the receiver is fatal and says to use --agent', async () => {
    const failing = makePipe({ localAddress: async () => Promise.reject(new Error('network unreachable')) });
    const io = captureIo(sample('bwctl-iperf3-udp.txt'));
    assert.equal(await failing(['-U', 'http://127.0.0.1:9', '-u', 'x', '-k', 'y'], io), 255);
    assert.match(
      io.err(),
      /event=main\.fatal id=\d+ could not determine the measurement agent address towards 203\.0\.113\.20: network unreachable \(use --agent\)\n/,
    );
  });
});
