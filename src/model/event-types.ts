/**
 * The esmond event-type table: every event type the archive knows, its data type, and the
 * summary types the server may compute for it (archive-api.md: Event types). This is the single source
 * of truth for the client, the CLI and the embedded archive.
 * @module
 */
import type { HistogramStatistics, HistogramValue, SubintervalValue } from './wire.js';

/** How a value of an event type is posted, stored and summarised. */
export const DATA_TYPES = ['integer', 'float', 'percentage', 'histogram', 'subinterval', 'json'] as const;
/** One of the six esmond data types. */
export type DataType = (typeof DATA_TYPES)[number];

/** Summary types as they appear in JSON (`summary-type`), excluding `base`. */
export const SUMMARY_TYPES = ['aggregation', 'average', 'statistics'] as const;
/** A summary type (`aggregation`, `average`, `statistics`). */
export type SummaryType = (typeof SUMMARY_TYPES)[number];
/** A summary type or `base`, the raw series. */
export type SeriesType = 'base' | SummaryType;

/** JSON summary-type name → URL path segment (they differ: `aggregation` → `aggregations`). */
export const SUMMARY_URL_SEGMENT: Readonly<Record<SeriesType, string>> = {
  base: 'base',
  aggregation: 'aggregations',
  average: 'averages',
  statistics: 'statistics',
};

/** URL path segment → JSON summary-type name. */
export const SUMMARY_TYPE_BY_SEGMENT: Readonly<Record<string, SeriesType>> = {
  base: 'base',
  aggregations: 'aggregation',
  averages: 'average',
  statistics: 'statistics',
};

/** Which summaries each data type allows (archive-api.md: Event types). */
export const ALLOWED_SUMMARIES: Readonly<Record<DataType, readonly SummaryType[]>> = {
  integer: ['aggregation', 'average'],
  float: ['aggregation', 'average'],
  percentage: ['aggregation'],
  histogram: ['aggregation', 'statistics'],
  subinterval: [],
  json: [],
};

/** All 49 event types of esmond 4.x (`EVENT_TYPE_CONFIG`), name → data type. */
export const EVENT_TYPES = {
  failures: 'json',
  'histogram-owdelay': 'histogram',
  'histogram-rtt': 'histogram',
  'histogram-ttl': 'histogram',
  'histogram-ttl-reverse': 'histogram',
  iostat: 'json',
  mpstat: 'json',
  'ntp-delay': 'float',
  'ntp-dispersion': 'float',
  'ntp-jitter': 'float',
  'ntp-offset': 'float',
  'ntp-polling-interval': 'float',
  'ntp-reach': 'integer',
  'ntp-stratum': 'integer',
  'ntp-wander': 'float',
  'packet-count-lost': 'integer',
  'packet-count-lost-bidir': 'integer',
  'packet-count-sent': 'integer',
  'packet-duplicates': 'integer',
  'packet-duplicates-bidir': 'integer',
  'packet-loss-rate': 'percentage',
  'packet-loss-rate-bidir': 'percentage',
  'packet-reorders': 'integer',
  'packet-reorders-bidir': 'integer',
  'packet-retransmits': 'integer',
  'packet-retransmits-subintervals': 'subinterval',
  'packet-rtt': 'integer',
  'packet-rtt-subintervals': 'subinterval',
  'packet-trace': 'json',
  'packet-trace-multi': 'json',
  'path-mtu': 'integer',
  'pscheduler-raw': 'json',
  'pscheduler-run-href': 'json',
  rusage: 'json',
  'streams-packet-retransmits': 'json',
  'streams-packet-retransmits-subintervals': 'json',
  'streams-packet-rtt': 'json',
  'streams-packet-rtt-subintervals': 'json',
  'streams-tcp-windowsize': 'json',
  'streams-tcp-windowsize-subintervals': 'json',
  'streams-tcpinfo': 'json',
  'streams-throughput': 'json',
  'streams-throughput-subintervals': 'json',
  'tcp-windowsize': 'integer',
  'tcp-windowsize-subintervals': 'subinterval',
  tcpinfo: 'json',
  throughput: 'integer',
  'throughput-subintervals': 'subinterval',
  'time-error-estimates': 'float',
} as const satisfies Record<string, DataType>;

/** One of the 49 event types the archive accepts for data. */
export type EventType = keyof typeof EVENT_TYPES;

/** The value type of each data type, as reads return it (percentages come back as a ratio). */
interface DataTypeValues {
  integer: number;
  float: number;
  percentage: number;
  histogram: HistogramValue;
  subinterval: SubintervalValue[];
  json: unknown;
}

/**
 * The value type of a point of event type `E` in series `S`: `number` for throughput,
 * `HistogramValue` for histogram-owdelay (`HistogramStatistics` for its `statistics` summary), …;
 * `unknown` for a name not known when compiling.
 */
export type EventValue<E extends string, S extends SeriesType = 'base'> = E extends EventType
  ? (typeof EVENT_TYPES)[E] extends 'histogram'
    ? S extends 'statistics'
      ? HistogramStatistics
      : HistogramValue
    : DataTypeValues[(typeof EVENT_TYPES)[E]]
  : unknown;

/** All event-type names, in table (bytewise) order. */
export const EVENT_TYPE_NAMES: readonly EventType[] = Object.keys(EVENT_TYPES) as EventType[];

/** True when `name` is one of the 49 configured event types. */
export function isEventType(name: string): name is EventType {
  return Object.prototype.hasOwnProperty.call(EVENT_TYPES, name);
}

/** The data type of a configured event type, or `undefined` for an unknown name. */
export function dataTypeOf(name: string): DataType | undefined {
  return isEventType(name) ? EVENT_TYPES[name] : undefined;
}

/** True when `summary` may be computed for event type `name` (false for unknown names). */
export function summaryAllowed(name: string, summary: SummaryType): boolean {
  const dt = dataTypeOf(name);
  return dt !== undefined && ALLOWED_SUMMARIES[dt].includes(summary);
}
