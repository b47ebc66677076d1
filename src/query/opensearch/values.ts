/**
 * Values as the esmond archive stores and serves them, for series the client builds itself:
 * each data type's normalisation (archive-api.md: Writing: integers by Python `int()`, floats as
 * `trunc(v × 10⁴)`, percentages as numerator/denominator, histograms as ordered pairs) and
 * summary bins folded with the shared summary math of `model/summaries.ts` (archive-api.md: Summaries). A value the
 * archive would refuse (400) gives no point, as it would be missing from esmond too.
 * @module
 */
import type { DataType, SummaryType } from '../../model/event-types.js';
import { INT64_MAX, pythonFloat, pythonInt } from '../../model/pyparse.js';
import {
  FLOAT_SCALE,
  aggregationValue,
  averageValue,
  fromFixedPoint,
  histogramObject,
  histogramStatistics,
  mergeHistograms,
  ratioValue,
  toFixedPoint,
  type HistogramPairs,
} from '../../model/summaries.js';
import { isJsonObject } from '../../model/json-object.js';

/** A normalised value: numbers as (numerator, denominator) sums, histograms as pairs, the rest as is. */
export type StoredValue = { num: number; den: number } | { pairs: HistogramPairs } | { doc: unknown };

/** The stored form of `value` for `dataType`, or undefined when the archive would refuse it. */
export function normalize(dataType: DataType, value: unknown): StoredValue | undefined {
  switch (dataType) {
    case 'integer': {
      const v = pythonInt(value);
      return v === undefined || Math.abs(v) > INT64_MAX ? undefined : { num: v, den: 1 };
    }
    case 'float': {
      const v = pythonFloat(value);
      return v === undefined || Math.abs(v * FLOAT_SCALE) >= INT64_MAX ? undefined : { num: toFixedPoint(v), den: 1 };
    }
    case 'percentage': {
      if (!isJsonObject(value)) return undefined;
      const n = pythonInt(value.numerator);
      const d = pythonInt(value.denominator);
      return n === undefined || d === undefined || d <= 0 || n < 0 ? undefined : { num: n, den: d };
    }
    case 'histogram': {
      if (!isJsonObject(value)) return undefined;
      const pairs: HistogramPairs = [];
      for (const [k, c] of Object.entries(value)) {
        const n = pythonInt(c);
        if (n === undefined) return undefined;
        pairs.push([k, n]);
      }
      return { pairs };
    }
    case 'subinterval':
      return Array.isArray(value) &&
        value.length > 0 &&
        value.every((e) => isJsonObject(e) && 'start' in e && 'duration' in e && 'val' in e)
        ? { doc: value }
        : undefined;
    case 'json':
      return { doc: value ?? null };
  }
}

/** The wire value of one base point. */
export function baseValue(dataType: DataType, v: StoredValue): unknown {
  if ('pairs' in v) return histogramObject(v.pairs);
  if ('doc' in v) return v.doc;
  if (dataType === 'percentage') return ratioValue(v.num, v.den);
  return dataType === 'float' ? fromFixedPoint(v.num) : v.num;
}

/** A summary bin being folded. */
export class SummaryBin {
  private num = 0;
  private den = 0;
  private pairs: HistogramPairs = [];

  constructor(
    private readonly dataType: DataType,
    private readonly summaryType: SummaryType,
  ) {}

  add(v: StoredValue): void {
    if ('pairs' in v) this.pairs = mergeHistograms(this.pairs, v.pairs);
    else if ('num' in v) {
      this.num += v.num;
      this.den += v.den;
    }
  }

  /** The bin's wire value (archive-api.md: Summaries). */
  value(): unknown {
    const bin = { sum: this.num, count: this.den };
    switch (this.dataType) {
      case 'integer':
        return this.summaryType === 'average' ? averageValue(bin) : aggregationValue(bin);
      case 'float':
        return this.summaryType === 'average' ? averageValue(bin, FLOAT_SCALE) : aggregationValue(bin, FLOAT_SCALE);
      case 'percentage':
        return ratioValue(this.num, this.den);
      case 'histogram':
        return this.summaryType === 'statistics' ? histogramStatistics(this.pairs) : histogramObject(this.pairs);
      default:
        return null;
    }
  }
}
