/**
 * Event type → output "family" (how a point becomes rows) and each family's column list, for
 * esmond-ps-get and esmond-ps-get-bulk (the original's columns per event type).
 * @module
 */
import { dataTypeOf } from '../model/event-types.js';
import { formatterFor, type OutputFormat } from './registry.js';

/** How the points of an event type are turned into rows. */
export type Family =
  | 'numeric'
  | 'failures'
  | 'histogram'
  | 'histogram_statistics'
  | 'packet_trace'
  | 'subintervals'
  | 'number_list'
  | 'subinterval_list'
  | 'unknown';

/**
 * The original client's 33 event types with their formats, in its `-L` order (the original's columns per event type).
 * Histogram types map to `histogram` here; {@link familyOf} switches to statistics.
 */
export const ORIGINAL_EVENT_FORMATS: ReadonlyArray<readonly [string, Family]> = [
  ['failures', 'failures'],
  ['histogram-owdelay', 'histogram'],
  ['histogram-rtt', 'histogram'],
  ['histogram-ttl', 'histogram'],
  ['histogram-ttl-reverse', 'histogram'],
  ['ntp-delay', 'numeric'],
  ['ntp-dispersion', 'numeric'],
  ['ntp-jitter', 'numeric'],
  ['ntp-offset', 'numeric'],
  ['ntp-polling-interval', 'numeric'],
  ['ntp-reach', 'numeric'],
  ['ntp-stratum', 'numeric'],
  ['ntp-wander', 'numeric'],
  ['packet-duplicates', 'numeric'],
  ['packet-duplicates-bidir', 'numeric'],
  ['packet-loss-rate', 'numeric'],
  ['packet-loss-rate-bidir', 'numeric'],
  ['packet-trace', 'packet_trace'],
  ['packet-count-lost', 'numeric'],
  ['packet-count-lost-bidir', 'numeric'],
  ['packet-count-sent', 'numeric'],
  ['packet-reorders', 'numeric'],
  ['packet-reorders-bidir', 'numeric'],
  ['packet-retransmits', 'numeric'],
  ['packet-retransmits-subintervals', 'subintervals'],
  ['path-mtu', 'numeric'],
  ['streams-packet-retransmits', 'number_list'],
  ['streams-packet-retransmits-subintervals', 'subinterval_list'],
  ['streams-throughput', 'number_list'],
  ['streams-throughput-subintervals', 'subinterval_list'],
  ['throughput', 'numeric'],
  ['throughput-subintervals', 'subintervals'],
  ['time-error-estimates', 'numeric'],
];

/**
 * Formats for event types the original did not know (B2). Types whose values have the shape of
 * a known family reuse it; everything else (tcpinfo, iostat, pscheduler-raw, …) is `unknown`:
 * timestamp plus the value as JSON.
 */
const EXTRA_EVENT_FORMATS: Readonly<Record<string, Family>> = {
  'packet-rtt': 'numeric',
  'tcp-windowsize': 'numeric',
  'packet-rtt-subintervals': 'subintervals',
  'tcp-windowsize-subintervals': 'subintervals',
  'streams-packet-rtt': 'number_list',
  'streams-tcp-windowsize': 'number_list',
  'streams-packet-rtt-subintervals': 'subinterval_list',
  'streams-tcp-windowsize-subintervals': 'subinterval_list',
};

const ORIGINAL_BY_NAME: ReadonlyMap<string, Family> = new Map(ORIGINAL_EVENT_FORMATS);

/**
 * The family of an event type, given the summary type being read (`statistics` turns a
 * histogram into `histogram_statistics`). Unknown names — even ones outside the archive's 49 —
 * get `unknown`, never an error.
 */
export function familyOf(eventType: string, summaryType?: string): Family {
  let family = ORIGINAL_BY_NAME.get(eventType) ?? EXTRA_EVENT_FORMATS[eventType];
  if (family === undefined) {
    const dt = dataTypeOf(eventType);
    family =
      dt === 'histogram'
        ? 'histogram'
        : dt === 'integer' || dt === 'float' || dt === 'percentage'
          ? 'numeric'
          : dt === 'subinterval'
            ? 'subintervals'
            : 'unknown';
  }
  if (family === 'histogram' && summaryType === 'statistics') return 'histogram_statistics';
  return family;
}

/** The columns every data row starts with. */
export const BASE_COLUMNS = [
  'source',
  'destination',
  'event_type',
  'tool',
  'summary_type',
  'summary_window',
  'timestamp',
] as const;

/** Hop columns of packet-trace rows. */
export const HOP_COLUMNS = ['ttl', 'query', 'success', 'ip', 'rtt', 'mtu', 'error_message'] as const;

/** Statistics columns of a histogram `statistics` summary, paired with the value's keys. */
export const STATISTICS_FIELDS: ReadonlyArray<readonly [column: string, key: string]> = [
  ['min', 'minimum'],
  ['median', 'median'],
  ['max', 'maximum'],
  ['mean', 'mean'],
  ['mode', 'mode'],
  ['standard_deviation', 'standard-deviation'],
  ['variance', 'variance'],
  ['percentile_25', 'percentile-25'],
  ['percentile_75', 'percentile-75'],
  ['percentile_95', 'percentile-95'],
];

const EXTRA_COLUMNS: Readonly<Record<Family, readonly string[]>> = {
  numeric: ['value'],
  failures: ['msg'],
  histogram: ['bucket', 'value'],
  histogram_statistics: STATISTICS_FIELDS.map(([c]) => c),
  packet_trace: HOP_COLUMNS,
  subintervals: ['start', 'duration', 'value'],
  number_list: ['stream_num', 'value'],
  subinterval_list: ['stream_num', 'start', 'duration', 'value'],
  unknown: ['value'],
};

/**
 * The ordered column list of a family. In a format with `traceHeaderBlocks` (human) packet-trace
 * lists only the hop columns: the base fields are printed in a header block before each
 * measurement.
 */
export function columnsFor(family: Family, opts: { format?: OutputFormat } = {}): string[] {
  if (family === 'packet_trace' && opts.format !== undefined && formatterFor(opts.format).traceHeaderBlocks)
    return [...HOP_COLUMNS];
  return [...BASE_COLUMNS, ...EXTRA_COLUMNS[family]];
}

/** True when the family reads summaries at all (`-T` makes sense for it). */
export function familyHasSummaries(family: Family): boolean {
  return family === 'numeric' || family === 'histogram' || family === 'histogram_statistics';
}
