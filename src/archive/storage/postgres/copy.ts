/**
 * New points through `COPY cells FROM STDIN` (pg-copy-streams): PostgreSQL's bulk load path,
 * which inserts rows in batches instead of one executor pass per row as an
 * `INSERT … SELECT FROM unnest(…)` does. COPY has no `ON CONFLICT`, and needs none here: like the
 * plain INSERT it replaces, a ts already stored (or being stored by another writer) is a unique
 * violation that aborts the statement, so the 409 rule and "stored exactly once" hold the same
 * way. The rows go out in COPY's text format, one string built in one pass.
 * @module
 */
import { finished } from 'node:stream/promises';
import type { ClientBase } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { SeriesWrite } from '../store.js';

/**
 * Opens the transaction and starts the COPY in one simple query (one round trip less): the
 * caller then runs the rest of the transaction on the same client and commits or rolls back.
 */
const BEGIN_AND_COPY = 'BEGIN; COPY cells (series_id, ts, num, den, doc, out) FROM STDIN';

/** Characters COPY's text format gives a meaning to, each with its escape. */
const ESCAPES: Readonly<Record<string, string>> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };
const SPECIAL = /[\\\n\r\t]/g;
/** The same test without a global flag (a /g regex carries its position from one test() to the next). */
const HAS_SPECIAL = /[\\\n\r\t]/;

/** One field of COPY's text format: `\N` for NULL, a number's decimal text, an escaped string. */
export function copyField(value: number | bigint | string | null): string {
  if (value === null) return '\\N';
  // Numbers go out as String() writes them, as in the array literals: numeric reads both alike.
  if (typeof value !== 'string') return String(value);
  return HAS_SPECIAL.test(value) ? value.replace(SPECIAL, (c) => ESCAPES[c] ?? c) : value;
}

/** The COPY text of the cells of `appends` (series id first), one line per cell. */
export function copyText(appends: readonly SeriesWrite[]): string {
  let text = '';
  for (const w of appends) {
    const series = `${w.baseSeriesId}\t`;
    for (const c of w.cells) {
      text += `${series}${c.ts}\t${copyField(c.num)}\t${copyField(c.den)}\t${copyField(c.doc)}\t${copyField(c.out)}\n`;
    }
  }
  return text;
}

/**
 * Begins a transaction on `c` and copies `text` into cells. Rejects with the server's error (a
 * unique violation when a ts is already stored); the transaction is then aborted and the caller
 * rolls it back.
 */
export async function beginAndCopy(c: ClientBase, text: string): Promise<void> {
  const stream = c.query(copyFrom(BEGIN_AND_COPY));
  stream.end(text);
  await finished(stream);
}
