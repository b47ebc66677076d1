// The format registry: every registered formatter's fast numeric path gives the bytes of its
// general row rendering, the names and file formats come from the registry, and the writers'
// framing (begin, separator, end, no-data form, final newline) is the formatter's.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import {
  FILE_FORMATS,
  OUTPUT_FORMATS,
  columnsFor,
  createPointEncoder,
  createRowWriter,
  familyOf,
  formatterFor,
  isOutputFormat,
  renderWith,
  rowsForPoint,
  type OutputFormat,
  type RenderState,
  type RowContext,
} from '../../src/format/index.js';
import type { WirePoint } from '../../src/model/wire.js';

const md = { source: '10.0.0.1', destination: '10.0.0.2', toolName: 'pscheduler/iperf3' };
const ctx: RowContext = { metadata: md, eventType: 'throughput', summaryType: 'base', summaryWindow: 0 };
const points: WirePoint[] = [9e9, 0.5, 1e-7, -0, NaN, 1e22].map((val, i) => ({ ts: 1700000000 + i * 60.5, val }));

async function written(format: OutputFormat, rows: WirePoint[], trailingNewline = true): Promise<string> {
  const out = new PassThrough();
  let text = '';
  out.on('data', (b: Buffer) => (text += b.toString('utf8')));
  const family = familyOf(ctx.eventType);
  const columns = columnsFor(family, { format });
  const w = createRowWriter(format, out, columns, { trailingNewline });
  await w.writePoints(createPointEncoder(format, columns, ctx), rows);
  await w.end();
  return text;
}

describe('output format registry', () => {
  test("the query tools' formats and the bulk file formats, in registry order", () => {
    assert.deepEqual(OUTPUT_FORMATS, ['human', 'json', 'csv', 'ndjson']);
    assert.deepEqual(FILE_FORMATS, ['json', 'csv', 'ndjson']);
    for (const name of OUTPUT_FORMATS) {
      assert.equal(isOutputFormat(name), true);
      assert.equal(formatterFor(name).name, name);
    }
    // Only csv has a fixed column list, so only it refuses -M.
    assert.deepEqual(
      OUTPUT_FORMATS.filter((f) => !formatterFor(f).extended),
      ['csv'],
    );
    assert.equal(isOutputFormat('xml'), false);
    assert.equal(isOutputFormat('constructor'), false);
  });

  for (const format of OUTPUT_FORMATS) {
    test(`${format}: the numeric fast path equals the formatter's row rendering`, () => {
      const formatter = formatterFor(format);
      const columns = columnsFor(familyOf('throughput'), { format });
      const state: RenderState = { rows: 0, listColumns: undefined };
      const fast = createPointEncoder(format, columns, ctx).encode(points, state);
      const slow: RenderState = { rows: 0, listColumns: undefined };
      const plain = points
        .flatMap((p) => rowsForPoint({ ...ctx, format }, p))
        .map((r) => renderWith(formatter, columns, r, slow))
        .join('');
      assert.equal(fast, plain);
      assert.deepEqual(state, slow);
    });

    test(`${format}: the writer frames rows with the formatter's begin, end and final newline`, async () => {
      const formatter = formatterFor(format);
      const columns = columnsFor(familyOf('throughput'), { format });
      const text = await written(format, points.slice(0, 2));
      const rows = createPointEncoder(format, columns, ctx).encode(points.slice(0, 2), {
        rows: 0,
        listColumns: undefined,
      });
      assert.equal(text, formatter.begin(columns) + rows + formatter.end + (formatter.finalNewline ? '\n' : ''));
      assert.equal(await written(format, points.slice(0, 2), false), formatter.begin(columns) + rows + formatter.end);
      assert.equal(await written(format, []), formatter.noData(columns) + (formatter.finalNewline ? '\n' : ''));
    });
  }

  test('the no-data forms of the original tools', async () => {
    assert.equal(await written('human', []), 'No data found.\n');
    assert.equal(await written('json', []), '[{"msg": "No data found."}]\n');
    assert.equal(
      await written('csv', []),
      'source,destination,event_type,tool,summary_type,summary_window,timestamp,value\r\nNo data,No data,No data,No data,No data,No data,No data,No data\r\n\n',
    );
    assert.equal(await written('ndjson', []), '');
  });

  test('only a format with traceHeaderBlocks shapes packet traces into header blocks', () => {
    const trace: WirePoint = {
      ts: 1700000000,
      val: [{ ttl: 1, query: 1, success: 1, ip: '10.0.0.9', rtt: 0.4, mtu: 1500 }],
    };
    for (const format of OUTPUT_FORMATS) {
      const rows = rowsForPoint({ ...ctx, eventType: 'packet-trace', format }, trace);
      const columns = columnsFor('packet_trace', { format });
      assert.equal(rows.length, formatterFor(format).traceHeaderBlocks ? 2 : 1, format);
      assert.equal(columns.includes('source'), !formatterFor(format).traceHeaderBlocks, format);
    }
  });
});
