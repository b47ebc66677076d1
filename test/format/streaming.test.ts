import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough, Writable } from 'node:stream';
import fc from 'fast-check';
import { createRowWriter, type OutputFormat, type Row } from '../../src/format/index.js';

const COLS = ['a', 'b'];
const rowArb = fc.record({
  a: fc.oneof(fc.string(), fc.integer(), fc.constant(null)),
  b: fc.oneof(fc.array(fc.string(), { maxLength: 3 }), fc.double(), fc.boolean()),
});

async function renderBatches(format: OutputFormat, batches: Row[][]): Promise<string> {
  const out = new PassThrough();
  let s = '';
  out.on('data', (b: Buffer) => (s += b.toString()));
  const w = createRowWriter(format, out, COLS);
  for (const b of batches) await w.write(b);
  await w.end();
  return s;
}

describe('streaming writers', () => {
  test('json is written as rows arrive: "[" and rows before end(), "]" at the end', async () => {
    const out = new PassThrough();
    let s = '';
    out.on('data', (b: Buffer) => (s += b.toString()));
    const w = createRowWriter('json', out, COLS);
    await w.write([{ a: 1, b: 2 }]);
    await new Promise((r) => setImmediate(r));
    assert.equal(s, '[{"a": 1, "b": 2}');
    await w.write([{ a: 3, b: 4 }]);
    await w.end();
    assert.equal(s, '[{"a": 1, "b": 2}, {"a": 3, "b": 4}]\n');
  });

  test('write() waits for drain (backpressure)', async () => {
    const pending: Array<() => void> = [];
    const slow = new Writable({
      highWaterMark: 4,
      write(_chunk, _enc, cb) {
        pending.push(cb);
      },
    });
    const w = createRowWriter('csv', slow, COLS);
    let resolved = false;
    const p = w.write([{ a: 'x'.repeat(100), b: 1 }]).then(() => (resolved = true));
    await new Promise((r) => setImmediate(r));
    assert.equal(resolved, false, 'must wait while the stream is full');
    while (pending.length > 0) pending.shift()?.();
    await p;
    assert.equal(resolved, true);
  });

  test('bytes do not depend on how rows are batched', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(rowArb, { maxLength: 8 }),
        fc.array(fc.nat(8), { maxLength: 4 }),
        fc.constantFrom<OutputFormat>('human', 'csv', 'json', 'ndjson'),
        async (rows, cuts, format) => {
          const one = await renderBatches(format, [rows]);
          const points = [...new Set(cuts.map((c) => Math.min(c, rows.length)))].sort((x, y) => x - y);
          const batches: Row[][] = [];
          let prev = 0;
          for (const c of [...points, rows.length]) {
            batches.push(rows.slice(prev, c));
            prev = c;
          }
          assert.equal(await renderBatches(format, batches), one);
        },
      ),
      { numRuns: 60 },
    );
  });

  test('json output always parses; ndjson has one object per row', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(rowArb, { maxLength: 6 }), async (rows) => {
        const finite = rows.map((r) => ({ ...r, b: typeof r.b === 'number' && !Number.isFinite(r.b) ? 0 : r.b }));
        const parsed = JSON.parse(await renderBatches('json', [finite])) as unknown[];
        assert.equal(parsed.length, Math.max(1, finite.length));
        const nd = await renderBatches('ndjson', [finite]);
        assert.equal(nd === '' ? 0 : nd.trimEnd().split('\n').length, finite.length);
      }),
      { numRuns: 60 },
    );
  });
});
