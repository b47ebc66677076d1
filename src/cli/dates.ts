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
import * as chrono from 'chrono-node';

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
  let t = text.trim();
  if (t === '') return undefined;
  const compact = /^(\d{4})(\d{2})(\d{2})(?:T?(\d{2})(\d{2})(\d{2})?)?$/.exec(t);
  if (compact) t = `${compact[1]}-${compact[2]}-${compact[3]}${compact[4] ? ` ${compact[4]}:${compact[5]}:${compact[6] ?? '00'}` : ''}`;
  const results = parser.parse(t, new Date(nowMs));
  const r = results[0];
  if (!r || results.length !== 1 || r.index !== 0 || r.text.length !== t.length) return undefined;
  const ms = r.start.date().getTime();
  return Number.isFinite(ms) ? Math.floor(ms / 1000) : undefined;
}
