/**
 * Loader benchmark, loopback only:
 *  (a) a 1 M-line NetLogger transfer log: reading and splitting the file alone, then reading,
 *      parsing and mapping every line to its esmond metadata and values (the loader's CPU path);
 *  (b) the whole loader (state, batches, metadata cache, bulk PUTs) into a real archive served by
 *      a child process, on a smaller log — every transfer of a GridFTP log has its own metadata
 *      (its size is a metadata parameter), so this is two requests per transfer;
 *  (c) the same through a loopback proxy that holds every chunk 2 ms each way, as a nearby
 *      archive over a real network would: one metadata at a time against the sink's default.
 * @module
 */
import { spawn } from 'node:child_process';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { openSqliteArchive } from '../src/archive/service.js';
import { readLines } from '../src/loaders/gridftp/lines.js';
import { parseNetloggerLine } from '../src/loaders/gridftp/netlogger.js';
import { transferToEsmond } from '../src/loaders/gridftp/transfer.js';
import { DEFAULT_SINK_CONCURRENCY } from '../src/loaders/sink.js';
import { loadTransferLog, writeTransferLog as writeLog } from './support/gridftp-log.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const LINES = 1_000_000;
const E2E_LINES = 5_000;
const DELAYED_LINES = 1_000;
/** One-way delay of the proxy in (c). */
const DELAY_MS = 2;

/** A TCP proxy on 127.0.0.1 that forwards every chunk `delayMs` later, in order, both ways. */
async function startDelayProxy(target: URL, delayMs: number): Promise<{ url: string; server: Server }> {
  const server = createServer((down) => {
    const up = connect(Number(target.port), target.hostname);
    const pipeDelayed = (from: Socket, to: Socket): void => {
      // Timers of equal length fire in the order they were set, so chunks keep their order.
      from.on('data', (chunk) => setTimeout(() => to.write(chunk), delayMs));
      from.on('end', () => setTimeout(() => to.end(), delayMs));
      from.on('error', () => to.destroy());
    };
    pipeDelayed(down, up);
    pipeDelayed(up, down);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('proxy has no port');
  return { url: `http://127.0.0.1:${address.port}/`, server };
}

const rate = (n: number, ms: number): string => `${Math.round((n / ms) * 1000).toLocaleString('en-US')} lines/s`;

export default async function loadersBench(report: (line: string) => void): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'loaders-bench-'));
  try {
    const log = join(dir, 'gridftp-transfer.log');
    await writeLog(log, LINES);
    const mb = statSync(log).size / 1e6;
    report(`gridftp log: ${LINES.toLocaleString('en-US')} lines, ${mb.toFixed(0)} MB`);

    let t = performance.now();
    let n = 0;
    for await (const l of readLines(log, 0)) n += l.text.length > 0 ? 1 : 0;
    const readMs = performance.now() - t;
    report(`read + split only:        ${rate(n, readMs)} (${(readMs / 1000).toFixed(2)} s)`);

    t = performance.now();
    let transfers = 0;
    let values = 0;
    for await (const l of readLines(log, 0)) {
      const r = parseNetloggerLine(l.text);
      if (r.kind !== 'transfer') continue;
      const e = transferToEsmond(r.record, '192.0.2.50');
      transfers += 1;
      values += e.values.length;
    }
    const parseMs = performance.now() - t;
    report(
      `read + parse + map:       ${rate(LINES, parseMs)} (${(parseMs / 1000).toFixed(2)} s; ${transfers} transfers, ${values} values) = ${(readMs / parseMs).toFixed(2)}× the read-only rate`,
    );

    // (b) End to end into a real archive in a child process.
    const db = join(dir, 'archive.sqlite');
    const service = openSqliteArchive(db);
    const key = await service.addUser('bench');
    await service.close();
    const small = join(dir, 'small.log');
    await writeLog(small, E2E_LINES);
    const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'bench/support/archive-server.ts'), db], {
      cwd: root,
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    try {
      const [first] = (await once(child.stdout, 'data')) as [Buffer];
      const url = (JSON.parse(first.toString().split('\n')[0]!) as { url: string }).url;
      const load = async (
        file: string,
        lines: number,
        via: string,
        concurrency: number,
        state: string,
      ): Promise<string> => {
        const { result: r, seconds } = await loadTransferLog({
          file,
          statePath: join(dir, state),
          url: via,
          apiKey: key,
          concurrency,
        });
        const ms = seconds * 1000;
        if (r.failed || r.duplicates > 0) throw new Error(`end-to-end run failed: ${JSON.stringify(r)}`);
        return `${rate(lines, ms)} (${r.stored} transfers, ${r.written} values, ${seconds.toFixed(2)} s)`;
      };
      report(
        `end to end into the archive: ${await load(small, E2E_LINES, url, DEFAULT_SINK_CONCURRENCY, 'state.json')}`,
      );

      // (c) Fresh transfers (another file, later times do not matter: sizes differ per line index).
      const proxy = await startDelayProxy(new URL(url), DELAY_MS);
      try {
        for (const [name, concurrency] of [
          ['1 metadata in flight', 1],
          [`${DEFAULT_SINK_CONCURRENCY} in flight (default)`, DEFAULT_SINK_CONCURRENCY],
        ] as const) {
          const file = join(dir, `delayed-${concurrency}.log`);
          await writeLog(file, DELAYED_LINES, E2E_LINES + concurrency * DELAYED_LINES);
          report(
            `end to end, +${DELAY_MS} ms each way, ${name}: ${await load(file, DELAYED_LINES, proxy.url, concurrency, `state-${concurrency}.json`)}`,
          );
        }
      } finally {
        proxy.server.close();
      }
    } finally {
      child.stdin.end();
      await once(child, 'exit');
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
