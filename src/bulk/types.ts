/**
 * Vocabulary of the bulk exporter (esmond-ps-get-bulk): series jobs, their resumable progress,
 * the encoder that turns points into file bytes, and the completeness report.
 * @module
 */
import type { FileFormat } from '../format/index.js';
import type { WirePoint } from '../model/wire.js';
import type { Metadata, SeriesSelector } from '../model/metadata.js';

/** File formats the exporter writes: the registry's formats with `file: true`. */
export type BulkFormat = FileFormat;

/** One (metadata, event type) series that becomes at most one file. */
export interface SeriesJob {
  /** `<metadata-key>/<event-type>`: unique within a plan. */
  id: string;
  metadata: Metadata;
  eventType: string;
  /** Which series is fetched (base, or the `-T/-W` summary for numeric/histogram types). */
  selector: SeriesSelector;
  /** File name inside the output directory (no directory part); unique within a plan. */
  fileName: string;
  /** Source/destination as they appear in rows and the file name (after name conversion). */
  sourceLabel: string;
  destinationLabel: string;
}

/** Where a series stands; persisted in the checkpoint after every committed window. */
export type SeriesStatus =
  | 'pending' // nothing committed yet
  | 'partial' // some windows committed to the `.part` file
  | 'renaming' // `.part` complete, rename to the final name may or may not have happened
  | 'done' // final file written
  | 'nodata' // finished, no rows, so no file (as the original)
  | 'skipped' // final file already existed and --force was not given
  | 'failed'; // gave up; `--resume` continues from the last committed window

/** Mutable progress of one series. Counters are committed (never include a rolled-back window). */
export interface SeriesState {
  id: string;
  status: SeriesStatus;
  /** First second not yet exported. */
  nextStart: number;
  /** Bytes of the `.part` file that are committed. */
  bytes: number;
  /** Rows written (a point may give several rows, e.g. packet-trace hops, or none). */
  rows: number;
  /** Points read from the archive. */
  points: number;
  /** Data pages (requests that returned a page) committed. */
  pages: number;
  /** Retries of single requests (client level) plus window restarts. */
  retries: number;
  /** Requests that failed for good (client retries exhausted), each one restarting a window. */
  failures: number;
  /** Last window size used, seconds (adaptive; carried over on resume). */
  windowSeconds: number;
  /** Columns that held lists in the series' first row (csv joins them in every row, the original's output layouts). */
  listColumns?: string[];
  /** Last error message when status is `failed`. */
  error?: string;
}

/** What an encoder must know about the rows already in the file. */
export interface EncoderMemory {
  /** Rows already written. */
  rows: number;
  /** Set by the encoder from the series' first row; kept in the checkpoint. */
  listColumns: string[] | undefined;
}

/**
 * Turns points into the bytes of one file. Keeps no state of its own between calls: everything
 * it needs to know about the past is in {@link EncoderMemory}, which the checkpoint carries, so a
 * resumed file is byte-identical to an uninterrupted one.
 */
export interface SeriesEncoder {
  /** Bytes before the first row (csv header, json `[`). Only written when there are rows. */
  begin(): string;
  /** Async work a page needs before encoding (reverse lookups of packet-trace hop addresses). */
  prepare?(points: readonly WirePoint[]): Promise<void>;
  /** Rows for some points; updates `memory` (rows, and listColumns at the first row). */
  encode(points: readonly WirePoint[], memory: EncoderMemory): { text: string; rows: number };
  /** Bytes after the last row (json `]`). Only called when rows > 0. */
  end(rows: number): string;
}

/** Builds the encoder of one series. */
export type EncoderFactory = (job: SeriesJob) => SeriesEncoder;

/**
 * Where the points of one series go: a file (esmond-ps-get-bulk, `file-sink.ts`) or another
 * archive (`esmond-ps-archive import`). The engine (`export-series.ts`) reads windows and hands
 * their points over; a window is committed whole or rolled back, so a sink either makes its
 * writes undoable (a file is cut back) or harmless to repeat (an archive skips a (series, ts) it
 * already holds).
 */
export interface SeriesSink {
  /**
   * Before the first window of this run. Resolves true when the series needs no more reading
   * (a file whose last bytes were written before a kill but not yet renamed: now it is).
   */
  open(state: SeriesState): Promise<boolean>;
  /** A window (attempt) starts from the committed `state`. */
  beginWindow(state: SeriesState): void;
  /** Points of the current window, in time order, each point once. */
  write(points: readonly WirePoint[]): Promise<void>;
  /**
   * The window is complete: makes it durable, then returns what to record in the state. The
   * engine applies it together with its own fields, synchronously (a checkpoint never sees half
   * a window).
   */
  commit(): Promise<(state: SeriesState) => void>;
  /** The window failed and will be read again: forget (or make harmless) what it wrote. */
  rollback(): Promise<void>;
  /** Every window is read: completes the series (`state.status` becomes `done` or `nodata`). */
  finish(state: SeriesState): Promise<void>;
  /** Releases what the sink holds; called once at the end, also after an error. */
  close(): Promise<void>;
}

/** Per-series entry of the completeness report. */
export interface SeriesReport {
  file: string;
  metadataKey: string;
  eventType: string;
  status: SeriesStatus;
  points: number;
  rows: number;
  pages: number;
  retries: number;
  failures: number;
  error?: string;
}

/** The completeness report (stderr summary, and JSON with `--report FILE`). */
export interface BulkReport {
  /** Series planned. */
  series: number;
  /** Points exported over all series (committed). */
  points: number;
  /** Retried requests and restarted windows over all series. */
  retries: number;
  /** Series that did not complete (the exit status is non-zero when this is > 0). */
  failures: number;
  /** Series by outcome. */
  done: number;
  nodata: number;
  skipped: number;
  /** The query range, UNIX seconds (inclusive). */
  timeStart: number;
  timeEnd: number;
  /** Wall-clock seconds of this run. */
  elapsedSeconds: number;
  perSeries: SeriesReport[];
}
