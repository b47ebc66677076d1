/**
 * The baseline of the archive's data reads: better-sqlite3 iterating a series' rows in raw mode
 * and writing each point's JSON text by hand, the same text the archive serves. Used in the bench
 * process (the text alone) and by `raw-read-server.ts` (the same text written to an HTTP answer).
 * @module
 */
import type Database from 'better-sqlite3';

/** How a series' rows become point text, by the column that holds the value. */
export type RawForm = 'integer' | 'histogram' | 'statistics';

/** The cells column each form reads. */
export const RAW_COLUMN: Readonly<Record<RawForm, string>> = { integer: 'num', histogram: 'doc', statistics: 'out' };

/** One raw row's point text, written by hand. */
export const RAW_TEXT: Readonly<Record<RawForm, (row: unknown[]) => string>> = {
  integer: ([ts, v]) => `{"ts":${ts as number},"val":${v as number}}`,
  histogram: ([ts, doc]) => {
    let t = '{';
    for (const [k, c] of JSON.parse(doc as string) as Array<[string, number]>)
      t += `${t.length > 1 ? ',' : ''}${JSON.stringify(k)}:${c}`;
    return `{"ts":${ts as number},"val":${t}}}`;
  },
  statistics: ([ts, out]) => `{"ts":${ts as number},"val":${out as string}}`,
};

/** A page query: the series, its time range and the page size. */
export interface RawPage {
  seriesId: number;
  from: number;
  to: number;
  limit: number;
}

/** The raw-mode statement of a form's page (prepare once, iterate per page). */
export function rawPageStatement(db: Database.Database, form: RawForm): Database.Statement {
  return db
    .prepare(
      `SELECT ts, ${RAW_COLUMN[form]} FROM cells WHERE series_id = ? AND ts >= ? AND ts <= ? ORDER BY ts LIMIT ?`,
    )
    .raw();
}

/**
 * Writes one page as a JSON array through `write` (text pieces of about `chunk` characters, as a
 * streaming server would hand them to its socket); returns the points and the last ts.
 */
export function writeRawPage(
  stmt: Database.Statement,
  form: RawForm,
  page: RawPage,
  chunk: number,
  write: (text: string) => void,
): { count: number; last: number } {
  const text = RAW_TEXT[form];
  let buf = '[';
  let count = 0;
  let last = 0;
  for (const row of stmt.iterate(page.seriesId, page.from, page.to, page.limit) as Iterable<unknown[]>) {
    buf += (count === 0 ? '' : ',') + text(row);
    last = row[0] as number;
    count++;
    if (buf.length >= chunk) {
      write(buf);
      buf = '';
    }
  }
  write(`${buf}]`);
  return { count, last };
}
