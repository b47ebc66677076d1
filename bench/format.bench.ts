/**
 * Output writers: rows/s for each format over 1000-point pages (numeric and histogram), written
 * to a sink that drops bytes, plus peak heap growth to show the output is streamed.
 * @module
 */
import { Writable } from 'node:stream';
import {
  columnsFor,
  createRowWriter,
  familyOf,
  rowsForPoint,
  type OutputFormat,
  type RowContext,
} from '../src/format/index.js';

export default async function (report: (line: string) => void): Promise<void> {
  const md = {
    source: '10.0.0.1',
    destination: '10.0.0.2',
    toolName: 'bwctl/iperf3',
    raw: { 'sample-bucket-width': '0.0001' },
  };
  const pages = 200;
  const pageSize = 1000;
  for (const [eventType, valueOf] of [
    ['throughput', (i: number) => 9e9 + i * 0.5],
    ['histogram-owdelay', (i: number) => ({ '34.4': 500 + (i % 7), '34.5': 80, '34.6': i % 3 })],
  ] as const) {
    for (const format of ['human', 'csv', 'json', 'ndjson'] as OutputFormat[]) {
      let bytes = 0;
      const sink = new Writable({
        highWaterMark: 1 << 16,
        write(chunk: Buffer, _enc, cb) {
          bytes += chunk.length;
          setImmediate(cb);
        },
      });
      const family = familyOf(eventType);
      const ctx: RowContext = { metadata: md, eventType, summaryType: 'base', summaryWindow: 0, format, family };
      const w = createRowWriter(format, sink, columnsFor(family, { format }));
      const heap0 = process.memoryUsage().heapUsed;
      let peak = heap0;
      const t0 = performance.now();
      for (let p = 0; p < pages; p++) {
        const page = Array.from({ length: pageSize }, (_, i) => ({
          ts: 1700000000 + p * pageSize + i,
          val: valueOf(i),
        }));
        await w.write(page.flatMap((pt) => rowsForPoint(ctx, pt)));
        if (p % 20 === 0) peak = Math.max(peak, process.memoryUsage().heapUsed);
      }
      await w.end();
      const ms = performance.now() - t0;
      const rows = pages * pageSize;
      report(
        `${eventType.padEnd(18)} ${format.padEnd(7)} ${rows} rows  ${(rows / (ms / 1000) / 1e3).toFixed(0).padStart(5)} k rows/s  ${(bytes / 1e6).toFixed(1)} MB  heap +${((peak - heap0) / 1e6).toFixed(1)} MB`,
      );
    }
  }
}
