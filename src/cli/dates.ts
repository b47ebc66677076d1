/**
 * `-S/--start-time` and `-E/--end-time` parsing.
 *
 * Absolute dates are parsed like python-dateutil's `parser.parse()` as the original tools used it
 * (the original's time parsing): US month-first dates, ISO 8601, `YYYYMMDD`, month names, time-only values,
 * am/pm; missing date parts from today's local date, missing time parts zero; naive results read
 * as **UTC**; sub-seconds truncated.
 *
 * Beyond the original (which refused them): relative times parsed exactly by chrono-node's casual
 * parser against the injected clock (`now`, `1 day ago` = now − 86400 s, `2 hours ago`,
 * `yesterday`/`today` = now ∓ whole days as GNU `date` reads them, `last monday` = 00:00 UTC of
 * that day), epoch seconds (`1700000000`, `@1700000000`), and fixed offsets for `CET`/`CEST`.
 * What cannot be read one way only (a bare weekday, a time zone abbreviation that names several
 * zones) is refused with the reason.
 *
 * Built on chrono-node's strict parser plus one refiner (docs: dependencies).
 * @module
 */
// The English locale only: the package root also loads every other locale (~100 ms at start-up).
import * as chrono from 'chrono-node/en';

const parser = chrono.strict.clone();
// Relative expressions ("1 day ago", "within 2 hours") are not dateutil's: the casual parser
// reads them exactly below. (The strict parser would turn "1 day ago" into midnight.)
const RELATIVE_PARSERS = new Set([
  'ENTimeUnitWithinFormatParser',
  'ENTimeUnitAgoFormatParser',
  'ENTimeUnitLaterFormatParser',
]);
parser.parsers = parser.parsers.filter((p) => !RELATIVE_PARSERS.has(p.constructor.name));
parser.refiners.push({
  refine(context, results) {
    const ref = context.reference.instant;
    for (const r of results) {
      // dateutil fills what the text lacks from today's date at 00:00:00 — chrono would pick
      // the nearest year and noon instead.
      if (!r.start.isCertain('year')) r.start.imply('year', ref.getFullYear());
      if (!r.start.isCertain('month')) r.start.imply('month', ref.getMonth() + 1);
      if (!r.start.isCertain('day')) r.start.imply('day', ref.getDate());
      for (const k of ['hour', 'minute', 'second', 'millisecond'] as const)
        if (!r.start.isCertain(k)) r.start.imply(k, 0);
      // calendar.timegm(dt.utctimetuple()) reads a naive datetime as UTC.
      if (!r.start.isCertain('timezoneOffset')) r.start.imply('timezoneOffset', 0);
    }
    return results;
  },
});

/**
 * Abbreviations chrono reads with a DST-dependent offset although they name a fixed one (`CET`
 * is always +01:00; summer time is `CEST`).
 */
const FIXED_ZONES = { CET: 60, CEST: 120 };

/** Abbreviations that name several zones: chrono would silently pick one. */
const AMBIGUOUS_ZONES: Readonly<Record<string, string>> = {
  CST: 'US Central, China or Cuba',
  IST: 'India, Ireland or Israel',
  BST: 'British Summer or Bangladesh',
  AST: 'Atlantic or Arabia',
  GST: 'Gulf or South Georgia',
  SST: 'Samoa or Singapore',
};

const WEEKDAY = /\b(mon|tues|wednes|thurs|fri|satur|sun)day\b/i;
const casual = chrono.casual.clone();
casual.refiners.push({
  refine(_context, results) {
    for (const r of results) {
      // "last monday": the start of that day, not chrono's noon.
      if (WEEKDAY.test(r.text) && !r.start.isCertain('hour')) {
        for (const k of ['hour', 'minute', 'second', 'millisecond'] as const) r.start.imply(k, 0);
      }
    }
    return results;
  },
});

/** The outcome of {@link resolveWhen}: epoch seconds, or why the text was refused. */
export type When = { seconds: number } | { problem: string };

/**
 * Reads a `-S`/`-E` value: an absolute date as dateutil would, else epoch seconds, else a
 * relative time; refuses what is ambiguous, naming the reason.
 * @param text - the flag value
 * @param nowMs - the reference time (injectable clock)
 */
export function resolveWhen(text: string, nowMs: number): When {
  const t = text.trim().replace(/\s+/g, ' ');
  if (t === '') return { problem: 'it is empty' };
  const epoch = /^(@)?(\d+)(\.\d+)?$/.exec(t);
  if (epoch && (epoch[1] !== undefined || (epoch[2] ?? '').length >= 9)) return { seconds: Number(epoch[2]) };
  const zone = /\b([A-Z]{3,4})$/.exec(t)?.[1];
  if (zone !== undefined && AMBIGUOUS_ZONES[zone] !== undefined) {
    return {
      problem: `${zone} names several time zones (${AMBIGUOUS_ZONES[zone]}); give the offset instead, e.g. -06:00`,
    };
  }
  if (/^(mon|tues|wednes|thurs|fri|satur|sun)day$/i.test(t)) {
    return { problem: `"${t}" could be last or next ${t}; say "last ${t.toLowerCase()}"` };
  }
  const absolute = parseWhen(t, nowMs);
  if (absolute !== undefined) return { seconds: absolute };
  if (/^\d+$/.test(t)) return { problem: 'a number is read as YYYYMMDD or as epoch seconds (9 digits or more, or @N)' };
  const results = casual.parse(t, { instant: new Date(nowMs), timezone: 0 }, { timezones: FIXED_ZONES });
  const r = results[0];
  if (r && results.length === 1 && r.index === 0 && r.text.length === t.length && !r.end) {
    const ms = r.start.date().getTime();
    if (Number.isFinite(ms)) return { seconds: Math.floor(ms / 1000) };
  }
  return {
    problem: 'not a date or time (e.g. 2024-05-01, "2024-05-01 10:00 -05:00", "2 days ago", yesterday, 1714557600)',
  };
}

/**
 * Parses an absolute date/time the way the original's dateutil call did.
 * @param text - the flag value
 * @param nowMs - "today" for missing date parts (injectable clock)
 * @returns epoch seconds, or `undefined` when the text is not a date dateutil would accept
 */
export function parseWhen(text: string, nowMs: number): number | undefined {
  const t = normalise(text.trim(), new Date(nowMs));
  if (t === '') return undefined;
  const results = parser.parse(t, new Date(nowMs), { timezones: FIXED_ZONES });
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
  if (compact)
    return `${compact[1]}-${compact[2]}-${compact[3]}${compact[4] ? ` ${compact[4]}:${compact[5]}:${compact[6] ?? '00'}` : ''}`;
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
