/**
 * hardening figures: the real `esmond-ps-archive serve` (its defaults, a child process)
 * on 20 050 metadata. A tiny GET alone (baseline), then beside 20 concurrent large searches
 * (`limit=100000`, clamped) and beside 50 slow clients; the server's resident memory (VmRSS,
 * VmHWM from /proc) before and after. Prints ratios against the baseline and the 250 ms target.
 *
 *   npm run bench -- harden
 * @module
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fillThroughputMetadata } from '../test/helpers/throughput-metadata.js';
import type { Bench } from './index.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const METADATA = 20_050;
const LIST = '/esmond/perfsonar/archive/';

/** GETs `path`, reading the whole answer; resolves with the milliseconds it took. */
function timedGet(url: string, path: string, agent: Agent): Promise<number> {
  const began = performance.now();
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const req = request({ host: u.hostname, port: u.port, path, agent }, (res) => {
      res.resume();
      res.on('end', () => {
        resolve(performance.now() - began);
      });
    });
    req.on('error', reject);
    req.end();
  });
}

function memory(pid: number): string {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name: string): number => Number(new RegExp(`${name}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return `rss ${(kb('VmRSS') / 1024).toFixed(0)} MiB, peak ${(kb('VmHWM') / 1024).toFixed(0)} MiB`;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

const bench: Bench = async (report) => {
  const dir = mkdtempSync(join(tmpdir(), 'esmond-harden-bench-'));
  const db = join(dir, 'archive.sqlite');
  await fillThroughputMetadata(db, METADATA);
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(root, 'src/bin/esmond-ps-archive.ts'), 'serve', '--port', '0', '--db', db, '--no-dns'],
    { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  try {
    let seen = '';
    const url = await new Promise<string>((resolve, reject) => {
      const look = (c: Buffer): void => {
        seen += c.toString();
        const found = /http:\/\/127\.0\.0\.1:\d+/.exec(seen)?.[0];
        if (found !== undefined) resolve(found);
      };
      child.stdout.on('data', look);
      child.stderr.on('data', look);
      child.on('close', () => {
        reject(new Error(`server exited: ${seen}`));
      });
    });
    const pid = child.pid ?? 0;
    const tinyAgent = new Agent({ keepAlive: true });
    await timedGet(url, `${LIST}?limit=1`, tinyAgent); // warm-up
    const alone: number[] = [];
    for (let i = 0; i < 10; i++) alone.push(await timedGet(url, `${LIST}?limit=1`, tinyAgent));
    const base = median(alone);
    report(`server idle: ${memory(pid)}`);
    report(`tiny GET alone: median ${base.toFixed(1)} ms`);

    const loaded: number[] = [];
    for (let round = 0; round < 3; round++) {
      const bigAgent = new Agent({ keepAlive: true, maxSockets: 20 });
      const large = Array.from({ length: 20 }, () => timedGet(url, `${LIST}?limit=100000`, bigAgent));
      await new Promise((r) => setTimeout(r, 20)); // the large searches are in flight
      loaded.push(await timedGet(url, `${LIST}?limit=1`, tinyAgent));
      const times = await Promise.all(large);
      report(
        `round ${round + 1}: 20 large searches in ${Math.max(...times).toFixed(0)} ms; tiny GET beside them ${loaded.at(-1)?.toFixed(0)} ms`,
      );
      bigAgent.destroy();
    }
    const worst = Math.max(...loaded);
    report(
      `tiny GET beside 20 large searches: median ${median(loaded).toFixed(0)} ms, worst ${worst.toFixed(0)} ms = ${(worst / base).toFixed(1)}x alone; target 250 ms: ${worst <= 250 ? 'met' : 'NOT met'}`,
    );
    report(`server after the searches: ${memory(pid)}`);

    const { port } = new URL(url);
    const slow: Socket[] = [];
    for (let i = 0; i < 50; i++) {
      const s = connect(Number(port), '127.0.0.1');
      s.on('error', () => undefined);
      s.write(
        i % 2 === 0
          ? 'GET / HTTP/1.1\r\nHost: x\r\n'
          : `PUT ${LIST} HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{`,
      );
      slow.push(s);
    }
    await new Promise((r) => setTimeout(r, 200));
    const beside: number[] = [];
    for (let i = 0; i < 5; i++) beside.push(await timedGet(url, `${LIST}?limit=1`, tinyAgent));
    report(
      `tiny GET beside 50 slow clients: median ${median(beside).toFixed(1)} ms = ${(median(beside) / base).toFixed(1)}x alone`,
    );
    report(`server with 50 slow clients: ${memory(pid)}`);
    for (const s of slow) s.destroy();
    tinyAgent.destroy();
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('close', r));
    rmSync(dir, { recursive: true, force: true });
  }
};

export default bench;
