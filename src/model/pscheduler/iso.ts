/**
 * ISO 8601 durations and date-times as pScheduler writes them (`PT30S`, `PT0.0538S`,
 * `2016-07-29T12:47:31-04:00`), converted the way the esmond archiver converts them, so that
 * values such as `0.0236 s × 1000 = 23.599999999999998 ms` come out bit for bit the same.
 * @module
 */

/** Input that a pScheduler mapping cannot use; the message names the offending field. */
export class MappingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MappingError';
  }
}

/**
 * A run that names hosts which did not resolve (to addresses of one family). Unlike other mapping
 * errors this may pass: DNS may answer later, or the names can be given (`--resolve`, `--hosts`).
 */
export class UnresolvedHostError extends MappingError {
  constructor(
    message: string,
    /** The host names involved (IP literals left out). */
    readonly hosts: readonly string[],
  ) {
    super(message);
    this.name = 'UnresolvedHostError';
  }
}

const DURATION =
  /^([+-])?P(?:(\d+(?:[.,]\d+)?)W)?(?:(\d+(?:[.,]\d+)?)D)?(?:T(?:(\d+(?:[.,]\d+)?)H)?(?:(\d+(?:[.,]\d+)?)M)?(?:(\d+(?:[.,]\d+)?)S)?)?$/;

/** Whole microseconds of a decimal text such as `0.0538`, rounded half-even like `timedelta`. */
function decimalMicros(text: string, unitMicros: number): number {
  const [whole = '0', frac = ''] = text.replace(',', '.').split('.');
  if (unitMicros !== 1_000_000) return Math.round(Number(`${whole}.${frac || '0'}`) * unitMicros);
  // Seconds are parsed from the digits, not through a float, so `0.0236` is exactly 23600 µs.
  const digits = (frac + '0000000').slice(0, 7);
  let micros = Number(whole) * 1_000_000 + Number(digits.slice(0, 6));
  const rest = frac.slice(6);
  if (rest !== '') {
    const half = rest[0] === '5' && /^50*$/.test(rest);
    if (rest.charAt(0) > '5' || (rest[0] === '5' && !half) || (half && micros % 2 === 1)) micros += 1;
  }
  return micros;
}

/**
 * Seconds of an ISO 8601 duration (`PT1M30.5S` → 90.5), computed as the archiver does: the
 * duration is first held in whole microseconds, then divided by 10⁶.
 * @throws MappingError when `text` is not a duration of weeks, days, hours, minutes, seconds.
 */
export function isoDurationSeconds(text: unknown, field = 'duration'): number {
  if (typeof text !== 'string') throw new MappingError(`${field} must be an ISO 8601 duration string`);
  const m = DURATION.exec(text.trim());
  if (m === null || text.trim() === 'P' || text.trim().endsWith('T')) {
    throw new MappingError(`${field} is not an ISO 8601 duration: ${JSON.stringify(text)}`);
  }
  const units = [7 * 86_400_000_000, 86_400_000_000, 3_600_000_000, 60_000_000, 1_000_000];
  let micros = 0;
  units.forEach((unit, i) => {
    const part = m[i + 2];
    if (part !== undefined) micros += decimalMicros(part, unit);
  });
  return (m[1] === '-' ? -micros : micros) / 1e6;
}

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/;

/**
 * UNIX seconds of an ISO 8601 date-time, the fraction dropped (`calendar.timegm` of the UTC
 * time tuple). A time without an offset is taken as UTC.
 * @throws MappingError when `text` is not such a date-time.
 */
export function isoDateSeconds(text: unknown, field = 'start'): number {
  if (typeof text !== 'string') throw new MappingError(`${field} must be an ISO 8601 date-time string`);
  const quick = canonicalDateSeconds(text);
  if (quick !== undefined) return quick;
  const m = DATE_TIME.exec(text.trim());
  if (m === null) throw new MappingError(`${field} is not an ISO 8601 date-time: ${JSON.stringify(text)}`);
  const [, y, mo, d, h, mi, s = '0', , zone] = m;
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1 || day > 31 || Number(h) > 24 || Number(mi) > 59 || Number(s) > 60) {
    throw new MappingError(`${field} is not a valid date-time: ${JSON.stringify(text)}`);
  }
  let offset = 0;
  if (zone !== undefined && zone !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    offset = sign * (Number(digits.slice(0, 2)) * 3600 + Number(digits.slice(2, 4) || '0') * 60);
  }
  const utc = Date.UTC(Number(y), month - 1, day, Number(h), Number(mi), Number(s)) / 1000;
  return utc - offset;
}

/** The digits at `text[i..i+n)` as a number, or NaN when one is not a digit. */
function digitsAt(text: string, i: number, n: number): number {
  let v = 0;
  for (let k = i; k < i + n; k++) {
    const d = text.charCodeAt(k) - 48;
    if (d < 0 || d > 9) return NaN;
    v = v * 10 + d;
  }
  return v;
}

/**
 * {@link isoDateSeconds} of the form pScheduler writes, `YYYY-MM-DDTHH:MM:SS±HH:MM` (or `Z`), read
 * from fixed positions: a series of many runs parses one per run. `undefined` for anything else
 * (the general parser decides).
 */
function canonicalDateSeconds(text: string): number | undefined {
  const zoneAt = 19;
  if (text.length !== 25 && text.length !== 20) return undefined;
  if (text[4] !== '-' || text[7] !== '-' || text[10] !== 'T' || text[13] !== ':' || text[16] !== ':') return undefined;
  const y = digitsAt(text, 0, 4);
  const mo = digitsAt(text, 5, 2);
  const d = digitsAt(text, 8, 2);
  const h = digitsAt(text, 11, 2);
  const mi = digitsAt(text, 14, 2);
  const s = digitsAt(text, 17, 2);
  if (!(y >= 0 && mo >= 1 && mo <= 12 && d >= 1 && d <= 31 && h <= 24 && mi <= 59 && s <= 60)) return undefined;
  let offset = 0;
  const sign = text[zoneAt];
  if (text.length === 20) {
    if (sign !== 'Z') return undefined;
  } else {
    if ((sign !== '+' && sign !== '-') || text[22] !== ':') return undefined;
    const oh = digitsAt(text, 20, 2);
    const om = digitsAt(text, 23, 2);
    if (Number.isNaN(oh) || Number.isNaN(om)) return undefined;
    offset = (sign === '-' ? -1 : 1) * (oh * 3600 + om * 60);
  }
  return Date.UTC(y, mo - 1, d, h, mi, s) / 1000 - offset;
}

/**
 * `"%.2f" % x` of Python: like `toFixed(2)`, except that an exact tie rounds half to even.
 * Only multiples of 1/8 can be exact ties at two decimals, which is what is checked.
 */
export function formatFixed2(x: number): string {
  const eighths = x * 8;
  if (Number.isInteger(eighths) && Math.abs(eighths % 2) === 1) {
    const lower = Math.floor(x * 100);
    const even = lower % 2 === 0 ? lower : lower + 1;
    return (even / 100).toFixed(2);
  }
  return x.toFixed(2);
}
