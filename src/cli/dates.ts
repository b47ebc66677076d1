/**
 * `-S/--start-time` and `-E/--end-time` parsing compatible with python-dateutil's
 * `parser.parse()` as the original tools used it (client spec §4): US month-first dates, ISO
 * 8601, `YYYYMMDD`, month names, time-only values, am/pm; missing date parts from today's local
 * date, missing time parts zero; naive results read as **UTC**; sub-seconds truncated. Epoch
 * numbers and relative words (`now`, `yesterday`) are errors, as they were.
 *
 * Built on chrono-node's strict parser plus one refiner (design: dependencies §2).
 * @module
 */
// The English locale only: the package root also loads every other locale (~100 ms at start-up).
import * as chrono from 'chrono-node/en';

const parser = chrono.strict.clone();
parser.refiners.push({
  refine(context, results) {
    const ref = context.reference.instant;
    for (const r of results) {
      // dateutil fills what the text lacks from today's date at 00:00:00 — chrono would pick
      // the nearest year and noon instead.
      if (!r.start.isCertain('year')) r.start.imply('year', ref.getFullYear());
      if (!r.start.isCertain('month')) r.start.imply('month', ref.getMonth() + 1);
      if (!r.start.isCertain('day')) r.start.imply('day', ref.getDate());
      for (const k of ['hour', 'minute', 'second', 'millisecond'] as const) if (!r.start.isCertain(k)) r.start.imply(k, 0);
      // calendar.timegm(dt.utctimetuple()) reads a naive datetime as UTC.
      if (!r.start.isCertain('timezoneOffset')) r.start.imply('timezoneOffset', 0);
    }
    return results;
  },
});

/**
 * Parses a date/time the way the original's dateutil call did.
 * @param text - the flag value
 * @param nowMs - "today" for missing date parts (injectable clock)
 * @returns epoch seconds, or `undefined` when the text is not a date dateutil would accept
 */
export function parseWhen(text: string, nowMs: number): number | undefined {
  const t = normalise(text.trim(), new Date(nowMs));
  if (t === '') return undefined;
  const results = parser.parse(t, new Date(nowMs));
  const r = results[0];
  if (!r || results.length !== 1 || r.index !== 0 || r.text.length !== t.length) return undefined;
  const ms = r.start.date().getTime();
  return Number.isFinite(ms) ? Math.floor(ms / 1000) : undefined;
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/** Today's local day, clamped to the month's length (dateutil does the same with its default). */
function defaultDay(year: number, month: number, ref: Date): number {
  return Math.min(ref.getDate(), new Date(year, month, 0).getDate());
}

/** Rewrites forms dateutil accepts but chrono does not into ones it parses the same way. */
function normalise(t: string, ref: Date): string {
  // YYYYMMDD[THHMM[SS]]
  const compact = /^(\d{4})(\d{2})(\d{2})(?:T?(\d{2})(\d{2})(\d{2})?)?$/.exec(t);
  if (compact) return `${compact[1]}-${compact[2]}-${compact[3]}${compact[4] ? ` ${compact[4]}:${compact[5]}:${compact[6] ?? '00'}` : ''}`;
  // Year only, year-month, "Nov 2023": the day (and month) come from today.
  const year = /^(\d{4})$/.exec(t);
  if (year) {
    const y = Number(year[1]);
    return `${y}-${String(ref.getMonth() + 1).padStart(2, '0')}-${String(defaultDay(y, ref.getMonth() + 1, ref)).padStart(2, '0')}`;
  }
  const yearMonth = /^(\d{4})-(\d{1,2})$/.exec(t);
  if (yearMonth && Number(yearMonth[2]) >= 1 && Number(yearMonth[2]) <= 12) {
    const y = Number(yearMonth[1]);
    const m = Number(yearMonth[2]);
    return `${y}-${String(m).padStart(2, '0')}-${String(defaultDay(y, m, ref)).padStart(2, '0')}`;
  }
  const monthYear = /^([A-Za-z]{3,9})\.?,?\s+(\d{4})$/.exec(t);
  const month = monthYear ? MONTHS.indexOf((monthYear[1] ?? '').slice(0, 3).toLowerCase()) + 1 : 0;
  if (monthYear && month > 0) return `${monthYear[1]} ${defaultDay(Number(monthYear[2]), month, ref)} ${monthYear[2]}`;
  // An hour without minutes after the date: "2023-11-14T10".
  t = t.replace(/^(\d{4}-\d{2}-\d{2})[T ](\d{2})$/, '$1 $2:00');
  // More than millisecond precision: dateutil truncates anyway (whole seconds are kept).
  return t.replace(/(\d{1,2}:\d{2}:\d{2})[.,](\d{3})\d+/, '$1.$2');
}
