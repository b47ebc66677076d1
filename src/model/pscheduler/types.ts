/**
 * The vocabulary of the pScheduler → esmond mapping: what the esmond archiver takes from one run
 * ({@link RecordInput}), the options beyond it, and what it produces ({@link MappedRecord}).
 * @module
 */
import type { PyFloat } from '../py-float.js';
import type { WireNewMetadata } from '../wire.js';
import type { AddressLookup } from './addresses.js';

/** `data-formatting-policy` of the esmond archive spec. */
export type FormattingPolicy = 'prefer-mapped' | 'mapped-and-raw' | 'mapped-only' | 'raw-only';
/** Every `data-formatting-policy` value, default first. */
export const FORMATTING_POLICIES: readonly FormattingPolicy[] = [
  'prefer-mapped',
  'mapped-and-raw',
  'mapped-only',
  'raw-only',
];

/** A summary as the archive spec lists it (`data.summaries`). */
export interface ArchiverSummary {
  'event-type': string;
  'summary-type': string;
  'summary-window': number;
}

/** Everything the archiver takes from one run (the inputs of its record classes). */
export interface RecordInput {
  testType: string;
  spec: Record<string, unknown>;
  /** The test result (`{}` when the run produced none). */
  result: Record<string, unknown>;
  leadParticipant: string | undefined;
  /** The archive spec's `measurement-agent`, if any. */
  measurementAgent?: string | undefined;
  /** Stored as `tool-name`: `pscheduler/<tool>` for real runs. */
  toolName: string;
  /**
   * Seconds of the schedule's duration, sent as `time-duration`: a {@link PyFloat} as the archiver
   * computes it from the ISO duration (`30.0`); a plain number is sent as a Python int (the
   * upstream unit test passes ints).
   */
  duration: number | PyFloat;
  /** UNIX seconds of the run's start. */
  ts: number;
  runHref?: string | undefined;
  reference?: Record<string, unknown> | null | undefined;
  /** `data.summaries`: replaces the default summary table when non-empty. */
  summaries?: readonly ArchiverSummary[] | null | undefined;
  policy?: FormattingPolicy | undefined;
}

/** Options that change the record beyond the archiver's own inputs. */
export interface RecordOptions {
  lookup?: AddressLookup;
  /**
   * Build raw records with the spec's `source`/`dest` (point-to-point), as the archiver's unit
   * test does; the real archiver builds them as network-element records. @defaultValue false
   */
  rawPointToPoint?: boolean;
  /** Add `pscheduler-raw` after construction (the unit test's `enable_data_raw`). */
  addRaw?: boolean;
  /**
   * Also declare every event type the data point carries but the archiver leaves undeclared
   * (`packet-rtt`, `tcp-windowsize`, …), so an esmond archive stores them. @defaultValue false
   */
  declareAll?: boolean;
}

/** One value of the bulk data point: the event type it belongs to and what is stored. */
export interface PointValue {
  'event-type': string;
  val: unknown;
}

/** The archiver's output for one run. */
export interface MappedRecord {
  /** The metadata POST body (`source`/`measurement-agent` are always IP addresses here). */
  metadata: WireNewMetadata;
  /** The single data point of the bulk PUT. */
  point: { ts: number; val: PointValue[] };
}

/** The archiver's default summaries (pScheduler's esmond archiver; differs from elmond's table). */
export const DEFAULT_SUMMARIES: Readonly<Record<string, readonly ArchiverSummary[]>> = defaultSummaries();

function defaultSummaries(): Record<string, readonly ArchiverSummary[]> {
  const agg = (et: string, windows: number[]): ArchiverSummary[] =>
    windows.map((w) => ({ 'event-type': et, 'summary-type': 'aggregation', 'summary-window': w }));
  const stats = (et: string, windows: number[]): ArchiverSummary[] =>
    windows.map((w) => ({ 'event-type': et, 'summary-type': 'statistics', 'summary-window': w }));
  return {
    throughput: [{ 'event-type': 'throughput', 'summary-type': 'average', 'summary-window': 86400 }],
    'packet-loss-rate': agg('packet-loss-rate', [300, 3600, 86400]),
    'packet-count-sent': agg('packet-count-sent', [300, 3600, 86400]),
    'packet-count-lost': agg('packet-count-lost', [300, 3600, 86400]),
    'packet-count-lost-bidir': agg('packet-count-lost-bidir', [300, 3600, 86400]),
    'packet-loss-rate-bidir': agg('packet-loss-rate-bidir', [3600, 86400]),
    'histogram-owdelay': [
      ...agg('histogram-owdelay', [300, 3600, 86400]),
      ...stats('histogram-owdelay', [0, 300, 3600, 86400]),
    ],
    'histogram-rtt': [...stats('histogram-rtt', [0, 3600, 86400]), ...agg('histogram-rtt', [3600, 86400])],
  };
}
