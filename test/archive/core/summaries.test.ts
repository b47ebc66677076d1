import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  Percentile,
  histogramStatistics,
  mergeHistograms,
  toFixedPoint,
  fromFixedPoint,
  averageValue,
  type HistogramPairs,
} from '../../../src/model/summaries.js';

const close = (a: number, b: number): void => {
  assert.ok(Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b)), `${a} ≈ ${b}`);
};

describe('float fixed point (archive-api.md: Summaries)', () => {
  test('truncates to 4 decimals toward zero', async () => {
    assert.equal(fromFixedPoint(toFixedPoint(0.000124)), 0.0001);
    assert.equal(fromFixedPoint(toFixedPoint(0.57)), 0.5699);
    assert.equal(fromFixedPoint(toFixedPoint(0.0029)), 0.0028);
    assert.equal(fromFixedPoint(toFixedPoint(-0.57)), -0.5699);
    assert.equal(toFixedPoint(-0.00001), 0);
    assert.ok(Object.is(toFixedPoint(-0.00001), 0), 'no negative zero');
  });
  test('average divides the fixed-point sum by count·10⁴', async () => {
    const fixed = [0.001, 0.003, 0.002, 0.003, 0.001].map(toFixedPoint);
    const sum = fixed.reduce((s, v) => s + v, 0);
    assert.equal(averageValue({ sum, count: fixed.length }, 10000), 0.002);
    assert.equal(sum / 10000, 0.01);
  });
});

describe('NIST percentile unit vectors (archive-api.md: Summaries; upstream esmond tests item 37)', () => {
  test('(40, N=1) fed (1, 100) → 100', async () => {
    const p = new Percentile(40, 1);
    p.findValue(1, 100);
    assert.equal(p.value, 100);
    assert.ok(p.finished);
  });
  test('(95, N=9) fed (9, 101) → 101', async () => {
    const p = new Percentile(95, 9);
    p.findValue(9, 101);
    assert.equal(p.value, 101);
  });
  test('(95, N=10) fed (4, 100) then (6, 101) → 100.45', async () => {
    const p = new Percentile(95, 10);
    p.findValue(4, 100);
    assert.ok(p.pending && !p.finished);
    p.findValue(6, 101);
    close(p.value ?? NaN, 100.45);
  });
});

describe('histogram statistics (archive-api.md: Summaries)', () => {
  test('worked example', async () => {
    const s = histogramStatistics([
      ['41.00', 98],
      ['41.10', 98],
      ['41.20', 3],
      ['50.0', 1],
    ]);
    assert.ok('mean' in s);
    close(s.mean, 41.097);
    assert.equal(s.minimum, 41.0);
    assert.equal(s.maximum, 50.0);
    assert.equal(s['percentile-25'], 41.0);
    assert.equal(s.median, 41.1);
    assert.equal(s['percentile-75'], 41.1);
    assert.equal(s['percentile-95'], 41.1);
    close(s.variance, 0.401091);
    close(s['standard-deviation'], 0.6333174559413313);
    assert.deepEqual(s.mode, [41.0, 41.1], 'mode in H order');
  });
  test('mode follows H order, not numeric order', async () => {
    const s = histogramStatistics([
      ['9', 5],
      ['10', 5],
      ['3', 5],
    ]);
    assert.ok('mode' in s);
    assert.deepEqual(s.mode, [9, 10, 3]);
    assert.equal(s.minimum, 3);
    assert.equal(s.maximum, 10);
  });
  test("correct aggregation statistics (not esmond's lossy ones) of upstream item 34", async () => {
    const h0: HistogramPairs = [
      ['41.00', 98],
      ['41.10', 2],
    ];
    const merged = mergeHistograms(mergeHistograms(h0, h0), [
      ['41.10', 96],
      ['41.20', 3],
      ['50.0', 1],
    ]);
    assert.deepEqual(merged, [
      ['41.00', 196],
      ['41.10', 100],
      ['41.20', 3],
      ['50.0', 1],
    ]);
    const s = histogramStatistics(merged);
    assert.ok('mean' in s);
    close(s.mean, 41.065333333333335);
    assert.equal(s.median, 41.0);
    assert.deepEqual(s.mode, [41.0]);
    close(s.variance, 0.2694648888888889);
    close(s['standard-deviation'], 0.5191000759862099);
  });
  test('non-numeric key, empty and all-zero histograms give {}', async () => {
    assert.deepEqual(
      histogramStatistics([
        ['test', 100],
        ['41.0', 2],
      ]),
      {},
    );
    assert.deepEqual(histogramStatistics([]), {});
    assert.deepEqual(histogramStatistics([['1', 0]]), {});
    assert.deepEqual(histogramStatistics([['nan', 3]]), {});
  });
  test('zero-count buckets still count toward min and max', async () => {
    const s = histogramStatistics([
      ['5', 0],
      ['7', 3],
      ['100', 0],
    ]);
    assert.ok('minimum' in s);
    assert.equal(s.minimum, 5);
    assert.equal(s.maximum, 100);
    assert.equal(s.median, 7);
  });
  test('single bucket: every statistic is that bucket', async () => {
    const s = histogramStatistics([['34.4', 600]]);
    assert.ok('mean' in s);
    for (const k of [
      'mean',
      'minimum',
      'maximum',
      'median',
      'percentile-25',
      'percentile-75',
      'percentile-95',
    ] as const) {
      close(s[k], 34.4);
    }
    assert.equal(s.variance, 0);
  });
  test('merge keeps keys as exact strings', async () => {
    assert.deepEqual(
      mergeHistograms(
        [['41.0', 1]],
        [
          ['41.00', 1],
          ['41.0', 2],
        ],
      ),
      [
        ['41.0', 3],
        ['41.00', 1],
      ],
    );
  });
});
