import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  appendFileSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startArchive, type TestArchive } from '../helpers/archive.js';
import { startFlakyProxy } from '../helpers/flaky-proxy.js';
import { makeLoadGridftp } from '../../src/cli/load-gridftp.js';
import { runGridftpLoad } from '../../src/loaders/gridftp/run.js';
import { ArchiveSink, type SinkItem } from '../../src/loaders/sink.js';
import { createClient } from '../../src/client.js';
import { allMetadata } from './archive-compare.js';
import { captureIo, counters, expectedFrom, held, lines, netLine, netloggerRun, resolve } from './gridftp-fixture.js';
import { FIXTURE_SAMPLES } from '../helpers/fixture-data.js';
import { readJson } from '../helpers/json.js';

/** The loader's state file (the fields the tests read). */
interface GridftpState {
  version: number;
  file: string;
  offset: number;
}

const load = makeLoadGridftp({ resolve });

describe('esmond-ps-load-gridftp against the real archive', () => {
  let a: TestArchive;
  let dir: string;
  let n = 0;
  const fresh = async () => {
    await a.close();
    a = await startArchive({ withUser: true });
    dir = mkdtempSync(join(tmpdir(), `gridftp-load-${n++}-`));
    return { log: join(dir, 'gridftp-transfer.log'), state: join(dir, 'state.json') };
  };
  const runTool = async (extra: string[], log: string, state: string, url = a.url) => {
    const io = captureIo(dir);
    const code = await load(
      ['-f', log, '-p', state, '-U', url, '-u', 'test-writer', '-k', a.apiKey, '-P', '--batch-size', '7', ...extra],
      io,
    );
    return { code, log: io.err(), out: io.out() };
  };
  before(async () => {
    a = await startArchive({ withUser: true });
  });
  after(async () => {
    await a.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('the shared sample: RETR, STOR, failure stored; LIST skipped; the log in the original format', async () => {
    const { state } = await fresh();
    const sample = join(FIXTURE_SAMPLES, 'gridftp-transfer.log');
    const r = await runTool([], sample, state, `${a.url}/esmond`);
    assert.equal(r.code, 0, r.log);
    assert.equal(r.out, '', 'nothing on stdout');
    assert.match(r.log, /^ts=2026-01-01 12:00:00,000 event=main\.start id=1767268800 no last record found\n/);
    const escaped = sample.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    assert.match(r.log, new RegExp(`event=main\\.process id=\\d+ No last record, processing ${escaped}\n`));
    assert.match(r.log, /event=scan_and_load_netlogger\.end id=\d+ Loaded 3 records\n/);
    assert.deepStrictEqual(await held(a), expectedFrom(readFileSync(sample, 'utf8')));
    const mds = await allMetadata(a.archiveUrl, '&tool-name=gridftp');
    assert.equal(mds.length, 3);
    assert.ok(
      mds.every((m) => m['gridftp-file'] === undefined && m['gridftp-user'] === undefined),
      'privacy flags off by default',
    );
    const st = readJson(state) as GridftpState;
    assert.equal(st.version, 1);
    assert.equal(st.offset, readFileSync(sample).length);
  });

  test('restart, growth (with a half-written line) and more restarts: nothing lost, nothing twice', async () => {
    const { log, state } = await fresh();
    writeFileSync(log, lines(0, 20));
    let r = await runTool([], log, state);
    assert.equal(r.code, 0, r.log);
    const first = counters(r.log);
    r = await runTool([], log, state);
    assert.match(r.log, /passes last record check/);
    assert.match(r.log, /Loaded 0 records/);
    assert.equal(counters(r.log).values, 0);
    // The log grows; its last line is still being written.
    const partial = netLine(30);
    appendFileSync(log, lines(20, 30) + partial.slice(0, 40));
    r = await runTool([], log, state);
    const second = counters(r.log);
    assert.deepStrictEqual(await held(a), expectedFrom(lines(0, 30)), 'the half line is not loaded yet');
    appendFileSync(log, `${partial.slice(40)}\n${lines(31, 35)}`);
    r = await runTool([], log, state);
    const third = counters(r.log);
    assert.deepStrictEqual(await held(a), expectedFrom(lines(0, 35)));
    assert.equal(first.duplicates + second.duplicates + third.duplicates, 0, 'no value was sent twice');
    assert.equal(first.values + second.values + third.values, expectedFrom(lines(0, 35)).size);
  });

  test('rotation by rename (logrotate create): the rest of the old log, then the new one', async () => {
    const { log, state } = await fresh();
    writeFileSync(log, lines(0, 12));
    assert.equal((await runTool([], log, state)).code, 0);
    appendFileSync(log, lines(12, 16)); // written after the last run, before rotation
    renameSync(log, `${log}.1`);
    writeFileSync(log, lines(16, 25));
    const r = await runTool([], log, state);
    assert.equal(r.code, 0, r.log);
    assert.match(r.log, /was rotated to .*gridftp-transfer\.log\.1/);
    assert.deepStrictEqual(await held(a), expectedFrom(lines(0, 25)));
    assert.equal(counters(r.log).duplicates, 0);
    const again = await runTool([], log, state);
    assert.equal(counters(again.log).values, 0);
  });

  test('the prerotate recipe (-D) and copytruncate rotation', async () => {
    const { log, state } = await fresh();
    writeFileSync(log, lines(0, 10));
    let r = await runTool(['-D'], log, state);
    assert.equal(r.code, 0, r.log);
    assert.ok(!existsSync(state), '-D removes the state after a complete run');
    renameSync(log, `${log}.1`);
    writeFileSync(log, lines(10, 14));
    r = await runTool([], log, state);
    assert.match(r.log, /No last record/);
    assert.deepStrictEqual(await held(a), expectedFrom(lines(0, 14)));
    // copytruncate: same file, emptied, then written again.
    truncateSync(log, 0);
    writeFileSync(log, lines(14, 17));
    r = await runTool([], log, state);
    assert.match(r.log, /shorter than the last stored position/);
    assert.deepStrictEqual(await held(a), expectedFrom(lines(0, 17)));
    assert.equal(counters(r.log).duplicates, 0);
    // -D without a state file is fine (B36).
    rmSync(state);
    assert.equal((await runTool(['-D', '-d'], log, state)).code, 0);
  });

  test('malformed lines are skipped with a warning and counted; the run goes on', async () => {
    const { log, state } = await fresh();
    const good = lines(0, 6);
    writeFileSync(
      log,
      `${good}garbage line\nDATE=bad HOST=x TYPE=RETR\n\n${netLine(6).replace('NBYTES=1000006', 'NBYTES=many')}\n${lines(7, 9)}`,
    );
    const r = await runTool([], log, state);
    assert.equal(r.code, 0, r.log);
    assert.equal(counters(r.log).malformed, 3);
    assert.match(
      r.log,
      /event=scan_and_load_netlogger\.warning id=\d+ skipping malformed line "garbage line": token "garbage" is not KEY=VALUE/,
    );
    assert.deepStrictEqual(await held(a), expectedFrom(good + lines(7, 9)));
  });

  test('a flaky archive (503s, connection resets): retried, nothing lost, nothing stored twice', async () => {
    const { log, state } = await fresh();
    writeFileSync(log, lines(0, 40));
    const proxy = await startFlakyProxy({ target: a.url, failureRate: 0.35, seed: 3, modes: ['503', 'reset'] });
    try {
      let total = 0;
      let runs = 0;
      for (;;) {
        const r = await runTool([], log, state, proxy.url);
        runs += 1;
        total += counters(r.log).values;
        if (r.code === 0) break;
        assert.equal(r.code, 1);
        assert.match(r.log, /storing failed, abort processing, not updating state/);
        assert.ok(runs < 20, 'the loader gets through eventually');
      }
      assert.deepStrictEqual(await held(a), expectedFrom(lines(0, 40)));
      assert.ok(proxy.stats.faults['503'] + proxy.stats.faults.reset > 0, 'faults were injected');
      assert.ok(total > 0);
      proxy.heal();
      assert.equal(
        counters((await runTool([], log, state, proxy.url)).log).values,
        0,
        'a further run has nothing left to store',
      );
    } finally {
      await proxy.close();
    }
  });

  test('-l writes the log to <dir>/esmond-ps-load-gridftp.log; -v logs every stored batch', async () => {
    const { log, state } = await fresh();
    writeFileSync(log, lines(0, 9));
    const r = await runTool(['-l', dir, '-v'], log, state);
    assert.equal(r.code, 0);
    assert.equal(r.log, '', 'nothing on stderr with -l');
    const text = readFileSync(join(dir, 'esmond-ps-load-gridftp.log'), 'utf8');
    assert.match(
      text,
      /event=scan_and_load_netlogger\.debug id=\d+ stored 7 transfer\(s\) of .* up to byte \d+: 13 value\(s\), 0 already stored\n/,
    );
    assert.match(text, /Loaded 8 records\n/);
  });

  test('an IPv6 peer: the server address is looked up in IPv6 (B34)', async () => {
    const { log, state } = await fresh();
    writeFileSync(log, `${netLine(0).replace('DEST=[198.51.100.1]', 'DEST=[2001:db8::81]')}\n`);
    const r = await runTool([], log, state);
    assert.equal(r.code, 0, r.log);
    const md = (await allMetadata(a.archiveUrl, '&tool-name=gridftp'))[0]!;
    assert.equal(md.source, '2001:db8::50');
    assert.equal(md.destination, '2001:db8::81');
    assert.equal(md['measurement-agent'], '2001:db8::50');
    assert.deepStrictEqual(await held(a), expectedFrom(readFileSync(log, 'utf8')));
  });

  test('migrating from the original: its pickled last record is found and loading resumes after it', async () => {
    const sample = join(FIXTURE_SAMPLES, 'gridftp-transfer.log');
    // What the original wrote after loading line 2 (pickle protocol 0, as Python 3 writes it) ...
    const py3 =
      '(dp0\nVdate\np1\nV20231114221402.000100\np2\nsVhost\np3\nVlocalhost\np4\nsVprog\np5\nVglobus-gridftp-server\np6\nsVnl_evnt\np7\nVFTP_INFO\np8\nsVstart\np9\nV20231114221355.000100\np10\nsVuser\np11\nVftpuser\np12\nsVfile\np13\nV/data1/upload.dat\np14\nsVbuffer\np15\nV0\np16\nsVblock\np17\nV262144\np18\nsVnbytes\np19\nV52428800\np20\nsVvolume\np21\nV/data1\np22\nsVstreams\np23\nV1\np24\nsVstripes\np25\ng24\nsVdest\np26\nV[198.51.100.82]\np27\nsVtype\np28\nVSTOR\np29\nsVcode\np30\nV226\np31\nsVretrans\np32\nV3\np33\ns.';
    // ... and as Python 2 writes it (quoted str literals).
    const py2 = py3.replace(/^V(.*)$/gm, "S'$1'");
    for (const pickled of [py3, py2]) {
      const { state } = await fresh();
      writeFileSync(state, pickled, 'latin1');
      const r = await runTool([], sample, state);
      assert.equal(r.code, 0, r.log);
      assert.match(r.log, /found last record of the original loader: \{"date":"20231114221402\.000100"/);
      assert.match(r.log, /passes last record check/);
      assert.match(r.log, /Loaded 1 records/);
      const rest = readFileSync(sample, 'utf8').split('\n').slice(2).join('\n');
      assert.deepStrictEqual(await held(a), expectedFrom(rest));
      assert.equal((readJson(state) as GridftpState).version, 1, 'the pickle is replaced by a JSON state');
    }
  });

  test('JSON logs (-J): Transfer-End only, bad JSON skipped, stats declared and stored', async () => {
    const { state } = await fresh();
    const sample = join(FIXTURE_SAMPLES, 'gridftp-transfer.json.log');
    const r = await runTool(['-J', '-F', '-N'], sample, state);
    assert.equal(r.code, 0, r.log);
    assert.match(
      r.log,
      /event=scan_and_load_json\.warning id=\d+ skipping malformed line "this is not json": log line is not valid JSON/,
    );
    assert.match(r.log, /event=scan_and_load_json\.end id=\d+ Loaded 3 records/);
    assert.deepStrictEqual(await held(a), expectedFrom(readFileSync(sample, 'utf8'), true));
    const md = (await allMetadata(a.archiveUrl, '&tool-name=gridftp'))[0]!;
    assert.equal(md['gridftp-file'], '/data1/10G.dat');
    assert.equal(md['gridftp-user'], 'anonymous');
    assert.equal(md['gridftp-volume'], undefined);
  });
});

describe('esmond-ps-load-gridftp usage', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gridftp-usage-'));
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  const cases: [string[], RegExp][] = [
    [[], /error: Filename is required\.\n$/],
    [['-f', 'nope.log'], /error: \/.*\/nope\.log does not exist\n$/],
    [['-l', '/no/such/dir', '-f', 'x'], /error: \/no\/such\/dir log path does not exist\.\n$/],
    [['--bogus'], /error: no such option: --bogus\n$/],
  ];
  for (const [argv, re] of cases) {
    test(`exit 2: ${argv.join(' ') || '(no args)'}`, async () => {
      const io = captureIo(dir);
      assert.equal(await load(argv, io), 2);
      assert.match(io.err(), /^Usage: esmond-ps-load-gridftp \[ -f filename \| -v \]\n\n/);
      assert.match(io.err(), re);
    });
  }

  test("the original's state: a 0-byte file is ignored; its pickle is not an error", async () => {
    const log = join(dir, 'x.log');
    writeFileSync(log, '');
    const state = join(dir, 'old.pickle');
    writeFileSync(state, '');
    const io = captureIo(dir);
    assert.equal(await load(['-f', log, '-p', state, '-U', 'http://127.0.0.1:9'], io), 0);
    assert.match(io.err(), /is empty \(left by the original loader\?\) - ignoring it/);
    writeFileSync(state, Buffer.from([0x80, 0x04, 0x95, 0x00])); // a binary pickle: not the original's format
    const io2 = captureIo(dir);
    assert.equal(await load(['-f', log, '-p', state, '-U', 'http://127.0.0.1:9'], io2), 0, io2.err());
    assert.match(
      io2.err(),
      /is a pickle of the original loader that cannot be read here - processing .* from the start/,
    );
    assert.equal((readJson(state) as GridftpState).version, 1, 'replaced by a JSON state');
  });

  test('a state written for another log is not applied to this one', async () => {
    const list = (i: number) => `${netLine(4 + 5 * i)}\n`; // LIST lines: nothing to post
    const a = join(dir, 'a.log');
    const b = join(dir, 'b.log');
    writeFileSync(a, list(0) + list(1));
    writeFileSync(b, list(2));
    const state = join(dir, 'shared-state.json');
    const io = captureIo(dir);
    assert.equal(await load(['-f', a, '-p', state, '-U', 'http://127.0.0.1:9', '-P'], io), 0, io.err());
    const io2 = captureIo(dir);
    assert.equal(await load(['-f', b, '-p', state, '-U', 'http://127.0.0.1:9', '-P'], io2), 0, io2.err());
    assert.match(io2.err(), /belongs to .*a\.log, not .*b\.log - processing .*b\.log from the start/);
    assert.equal((readJson(state) as GridftpState).file, b);
  });

  test('a second run on the same state while one is running is refused; a stale lock is taken over', async () => {
    const log = join(dir, 'locked.log');
    writeFileSync(log, '');
    const state = join(dir, 'locked-state.json');
    writeFileSync(`${state}.lock`, `${process.pid}\n`); // this live process "holds" it
    const io = captureIo(dir);
    assert.equal(await load(['-f', log, '-p', state, '-U', 'http://127.0.0.1:9'], io), 1);
    assert.match(io.err(), /another run \(pid \d+\) is using .*locked-state\.json/);
    writeFileSync(`${state}.lock`, '999999999\n'); // no such process
    const io2 = captureIo(dir);
    assert.equal(await load(['-f', log, '-p', state, '-U', 'http://127.0.0.1:9'], io2), 0, io2.err());
    assert.ok(!existsSync(`${state}.lock`), 'the lock is released');
  });

  test('--help lists every original flag', async () => {
    const io = captureIo(dir);
    assert.equal(await load(['--help'], io), 0);
    for (const f of [
      '--file',
      '--pickle_file',
      '--dont_write',
      '--single',
      '--delete_state',
      '--log_dir',
      '--url',
      '--user',
      '--key',
      '--script_alias',
      '--file_attr',
      '--name_attr',
      '--volume_attr',
      '--verbose',
      '--no-progress',
      '--json',
    ]) {
      assert.ok(io.out().includes(f), f);
    }
  });
});

describe('gridftp run engine', () => {
  test('the log grows while a run stores it: every transfer once, over two runs', async () => {
    const a = await startArchive({ withUser: true });
    const dir = mkdtempSync(join(tmpdir(), 'gridftp-grow-'));
    const log = join(dir, 't.log');
    const state = join(dir, 's.json');
    writeFileSync(log, lines(0, 10));
    const client = createClient({ url: a.url, credentials: { apiKey: a.apiKey } });
    try {
      const sink = new ArchiveSink(client);
      let grown = false;
      const growing = {
        async store(items: readonly SinkItem[]) {
          if (!grown) {
            grown = true;
            appendFileSync(log, lines(10, 20)); // written while the first batch is being stored
          }
          return sink.store(items);
        },
      };
      const base = {
        ...netloggerRun(log, state),
        batchSize: 3,
        log: () => {},
      };
      const r1 = await runGridftpLoad({ ...base, sink: growing });
      const r2 = await runGridftpLoad({ ...base, sink });
      assert.equal(r1.duplicates + r2.duplicates, 0);
      assert.equal(r1.stored + r2.stored, 16); // 20 lines, 4 of them LIST
      assert.deepStrictEqual(await held(a), expectedFrom(lines(0, 20)));
    } finally {
      await client.close();
      await a.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a batch that cannot be stored stops the run before it; the next run completes exactly', async () => {
    const a = await startArchive({ withUser: true });
    const dir = mkdtempSync(join(tmpdir(), 'gridftp-fail-'));
    const log = join(dir, 't.log');
    const state = join(dir, 's.json');
    writeFileSync(log, lines(0, 20));
    const client = createClient({ url: a.url, credentials: { apiKey: a.apiKey } });
    try {
      const sink = new ArchiveSink(client);
      let calls = 0;
      const failing = {
        async store(items: readonly SinkItem[]) {
          calls += 1;
          if (calls === 2) throw new Error('archive unreachable');
          return sink.store(items);
        },
      };
      const messages: string[] = [];
      const base = {
        ...netloggerRun(log, state),
        batchSize: 4,
        log: (e: string, m: string) => void messages.push(`${e} ${m}`),
      };
      const r1 = await runGridftpLoad({ ...base, sink: failing });
      assert.ok(r1.failed);
      assert.equal(r1.stored, 4);
      assert.ok(
        messages.some((m) =>
          m.includes('storing failed, abort processing, not updating state - ERR: archive unreachable'),
        ),
      );
      const st = readJson(state) as GridftpState;
      assert.equal(
        st.offset,
        Buffer.byteLength(lines(0, 4)),
        'the state stops right after the first stored batch (4 transfers)',
      );
      const r2 = await runGridftpLoad({ ...base, sink });
      assert.ok(!r2.failed);
      assert.equal(r1.stored + r2.stored, 16);
      assert.equal(r1.duplicates + r2.duplicates, 0);
      assert.deepStrictEqual(await held(a), expectedFrom(lines(0, 20)));
    } finally {
      await client.close();
      await a.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('transfers the archive refuses, or whose DEST is no address, are skipped, never block the log', async () => {
    const a = await startArchive({ withUser: true });
    const dir = mkdtempSync(join(tmpdir(), 'gridftp-refused-'));
    const log = join(dir, 't.log');
    writeFileSync(
      log,
      lines(0, 3) + netLine(5).replace('DEST=[198.51.100.1]', 'DEST=[peer.example.org]') + '\n' + lines(6, 9),
    );
    const client = createClient({ url: a.url, credentials: { apiKey: a.apiKey } });
    try {
      const sink = new ArchiveSink(client);
      const messages: string[] = [];
      let refusedOnce = false;
      const refusing = {
        async store(items: readonly SinkItem[], onRefused?: (i: number, e: Error) => void) {
          if (!refusedOnce) {
            refusedOnce = true;
            onRefused?.(0, new Error('Request failed with status 400 Bad Request (bad value)'));
            return sink.store(items.slice(1));
          }
          return sink.store(items, onRefused);
        },
      };
      const r = await runGridftpLoad({
        ...netloggerRun(log, join(dir, 's.json')),
        batchSize: 50,
        log: (e, m) => void messages.push(`${e} ${m}`),
        sink: refusing,
      });
      assert.ok(!r.failed);
      assert.equal(r.refused, 1);
      assert.equal(r.malformed, 1, 'a DEST that is no address can never be stored: malformed, skipped');
      assert.equal(r.unresolved, 0);
      assert.ok(messages.some((m) => m.includes('DEST peer.example.org is not an IP address')));
      assert.ok(
        messages.some((m) =>
          m.startsWith('scan_and_load_netlogger.error the archive refused the transfer of row: DATE='),
        ),
      );
      const want = expectedFrom(lines(1, 3) + lines(6, 9));
      assert.deepStrictEqual(await held(a), want);
      assert.equal(r.stored, 5);
    } finally {
      await client.close();
      await a.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('--single stops after one stored transfer and the next run continues after it', async () => {
    const a = await startArchive({ withUser: true });
    const dir = mkdtempSync(join(tmpdir(), 'gridftp-single-'));
    const log = join(dir, 't.log');
    writeFileSync(log, lines(0, 6));
    try {
      const io = captureIo(dir);
      const args = ['-f', log, '-p', join(dir, 's.json'), '-U', a.url, '-k', a.apiKey, '-P'];
      assert.equal(await load([...args, '-S'], io), 0);
      assert.equal(counters(io.err()).stored, 1);
      const io2 = captureIo(dir);
      assert.equal(await load(args, io2), 0);
      assert.equal(counters(io2.err()).stored, 4); // 6 lines: 5 transfers (line 4 is a LIST), 1 already loaded
      assert.deepStrictEqual(await held(a), expectedFrom(lines(0, 6)));
    } finally {
      await a.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
