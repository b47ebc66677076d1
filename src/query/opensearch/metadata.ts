/**
 * esmond metadata from perfSONAR 5 OpenSearch documents: one metadata per
 * `pscheduler.test_checksum` (its key, the key elmond shows, elmond's keys), built from
 * the test's newest document by the pScheduler → esmond mapper, so its subject, parameters and
 * event types are what the esmond archiver would have stored. Summaries: every row of the
 * archiver's table and of elmond's (elmond's metadata); the client computes them from base data, so any of
 * them can be read.
 * @module
 */
import { SUMMARY_URL_SEGMENT, type SeriesType } from '../../model/event-types.js';
import type { WireEventType, WireMetadata, WireNewMetadata, WireSummary } from '../../model/wire.js';
import { DEFAULT_SUMMARIES, type ArchiverSummary } from '../../model/pscheduler/map.js';

/** elmond's summary table (elmond's metadata). */
const ELMOND_SUMMARIES: Readonly<Record<string, ReadonlyArray<readonly [string, number]>>> = {
  throughput: [['average', 86400]],
  'packet-loss-rate': [
    ['aggregation', 300],
    ['aggregation', 3600],
    ['aggregation', 86400],
  ],
  'packet-count-sent': [
    ['aggregation', 300],
    ['aggregation', 3600],
    ['aggregation', 86400],
  ],
  'packet-count-lost': [
    ['aggregation', 300],
    ['aggregation', 3600],
    ['aggregation', 86400],
  ],
  'packet-count-lost-bidir': [
    ['aggregation', 300],
    ['aggregation', 3600],
    ['aggregation', 86400],
  ],
  'packet-loss-rate-bidir': [
    ['aggregation', 300],
    ['aggregation', 3600],
    ['aggregation', 86400],
  ],
  'histogram-owdelay': [
    ['statistics', 0],
    ['statistics', 300],
    ['statistics', 3600],
    ['statistics', 86400],
  ],
  'histogram-rtt': [
    ['statistics', 0],
    ['statistics', 300],
    ['statistics', 3600],
    ['statistics', 86400],
  ],
};

const bytewise = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Summary rows of one event type: the archiver's and elmond's, de-duplicated, by type then window. */
function summaryRows(eventType: string, declared: readonly ArchiverSummary[] | undefined): Array<[string, number]> {
  const seen = new Map<string, [string, number]>();
  const add = (st: string, w: number): void => void seen.set(`${st}/${w}`, [st, w]);
  for (const s of declared ?? DEFAULT_SUMMARIES[eventType] ?? []) add(s['summary-type'], s['summary-window']);
  for (const [st, w] of ELMOND_SUMMARIES[eventType] ?? []) add(st, w);
  return [...seen.values()].sort((a, b) => bytewise(a[0], b[0]) || a[1] - b[1]);
}

function segmentOf(summaryType: string): string {
  return Object.prototype.hasOwnProperty.call(SUMMARY_URL_SEGMENT, summaryType)
    ? SUMMARY_URL_SEGMENT[summaryType as SeriesType]
    : summaryType;
}

/** What a metadata needs beyond the mapped newest document. */
export interface MetadataFacts {
  key: string;
  /** Start of the newest run, UNIX seconds (`time-updated`). */
  updated: number | null;
  /** Absolute URL of the OpenSearch REST base, for `url`. */
  base: string;
}

/**
 * The esmond-shaped metadata of a test, as the esmond archive renders it (parameters as
 * strings, event types sorted by name, `summary-window` as a string). `uri`s are relative
 * names (`<key>/<event-type>/base`): OpenSearch has no such routes.
 */
export function wireMetadata(body: WireNewMetadata, facts: MetadataFacts): WireMetadata {
  const { key } = facts;
  const out: WireMetadata = {
    url: `${facts.base}/${key}/`,
    uri: `${key}/`,
    'metadata-key': key,
    'subject-type': body['subject-type'],
    'event-types': [],
  };
  for (const [k, v] of Object.entries(body)) {
    if (k === 'subject-type' || k === 'event-types' || v === undefined || v === null) continue;
    // As the esmond archive stores parameters: strings as they are, anything else as JSON text.
    out[k] = typeof v === 'string' ? v : JSON.stringify(v);
  }
  const declared = [...body['event-types']].sort((a, b) => bytewise(a['event-type'], b['event-type']));
  out['event-types'] = declared.map((e): WireEventType => {
    const et = e['event-type'];
    const summaries = summaryRows(et, e.summaries as ArchiverSummary[] | undefined).map(([st, w]): WireSummary => ({
      uri: `${key}/${et}/${segmentOf(st)}/${w}`,
      'summary-type': st,
      'summary-window': String(w),
      'time-updated': facts.updated,
    }));
    return { 'base-uri': `${key}/${et}/base`, 'event-type': et, 'time-updated': facts.updated, summaries };
  });
  return out;
}

/**
 * Test types whose runs can carry an event type (the archiver's declarations, elmond's metadata), for a
 * server-side pre-filter; `undefined` = any type (`failures`, `pscheduler-run-href`, …).
 */
export function testTypesOf(eventType: string): string[] | undefined {
  if (/^(streams-|throughput-subintervals|packet-retransmits)/.test(eventType)) return ['throughput'];
  if (eventType === 'throughput') return ['throughput', 'disk-to-disk'];
  if (['packet-count-sent'].includes(eventType)) return ['throughput', 'latency', 'latencybg', 'rtt'];
  if (['packet-loss-rate', 'packet-count-lost'].includes(eventType)) return ['throughput', 'latency', 'latencybg'];
  if (
    ['histogram-owdelay', 'histogram-ttl', 'packet-duplicates', 'packet-reorders', 'time-error-estimates'].includes(
      eventType,
    )
  ) {
    return ['latency', 'latencybg'];
  }
  if (['packet-trace', 'packet-trace-multi', 'path-mtu'].includes(eventType)) return ['trace'];
  if (eventType.endsWith('-bidir') || eventType === 'histogram-rtt' || eventType === 'histogram-ttl-reverse')
    return ['rtt'];
  return undefined;
}
