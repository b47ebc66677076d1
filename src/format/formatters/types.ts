/**
 * What an output format is: everything the writers, the point encoder and the bulk exporter
 * need to know about it, in one object. Each format is one module of this folder exporting such
 * an object; `../registry.ts` lists them.
 * @module
 */
import type { Row } from '../row.js';

/** Options of row rendering. */
export interface RenderOptions {
  /**
   * Human output of `-M`: after the listed columns, print every other key of the row in the
   * row's own order. @defaultValue false
   */
  extended?: boolean;
}

/**
 * The text of a numeric row (base columns + one number) around its timestamp and value: the
 * point encoder's fast path builds it once per series and then writes two small strings per
 * point. Must give the same bytes as {@link OutputFormatter.row} of the shaped row.
 */
export interface NumericTemplate {
  /** Everything up to the timestamp text. */
  head: string;
  /** Between timestamp and value. */
  middle: string;
  /** After the value. */
  tail: string;
  /** The text of the value. */
  value: (x: number) => string;
}

/** One output format. */
export interface OutputFormatter<Name extends string = string, File extends boolean = boolean> {
  /** The `-o/--output-format` name; also the extension of esmond-ps-get-bulk's files. */
  readonly name: Name;
  /** esmond-ps-get-bulk can write files in it. */
  readonly file: File;
  /**
   * Rows may carry every field of the metadata (`-M`, --metadata-extended): false for a format
   * with a fixed column list (csv).
   */
  readonly extended: boolean;
  /**
   * Packet-trace measurements print a header block of the base columns, then hop rows with the
   * hop columns only (human), instead of full rows.
   */
  readonly traceHeaderBlocks: boolean;
  /** Text between two rows (json's `, `, human's separator line). */
  readonly separator: string;
  /** Text after the last row, when there was one (json's `]`). */
  readonly end: string;
  /**
   * Whether the output ends with the newline of Python's final `print()` (on stdout only; files
   * written by esmond-ps-get-bulk have none). ndjson ends each line itself.
   */
  readonly finalNewline: boolean;
  /** Text before the first row (csv header, json `[`); written only when there are rows. */
  begin(columns: readonly string[]): string;
  /**
   * The text of one row, without the separator. `lists` are the list-valued columns of the
   * series' first row (joined with `, ` in human and csv).
   */
  row(columns: readonly string[], row: Row, lists: readonly string[], opts: RenderOptions): string;
  /** The fast-path template of numeric rows whose leading columns are `columns` = `values`. */
  numeric(columns: readonly string[], values: readonly unknown[]): NumericTemplate;
  /** The whole output when there is no row at all (without the final newline). */
  noData(columns: readonly string[]): string;
}

/**
 * Declares a formatter, keeping its name and `file` as literal types (so the registry can derive
 * the format names and the file formats).
 */
export function defineFormatter<Name extends string, File extends boolean>(
  formatter: OutputFormatter<Name, File>,
): OutputFormatter<Name, File> {
  return formatter;
}
