import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { createSeriesEncoder } from '../../src/bulk/encoder.js';
import type { BulkFormat, EncoderMemory, SeriesJob } from '../../src/bulk/types.js';
import { columnsFor, createRowWriter, familyOf, rowsForPoint } from '../../src/format/index.js';
import type { WirePoint } from '../../src/model/wire.js';
import type { Metadata } from '../../src/query/types.js';

function meta(over: Partial<Metadata> = {}): Metadata {
  return {
    key: 'k1',
    uri: '/esmond/perfsonar/archive/k1/',
    url: undefined,
    subjectType: 'point-to-point',
    source: '10.0.0.1',
    destination: '10.0.0.2',
    measurementAgent: '10.0.0.1',
    toolName: 'bwctl/iperf3',
    inputSource: 'a',
    inputDestination: 'b',
    parameters: { 'sample-bucket-width': '0.0001' },
    eventTypes: [],
    raw: {
      uri: '/x/',
      'metadata-key': 'k1',
      'subject-type': 'point-to-point',
      'event-types': [],
      'sample-bucket-width': '0.0001',
    },
    ...over,
  };
}

function job(eventType: string, m = meta(), selector: SeriesJob['selector'] = {}): SeriesJob {
  return {
    id: `${m.key}/${eventType}`,
    metadata: m,
    eventType,
    selector,
    fileName: 'f',
    sourceLabel: m.source ?? '',
    destinationLabel: m.destination ?? '',
  };
}

/** What the format module's streaming writer prints for the whole series, file style. */
async function reference(
  j: SeriesJob,
  format: BulkFormat,
  points: WirePoint[],
  summaryType = 'base',
  summaryWindow = 0,
): Promise<string> {
  const family = familyOf(j.eventType, summaryType);
  let text = '';
  const out = new Writable({
    write(chunk, _enc, cb) {
      text += String(chunk);
      cb();
    },
  });
  const w = createRowWriter(format, out, columnsFor(family, { format }), { trailingNewline: false });
  const ctx = { metadata: j.metadata, eventType: j.eventType, summaryType, summaryWindow, format, family };
  for (const p of points) await w.write(rowsForPoint(ctx, p));
  await w.end();
  return text;
}

function withSummary(j: SeriesJob, summaryType: string, summaryWindow: number): SeriesJob {
  return summaryType === 'base' ? j : { ...j, selector: { summaryType: summaryType as 'statistics', summaryWindow } };
}

/** The bulk encoder over the same points, fed in pieces of `step` with a fresh encoder each time (as after a resume). */
function encoded(
  j: SeriesJob,
  format: BulkFormat,
  points: WirePoint[],
  step: number,
  summaryType = 'base',
  summaryWindow = 0,
): string {
  const memory: EncoderMemory = { rows: 0, listColumns: undefined };
  let text = '';
  for (let i = 0; i < points.length; i += step) {
    const enc = createSeriesEncoder(withSummary(j, summaryType, summaryWindow), { format });
    const before = memory.rows;
    const out = enc.encode(points.slice(i, i + step), memory);
    if (before === 0 && out.rows > 0) text += enc.begin();
    text += out.text;
  }
  return text + createSeriesEncoder(withSummary(j, summaryType, summaryWindow), { format }).end(memory.rows);
}

const SAMPLES: Record<string, WirePoint[]> = {
  throughput: [
    { ts: 1699999200, val: 9000000000.5 },
    { ts: 1699999260, val: 600 },
    { ts: 1699999320, val: 1e-5 },
  ],
  'ntp-offset': [-0.000412, null, 1e20, 0, 123.456, -7, 5e-324, 1e16, 0.0001, 2.5].map((val, i) => ({
    ts: 1699999200 + i * 60 + (i === 3 ? 0.5 : 0),
    val,
  })),
  failures: [{ ts: 1699999200, val: { error: 'bwctl: "Unable", to contact host' } }],
  'histogram-owdelay': [
    { ts: 1699999200, val: { '34.4': 506, '34.5': 85 } },
    { ts: 1699999260, val: { '34.4': 510 } },
  ],
  'packet-trace': [
    {
      ts: 1699999200,
      val: [
        { ttl: '1', query: 1, success: 1, ip: '10.0.0.254', rtt: 0.246, mtu: 9000, error_message: null },
        { ttl: '2', query: 1, success: 0, ip: null, rtt: null, mtu: null, error_message: 'x' },
      ],
    },
    { ts: 1699999260, val: [] },
  ],
  'throughput-subintervals': [
    {
      ts: 1699999200,
      val: [
        { start: '0.000000', duration: '1.000000', val: 100 },
        { start: '1.0', duration: '1.0', val: 101 },
      ],
    },
  ],
  'streams-throughput': [{ ts: 1699999200, val: [4000000000.5, 5000000000.5] }],
  'streams-throughput-subintervals': [
    { ts: 1699999200, val: [[{ start: 0, duration: 1.0, val: 1 }], [{ start: 0, duration: 1.0, val: 3 }]] },
  ],
  'pscheduler-run-href': [{ ts: 1699999200, val: 'https://ps.example.net/pscheduler/tasks/x/runs/y' }],
  tcpinfo: [{ ts: 1699999200, val: { rtt: 1.5, list: [1, 2], nested: { a: null } } }],
};

describe('bulk encoder equals the format module', () => {
  for (const [eventType, points] of Object.entries(SAMPLES)) {
    for (const format of ['csv', 'json', 'ndjson'] as const) {
      test(`${eventType} ${format}, in any split`, async () => {
        const j = job(eventType);
        const want = await reference(j, format, points);
        for (const step of [1, 2, points.length]) assert.equal(encoded(j, format, points, step), want, `step ${step}`);
      });
    }
  }

  test('histogram statistics: the list column (mode) is joined in csv in every row, also after a resume', async () => {
    const j = job('histogram-rtt');
    const stat = (mode: number[]): unknown => ({
      mode,
      mean: 1.5,
      minimum: 1.0,
      maximum: 2.0,
      median: 1.5,
      'percentile-25': 1,
      'percentile-75': 2,
      'percentile-95': 2,
      variance: 0.1,
      'standard-deviation': 0.3,
    });
    const points = [
      { ts: 1, val: stat([34.4, 34.5]) },
      { ts: 2, val: stat([1]) },
    ];
    const want = await reference(j, 'csv', points, 'statistics', 0);
    assert.match(want, /"34\.4, 34\.5"/);
    assert.equal(encoded(j, 'csv', points, 1, 'statistics', 0), want);
  });

  test('network-element metadata (no destination) encodes without error (B3)', async () => {
    const j = job('ntp-offset', meta({ destination: undefined, subjectType: 'network-element' }));
    const points = [{ ts: 1699999200, val: -0.000412 }];
    assert.equal(encoded(j, 'csv', points, 1), await reference(j, 'csv', points));
  });
});

describe('fast float repr', () => {
  test("the format module's pyFloat (fast path) equals its rule-by-rule rendering for any double", async () => {
    const fc = (await import('fast-check')).default;
    const { pyFloat, pyFloatByRules } = await import('../../src/format/index.js');
    fc.assert(
      fc.property(fc.double(), (x) => pyFloat(x) === pyFloatByRules(x)),
      { numRuns: 20000 },
    );
    for (const x of [
      1e-4, 9.999999999999999e-5, 1e16, 9999999999999998, 0.1, -0, 0, 9000000000, 1.5e300, 5e-324, -1e-5,
    ]) {
      assert.equal(pyFloat(x), pyFloatByRules(x), String(x));
    }
  });
});
