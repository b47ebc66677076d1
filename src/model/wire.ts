/**
 * Wire JSON types of the esmond perfSONAR archive API, with dashed keys exactly as sent
 * (archive-api.md: Metadata objects, Reading data, Writing). Shared by the client and the embedded archive, which agree
 * only through these types.
 * @module
 */

/** A summary entry inside `event-types[].summaries`. */
export interface WireSummary {
  uri: string;
  'summary-type': string;
  /** A string in esmond 4.x (`"86400"`); elmond may send a number. */
  'summary-window': string | number;
  'time-updated': number | null;
}

/** An entry of a metadata object's `event-types` list. */
export interface WireEventType {
  'base-uri': string;
  'event-type': string;
  'time-updated': number | null;
  summaries: WireSummary[];
}

/**
 * A metadata object as the archive returns it. Free-form parameters are flattened to the top
 * level with string values (elmond may send numbers for some, e.g. `time-duration`).
 */
export interface WireMetadata {
  url?: string;
  uri: string;
  'metadata-key': string;
  'subject-type': string;
  source?: string;
  destination?: string;
  'measurement-agent'?: string;
  'tool-name'?: string;
  'input-source'?: string;
  'input-destination'?: string;
  'event-types': WireEventType[];
  /** Only on element 0 of a non-empty search page; missing on elmond. */
  'metadata-count-total'?: number;
  'metadata-previous-page'?: string | null;
  'metadata-next-page'?: string | null;
  [parameter: string]: unknown;
}

/** One point of a data series. */
export interface WirePoint<V = unknown> {
  ts: number;
  val: V;
}

/** Value posted for a `percentage` event type. Strings are allowed by the server. */
export interface PercentageValue {
  numerator: number | string;
  denominator: number | string;
}

/** A histogram: bucket key (kept verbatim, e.g. `"34.4"`) → count. */
export type HistogramValue = Record<string, number>;

/** One element of a `subinterval` value. */
export interface SubintervalValue {
  start: string | number;
  duration: string | number;
  val: unknown;
}

/** The value of a histogram `statistics` summary (`{}` when buckets are not numeric). */
export interface HistogramStatistics {
  mode: number[];
  mean: number;
  minimum: number;
  maximum: number;
  'percentile-25': number;
  median: number;
  'percentile-75': number;
  'percentile-95': number;
  variance: number;
  'standard-deviation': number;
}

/** Event-type entry of a metadata POST body. */
export interface WireNewEventType {
  'event-type': string;
  summaries?: { 'summary-type': string; 'summary-window': number | string }[];
}

/** Body of `POST /perfsonar/archive/` (create or look up metadata, archive-api.md: Writing). */
export interface WireNewMetadata {
  'subject-type': 'point-to-point' | 'network-element';
  source: string;
  destination?: string;
  'measurement-agent': string;
  'tool-name'?: string;
  'input-source'?: string;
  'input-destination'?: string;
  'event-types': WireNewEventType[];
  [parameter: string]: unknown;
}

/** Body of the bulk write `PUT /perfsonar/archive/{key}/` (archive-api.md: Writing). */
export interface WireBulkBody {
  data: { ts: number; val: { 'event-type': string; val: unknown }[] }[];
}

/** Error body of every API-generated error. */
export interface WireError {
  detail: string;
}
