import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  columnsFor,
  createPointEncoder,
  csvLine,
  familyOf,
  HEADER_BLOCK,
  pyJson,
  pyStr,
  RawJson,
  rowsForPoint,
  type OutputFormat,
  type Row,
  type RowContext,
  type RenderState,
} from '../../src/format/index.js';
import type { WirePoint } from '../../src/model/wire.js';

/**
 * An independent, plain rendering of rows (the original's output layouts written out directly),
 * as the oracle for the point encoder and its fast path.
 */
function oracle(format: OutputFormat, columns: readonly string[], rows: Row[], extended = false): string {
  let lists: Set<string> | undefined;
  const cell = (v: unknown, k: string, none: string): string => {
    if (v === null || v === undefined) return none;
    if (v instanceof RawJson) return pyJson(v.value);
    if (lists?.has(k) && Array.isArray(v)) return v.map((x) => pyStr(x)).join(', ');
    return pyStr(v);
  };
  const plain = (r: Row): Record<string, unknown> =>
    Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v instanceof RawJson ? v.value : v]));
  return rows
    .map((r, i) => {
      lists ??= new Set(
        Object.entries(r)
          .filter(([, v]) => Array.isArray(v))
          .map(([k]) => k),
      );
      switch (format) {
        case 'csv':
          return csvLine(columns.map((k) => cell(r[k], k, '')));
        case 'json':
          return (i > 0 ? ', ' : '') + pyJson(plain(r));
        case 'ndjson':
          return `${JSON.stringify(plain(r))}\n`;
        case 'human': {
          const keys = r[HEADER_BLOCK]
            ? Object.keys(r)
            : extended
              ? [...columns, ...Object.keys(r).filter((k) => !columns.includes(k))]
              : columns;
          return (
            (i > 0 ? '= + = + = + = + = + =\n' : '') + keys.map((k) => `${k}: ${cell(r[k], k, 'None')}\n`).join('')
          );
        }
      }
    })
    .join('');
}

const FORMATS: OutputFormat[] = ['csv', 'json', 'ndjson', 'human'];
const md = {
  source: '10.0.0.1',
  destination: '10.0.0.2',
  toolName: 'bwctl/iperf3',
  raw: { 'sample-bucket-width': '0.0001' },
};

function both(
  format: OutputFormat,
  ctx: RowContext,
  points: WirePoint[],
  step: number,
  extended = false,
): [got: string, want: string] {
  const family = familyOf(ctx.eventType, ctx.summaryType);
  const columns = columnsFor(family, { format });
  const state: RenderState = { rows: 0, listColumns: undefined };
  let got = '';
  for (let i = 0; i < points.length; i += step)
    got += createPointEncoder(format, columns, ctx, { extended }).encode(points.slice(i, i + step), state);
  const rows = points.flatMap((p) => rowsForPoint({ ...ctx, format }, p));
  assert.equal(state.rows, rows.length);
  return [got, oracle(format, columns, rows, extended)];
}

describe('point encoder equals a plain rendering of the rows', () => {
  const numbers = [
    9000000000,
    9000000000.5,
    1e-5,
    1e-4,
    0.1,
    -0,
    0,
    1e16,
    1e21,
    5e-324,
    -7,
    NaN,
    Infinity,
    -Infinity,
    123.456,
  ];
  const samples: Array<[string, RowContext, WirePoint[]]> = [
    [
      'numeric',
      { metadata: md, eventType: 'throughput', summaryType: 'base', summaryWindow: 0 },
      numbers.map((val, i) => ({ ts: 1700000000 + i * 30 + (i === 3 ? 0.25 : 0), val })),
    ],
    [
      'numeric with nulls and non-numbers',
      { metadata: md, eventType: 'packet-loss-rate', summaryType: 'aggregation', summaryWindow: 3600 },
      [
        { ts: 1, val: 0.5 },
        { ts: 2, val: null },
        { ts: 3, val: '7' },
        { ts: 4, val: [1, 2] },
        { ts: 5, val: 2 },
      ],
    ],
    [
      'names that need quoting',
      {
        metadata: { source: 'a,"b"', destination: undefined, toolName: undefined },
        eventType: 'ntp-offset',
        summaryType: 'base',
        summaryWindow: 0,
        hostnames: (v) => `${v}\n'x'é`,
      },
      [
        { ts: 1e12, val: -0.000412 },
        { ts: 0, val: 3 },
      ],
    ],
    [
      'packet trace',
      { metadata: md, eventType: 'packet-trace', summaryType: 'base', summaryWindow: 0 },
      [
        {
          ts: 1,
          val: [{ ttl: '1', query: 1, success: 1, ip: '10.0.0.254', rtt: 0.246, mtu: 9000, error_message: null }],
        },
        { ts: 2, val: [] },
      ],
    ],
    [
      'statistics',
      { metadata: md, eventType: 'histogram-rtt', summaryType: 'statistics', summaryWindow: 0 },
      [
        { ts: 1, val: { mode: [34.4, 34.5], mean: 1.5, minimum: 1, maximum: '2' } },
        { ts: 2, val: { mode: [1] } },
      ],
    ],
    [
      'unknown',
      { metadata: md, eventType: 'tcpinfo', summaryType: 'base', summaryWindow: 0 },
      [{ ts: 1, val: { rtt: 1.5, list: [1, 2], nested: { a: null } } }],
    ],
  ];
  for (const [name, ctx, points] of samples) {
    for (const format of FORMATS) {
      test(`${name}, ${format}, in any split`, () => {
        for (const step of [1, 2, points.length]) {
          const [got, want] = both(format, ctx, points, step);
          assert.equal(got, want, `step ${step}`);
        }
      });
    }
  }
  test('human -M (extended) prints the same', () => {
    const [got, want] = both('human', samples[0]![1], samples[0]![2], 4, true);
    assert.equal(got, want);
  });
  test('any numeric series, any format', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...FORMATS),
        fc.array(
          fc.record({
            ts: fc.double({ min: 0, max: 3e11, noNaN: true }),
            val: fc.oneof(fc.double(), fc.integer(), fc.constant(null)),
          }),
          { maxLength: 20 },
        ),
        (format, pts) => {
          const [got, want] = both(format, samples[0]![1], pts, 3);
          return got === want;
        },
      ),
      { numRuns: 500 },
    );
  });
});
