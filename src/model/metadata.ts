/**
 * The decoded data model every part of the toolkit shares: metadata (with its event types and
 * summaries), metadata search criteria, data time windows and series selectors. Produced by the
 * client's codec, read by the tools, get-bulk, the loaders and the pictures; plain data, so the
 * layers below the client (`bulk`, `format`, `pictures`) need not import the client to name them.
 * @module
 */
import type { EventType, SeriesType } from './event-types.js';
import type { WireMetadata } from './wire.js';

/**
 * A point in time: UNIX seconds (an integer; a fraction is refused) or a `Date` (its whole
 * seconds are used).
 */
export type TimeValue = number | Date;

/**
 * Metadata search criteria (archive-api.md: Metadata search). Unset fields are not sent; every given field must match.
 * The time filters select metadata by their `time-updated` (when a series was last written), not
 * the data: a series last written before `timeStart` has no data after it.
 */
export interface MetadataQuery {
  /** Source address (or host name, resolved by the archive per `dnsMatchRule`). */
  source?: string;
  /** Destination address or host name. */
  destination?: string;
  /** The host that ran the measurement. */
  measurementAgent?: string;
  /** Only metadata having this event type. */
  eventType?: EventType | (string & Record<never, never>);
  /** e.g. `pscheduler/iperf3`, `pscheduler/powstream`. */
  toolName?: string;
  /** Source as the test named it (a host name, unresolved). */
  inputSource?: string;
  /** Destination as the test named it. */
  inputDestination?: string;
  /** `point-to-point` or `network-element`. */
  subjectType?: string;
  /** One metadata by key. */
  metadataKey?: string;
  /** Only metadata with this summary type (`aggregation`, `average`, `statistics`). */
  summaryType?: string;
  /** Only metadata with a summary of this window, seconds. */
  summaryWindow?: number;
  /** How `source`/`destination` host names become addresses. @defaultValue 'v4v6' (the archive's) */
  dnsMatchRule?: 'v4v6' | 'only-v4' | 'only-v6' | 'prefer-v4' | 'prefer-v6';
  /** `time-updated` exactly this (UNIX seconds). */
  time?: number;
  /** `time-updated` at or after this (UNIX seconds). */
  timeStart?: number;
  /** `time-updated` at or before this (UNIX seconds). */
  timeEnd?: number;
  /** Window length, seconds (with one bound, or ending now). */
  timeRange?: number;
  /** Free-form parameter filters, sent in order, e.g. `[['ip-transport-protocol', 'tcp']]`. */
  filters?: ReadonlyArray<readonly [string, string]>;
}

/** A summary of an event type on one metadata. */
export interface SummaryInfo {
  /** `aggregation`, `average` or `statistics`. */
  summaryType: string;
  /** Bin width, seconds. Always a number here, whatever the server sent (string in esmond, number in elmond). */
  summaryWindow: number;
  /** Server path of the summary series. */
  uri: string;
  /** Last write, UNIX seconds; `null` when the server does not say (elmond). */
  timeUpdated: number | null;
}

/** An event type on one metadata. */
export interface EventTypeInfo {
  /** The event type name (one of {@link EventType} on esmond). */
  eventType: string;
  /** Server path of the raw series. */
  baseUri: string;
  /** Last write, UNIX seconds; `null` when the server does not say. */
  timeUpdated: number | null;
  /** The summaries the archive computes for it. */
  summaries: SummaryInfo[];
}

/** A metadata object, decoded. `raw` keeps the wire object with every field, in server order. */
export interface Metadata {
  /** The metadata key (32 hex digits on esmond, 64 on elmond). */
  key: string;
  /** Server path of the metadata object. */
  uri: string;
  /** Absolute URL, when the server sends one. */
  url: string | undefined;
  /** `point-to-point` or `network-element`. */
  subjectType: string;
  /** Source address. */
  source: string | undefined;
  /** Destination address (point-to-point only). */
  destination: string | undefined;
  /** The host that ran the measurement. */
  measurementAgent: string | undefined;
  /** e.g. `pscheduler/iperf3`. */
  toolName: string | undefined;
  /** Source as the test named it. */
  inputSource: string | undefined;
  /** Destination as the test named it. */
  inputDestination: string | undefined;
  /**
   * Free-form parameters as strings (numbers from elmond are converted), in wire order, with
   * their units as the test defines them (`time-duration` in seconds, `sample-bucket-width` in seconds …).
   */
  parameters: Record<string, string>;
  /** The series this metadata has: every event type with its summaries. */
  eventTypes: EventTypeInfo[];
  /** The wire object. */
  raw: WireMetadata;
}

/**
 * Time window and paging of a data read (archive-api.md: Reading data). Bounds are inclusive and apply to a
 * point's `ts` (the bin start for summaries). Without any, the archive returns everything up to now.
 */
export interface DataQuery {
  /** Exactly this timestamp. */
  time?: TimeValue;
  /** First timestamp wanted (UNIX seconds or a Date). */
  timeStart?: TimeValue;
  /** Last timestamp wanted (UNIX seconds or a Date). */
  timeEnd?: TimeValue;
  /** Window length, seconds: with one bound, or ending now (+1 h, the archive's rule). */
  timeRange?: number;
  /** Points per request, 1–10000. @defaultValue 1000 */
  pageSize?: number;
  /** Aborts the read: the iteration rejects with the signal's reason (not an EsmondError). */
  signal?: AbortSignal;
}

/** Which series of an event type to read. */
export interface SeriesSelector<S extends SeriesType = SeriesType> {
  /** `base` (the raw points) or a summary type. @defaultValue 'base' */
  summaryType?: S;
  /** Summary bin width, seconds (0 for `base` and per-point statistics). @defaultValue 0 */
  summaryWindow?: number;
}
