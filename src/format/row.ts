/**
 * The row model every output format prints: a plain object of column → decoded JSON value, plus
 * the two markers row shaping may put in it. Kept apart from row shaping (`rows.ts`) so the
 * formatters can read rows without depending on how they are made.
 * @module
 */

/**
 * Marks a packet-trace header block (formats with `traceHeaderBlocks`, i.e. human): the row's own
 * keys are printed instead of the column list.
 */
export const HEADER_BLOCK: unique symbol = Symbol('esmond.headerBlock');

/** One output row: column → decoded JSON value (or a {@link RawJson}). */
export type Row = Record<string, unknown> & { [HEADER_BLOCK]?: true };

/** A value shown as JSON text in human/CSV output and embedded as-is in JSON (unknown family). */
export class RawJson {
  constructor(readonly value: unknown) {}
}
