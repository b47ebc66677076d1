/**
 * How each event type is drawn by esmond-ps-plot and esmond-ps-get --chart: its unit and scale.
 * @module
 */
import type { SummaryType } from '../model/event-types.js';
import { delayOf, numberOf } from '../web/values.js';

/** How the values of an event type are drawn: unit, scale, and whether 0 belongs on the axis. */
export interface PlotUnit {
  unit: string;
  /** A value as drawn, or null when it is not a number. */
  value: (val: unknown) => number | null;
  fromZero: boolean;
}

/** The unit of an event type (and summary type: statistics of histograms are drawn as their median). */
export function plotUnitOf(eventType: string, summaryType: SummaryType | undefined): PlotUnit | string {
  if (eventType.startsWith('histogram-')) {
    if (summaryType !== 'statistics') return `${eventType} is a histogram: plot its median with -T statistics`;
    return { unit: 'ms (median)', value: (v) => delayOf(v)?.median ?? null, fromZero: false };
  }
  if (eventType === 'throughput' || eventType === 'streams-throughput')
    return { unit: 'Gb/s', value: (v) => scaled(v, 1e-9), fromZero: true };
  if (eventType.startsWith('packet-loss-rate')) return { unit: '%', value: (v) => scaled(v, 100), fromZero: true };
  if (eventType === 'time-error-estimates' || eventType === 'ntp-delay' || eventType === 'ntp-offset')
    return { unit: 'ms', value: numberOf, fromZero: false };
  return { unit: eventType, value: numberOf, fromZero: true };
}

function scaled(val: unknown, factor: number): number | null {
  const v = numberOf(val);
  return v === null ? null : v * factor;
}
