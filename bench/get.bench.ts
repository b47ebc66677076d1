/**
 * esmond-ps-get end to end against the embedded archive (in this process): one throughput series
 * of N points read in 1000-point pages and written to a sink that counts bytes, per output
 * format. Reports rows/s and the peak RSS growth, which stays flat because rows are written
 * page by page (the original held the whole series and the whole output string).
 * @module
 */
import { Writable } from 'node:stream';
import { PassThrough } from 'node:stream';
import { run } from '../src/cli/get.js';
import type { CliIo } from '../src/cli/io.js';
import { createClient } from '../src/query/client.js';
import { startArchive } from '../test/helpers/archive.js';

const T0 = 1_700_000_000;
const N = 100_000;

export default async function (report: (line: string) => void): Promise<void> {
  const archive = await startArchive({ now: () => (T0 + N + 60) * 1000 });
  try {
    const client = createClient({ url: archive.url, credentials: { apiKey: archive.apiKey } });
    const md = await client.postMetadata({
      'subject-type': 'point-to-point',
      source: '10.0.0.1',
      destination: '10.0.0.2',
      'measurement-agent': '10.0.0.1',
      'tool-name': 'bwctl/iperf3',
      'input-source': 'a',
      'input-destination': 'b',
      'event-types': [{ 'event-type': 'throughput' }],
    });
    const t0 = performance.now();
    for (let i = 0; i < N; i += 5000) {
      await client.putBulk(md.key, Array.from({ length: 5000 }, (_, j) => ({ ts: T0 + i + j, val: [{ 'event-type': 'throughput', val: 9e9 + ((i + j) % 1000) }] })));
    }
    await client.close();
    report(`wrote ${N} points in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    for (const format of ['csv', 'json', 'ndjson', 'human']) {
      let bytes = 0;
      const sink = new Writable({
        write(chunk: Buffer, _e, cb) {
          bytes += chunk.length;
          cb();
        },
      });
      const io: CliIo = { stdout: sink, stderr: new PassThrough(), stdin: new PassThrough(), env: {}, now: () => (T0 + N + 60) * 1000, cwd: process.cwd() };
      global.gc?.();
      const rss0 = process.memoryUsage().rss;
      let peak = rss0;
      const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
      const t = performance.now();
      const code = await run(['-u', archive.url, '-s', '10.0.0.1', '-d', '10.0.0.2', '-e', 'throughput', '-S', String(new Date(T0 * 1000).toISOString()), '--ip', '-o', format], io);
      const ms = performance.now() - t;
      clearInterval(timer);
      report(`${format.padEnd(7)} exit ${code}  ${N} rows in ${(ms / 1000).toFixed(2)} s = ${Math.round(N / (ms / 1000)).toLocaleString('en-US')} rows/s  ${(bytes / 1e6).toFixed(1)} MB out  peak RSS +${((peak - rss0) / 1e6).toFixed(0)} MB`);
    }
  } finally {
    await archive.close();
  }
}
