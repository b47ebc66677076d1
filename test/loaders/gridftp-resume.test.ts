/**
 * The gridftp loader never sends a transfer twice and never moves past one it could not store:
 * a log renamed by logrotate and named with `-f` is the same log, and a transfer whose host does
 * not resolve (yet) stops the run with the state before it, until `--resolve`/`--hosts` name it.
 * Requests are counted where they arrive: a recording proxy in front of the real archive.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestArchive } from '../helpers/archive.js';
import type { FlakyProxy } from '../helpers/flaky-proxy.js';
import { recordedArchives } from '../helpers/recorded-archive.js';
import { makeLoadGridftp } from '../../src/cli/load-gridftp.js';
import { FIXTURE_SAMPLES } from '../helpers/fixture-data.js';
import { readJson } from '../helpers/json.js';
import { captureIo, counters, expectedFrom, held, lines, netLine, resolve } from './gridftp-fixture.js';

const load = makeLoadGridftp({ resolve });
/** A loader on a machine whose DNS knows none of the names. */
const loadWithoutDns = makeLoadGridftp({ resolve: async () => undefined });

/** Every value the proxy saw in bulk PUTs, as `key ts event-type` (one entry per value sent). */
function valuesSent(proxy: FlakyProxy): string[] {
  const out: string[] = [];
  for (const r of proxy.recorded) {
    if (r.method !== 'PUT') continue;
    const key = r.url
      .split('/')
      .filter((p) => p !== '')
      .at(-1);
    const body = JSON.parse(r.body) as { data: { ts: number; val: { 'event-type': string }[] }[] };
    for (const d of body.data) for (const v of d.val) out.push(`${key} ${d.ts} ${v['event-type']}`);
  }
  return out;
}

describe('esmond-ps-load-gridftp: renamed logs and transfers that cannot be stored yet', () => {
  let a: TestArchive;
  let proxy: FlakyProxy;
  let dir: string;
  const archives = recordedArchives();
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'gridftp-resume-'));
  });
  after(async () => {
    await archives.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const fresh = async (): Promise<void> => {
    ({ a, proxy } = await archives.fresh());
  };
  const runTool = async (args: string[], tool = load): Promise<{ code: number; log: string; err: string }> => {
    const io = captureIo(dir);
    const code = await tool(
      [...args, '-U', proxy.url, '-u', 'test-writer', '-k', a.apiKey, '-P', '--batch-size', '5'],
      io,
    );
    return { code, log: io.err(), err: io.err() };
  };

  test('-f log.1 right after logrotate renamed log: the rest of it from the stored offset, then the new log; every value sent once', async () => {
    await fresh();
    const log = join(dir, 'rotated.log');
    const state = join(dir, 'rotated.state.json');
    writeFileSync(log, lines(0, 12));
    assert.equal((await runTool(['-f', log, '-p', state])).code, 0);
    appendFileSync(log, lines(12, 17)); // written after that run, before rotation
    renameSync(log, `${log}.1`);
    writeFileSync(log, lines(17, 26));

    const tail = await runTool(['-f', `${log}.1`, '-p', state]);
    assert.equal(tail.code, 0, tail.log);
    assert.match(
      tail.log,
      /is .*rotated\.log of the state renamed \(same device and inode, same content\) - processing it from byte \d+/,
    );
    assert.equal(counters(tail.log).stored, 4); // lines 12..16: 5 lines, one LIST
    const fresh2 = await runTool(['-f', log, '-p', state]);
    assert.equal(fresh2.code, 0, fresh2.log);
    assert.match(
      fresh2.log,
      /belongs to .*rotated\.log\.1, not .*rotated\.log - processing .*rotated\.log from the start/,
    );

    const want = expectedFrom(lines(0, 26));
    const sent = valuesSent(proxy);
    assert.equal(new Set(sent).size, sent.length, 'no value was sent twice');
    assert.equal(sent.length, want.size, 'every value was sent');
    assert.deepStrictEqual(await held(a), want);
    // Loading the new log again sends nothing.
    const before = proxy.recorded.length;
    assert.equal((await runTool(['-f', log, '-p', state])).code, 0);
    assert.equal(proxy.recorded.length, before);
  });

  test('a log renamed and then changed at the stored offset is processed from the start', async () => {
    await fresh();
    const log = join(dir, 'changed.log');
    const state = join(dir, 'changed.state.json');
    writeFileSync(log, lines(0, 6));
    assert.equal((await runTool(['-f', log, '-p', state])).code, 0);
    renameSync(log, `${log}.1`);
    // Same inode, but the bytes before the stored offset are not the ones the state saw.
    writeFileSync(`${log}.1`, lines(30, 36), { flag: 'r+' });
    const r = await runTool(['-f', `${log}.1`, '-p', state]);
    assert.equal(r.code, 0, r.log);
    assert.match(
      r.log,
      /belongs to .*changed\.log, not .*changed\.log\.1 - processing .*changed\.log\.1 from the start/,
    );
    assert.equal(counters(r.log).stored, 5);
  });

  test('a host that does not resolve stops the run before it (exit 1, state before it); --resolve then stores the rest', async () => {
    await fresh();
    const log = join(dir, 'unresolved.log');
    const state = join(dir, 'unresolved.state.json');
    const stranger = netLine(7).replace('HOST=gftp.example.org', 'HOST=new-node.example.org');
    writeFileSync(log, `${lines(0, 7)}${stranger}\n${lines(8, 12)}`);
    const logDir = mkdtempSync(join(dir, 'logs-'));
    const r = await runTool(['-f', log, '-p', state, '-l', logDir]);
    assert.equal(r.code, 1);
    // With -l the log goes to the file; stderr still says why, in one line.
    assert.match(
      r.err,
      /^esmond-ps-load-gridftp: cannot resolve new-node\.example\.org to an IPv4 address \(give its address with --resolve NAME=ADDRESS or --hosts FILE\); stopped before that transfer, the state stays before it\n$/,
    );
    const logText = readFileSync(join(logDir, 'esmond-ps-load-gridftp.log'), 'utf8');
    assert.match(
      logText,
      /stopping before this transfer \(byte \d+ of .*unresolved\.log\); the next run starts with it/,
    );
    const c = counters(logText);
    assert.deepStrictEqual([c.transfers, c.stored, c.malformed, c.unresolved], [7, 6, 0, 1]); // line 4 is a LIST
    assert.equal(
      (readJson(state) as { offset: number }).offset,
      Buffer.byteLength(lines(0, 7)),
      'the state stops right before the unresolved transfer',
    );

    // Still unknown: the same stop again, nothing sent twice.
    const again = await runTool(['-f', log, '-p', state]);
    assert.equal(again.code, 1);
    assert.equal(counters(again.log).stored, 0);

    const hostsFile = join(dir, 'hosts');
    writeFileSync(
      hostsFile,
      '# test hosts\n192.0.2.77   new-node.example.org new-node\n2001:db8::77 new-node.example.org\n',
    );
    const done = await runTool(['-f', log, '-p', state, '--hosts', hostsFile]);
    assert.equal(done.code, 0, done.log);
    assert.equal(counters(done.log).stored, 4); // the stranger and lines 8, 10, 11 (9 is a LIST)
    const sent = valuesSent(proxy);
    assert.equal(new Set(sent).size, sent.length, 'no value was sent twice');
    const stored = await held(a);
    assert.ok(
      [...stored.keys()].some((k) => k.includes('192.0.2.77|')),
      'the stranger is stored under the address --hosts gave',
    );
    assert.equal(
      stored.size,
      expectedFrom(lines(0, 7) + lines(8, 12)).size +
        [...stored.keys()].filter((k) => k.includes('192.0.2.77|')).length,
    );
  });

  test('the JSON sample whose host does not resolve: exit 1, nothing skipped; a second run with --resolve stores all three', async () => {
    await fresh();
    const state = join(dir, 'json.state.json');
    const sample = join(FIXTURE_SAMPLES, 'gridftp-transfer.json.log');
    const r = await runTool(['-J', '-f', sample, '-p', state], loadWithoutDns);
    assert.equal(r.code, 1, r.log);
    assert.equal(counters(r.log).unresolved, 1);
    assert.equal(counters(r.log).stored, 0);
    const r2 = await runTool(
      ['-J', '-f', sample, '-p', state, '--resolve', 'gridftp1.example.org=192.0.2.7'],
      loadWithoutDns,
    );
    assert.equal(r2.code, 0, r2.log);
    assert.equal(counters(r2.log).stored, 3);
    assert.equal(counters(r2.log).malformed, 1);
    assert.deepStrictEqual(await held(a), expectedFrom(readFileSync(sample, 'utf8'), true));
    const r3 = await runTool(
      ['-J', '-f', sample, '-p', state, '--resolve', 'gridftp1.example.org=192.0.2.7'],
      loadWithoutDns,
    );
    assert.equal(counters(r3.log).stored, 0);
  });

  test('malformed --resolve and --hosts values are usage errors', async () => {
    await fresh();
    const log = join(dir, 'empty.log');
    writeFileSync(log, '');
    for (const [args, message] of [
      [['--resolve', 'no-equals-sign'], /option --resolve: expected NAME=ADDRESS/],
      [['--resolve', 'host=not-an-address'], /option --resolve: expected NAME=ADDRESS/],
      [['--hosts', join(dir, 'missing-hosts')], /option --hosts: cannot read .*missing-hosts: ENOENT/],
    ] as const) {
      const r = await runTool(['-f', log, '-p', join(dir, 'e.json'), ...args]);
      assert.equal(r.code, 2, r.err);
      assert.match(r.err, message);
    }
    const bad = join(dir, 'bad-hosts');
    writeFileSync(bad, '192.0.2.1 ok.example.org\nnot-an-address name\n');
    const r = await runTool(['-f', log, '-p', join(dir, 'e.json'), '--hosts', bad]);
    assert.equal(r.code, 2);
    assert.match(r.err, /option --hosts: .*bad-hosts:2: expected "ADDRESS NAME \[ALIAS\.\.\.\]"/);
  });
});
