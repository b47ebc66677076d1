/**
 * Python's `str()` and `repr()` of decoded JSON values, the one rendering every layer uses: the
 * query tools print values with it (human and CSV output, format/), and the archive echoes
 * posted values in its error messages with it (`Invalid subject type ['a', 1]`), as esmond's
 * Python did.
 *
 * JSON.parse loses the int/float distinction, so a number with an integral value prints as a
 * Python int (`9000000000`); a {@link PyFloat} (a number known to be a Python float) and every
 * non-integral number print as Python's float repr (shortest round-trip digits, `1e-05`,
 * `1.5e+16`, `9000000000.0`). BigInts (integers past 2^53, exact) print all their digits.
 * @module
 */
import { PyFloat } from './py-float.js';

/**
 * Python `repr(float)`: shortest round-trip digits; exponent form when decpt ≤ −4 or > 16.
 *
 * Fast for the common range: for 1e-4 ≤ |x| < 1e16 both Python and JavaScript print the
 * shortest round-trip digits in plain notation, and Python adds `.0` to integral values.
 * Everything else goes through {@link pyFloatByRules}; a property test checks they agree.
 */
export function pyFloat(x: number): string {
  const a = x < 0 ? -x : x;
  if (a >= 1e-4 && a < 1e16) {
    // JSON.stringify prints a finite number exactly as String() does, but String() puts every
    // result in V8's number-string cache, allocated in the old generation: a long export would
    // fill the old generation with one dead string per value (~30 MB per million points).
    const s = JSON.stringify(x);
    return Number.isInteger(x) ? `${s}.0` : s;
  }
  return pyFloatByRules(x);
}

/** {@link pyFloat} spelled out from Python's repr rules (digits from `toExponential()`). */
export function pyFloatByRules(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const sign = x < 0 ? '-' : '';
  // toExponential() without an argument gives the shortest digits that round-trip, like repr.
  const [mantissa = '', expText = '0'] = Math.abs(x).toExponential().split('e');
  const digits = mantissa.replace('.', '');
  const exp = Number(expText);
  const decpt = exp + 1; // x = 0.d1d2… × 10^decpt
  if (decpt <= -4 || decpt > 16) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const e = Math.abs(exp).toString().padStart(2, '0');
    return `${sign}${m}e${exp < 0 ? '-' : '+'}${e}`;
  }
  if (decpt <= 0) return `${sign}0.${'0'.repeat(-decpt)}${digits}`;
  if (decpt >= digits.length) return `${sign}${digits}${'0'.repeat(decpt - digits.length)}.0`;
  return `${sign}${digits.slice(0, decpt)}.${digits.slice(decpt)}`;
}

/** A number as Python printed it: integral values as ints (all digits), others as float repr. */
export function pyNumber(x: number): string {
  if (Number.isInteger(x) && !Object.is(x, -0)) {
    return Math.abs(x) < 1e21 ? x.toString() : BigInt(x).toString();
  }
  return pyFloat(x);
}

/**
 * Characters Python's `str.isprintable()` rejects: Unicode "Other" (control, format, surrogate,
 * private use, unassigned) and "Separator" (the ASCII space excepted); `repr()` escapes them.
 */
const NON_PRINTABLE = /[\p{C}\p{Z}]/u;
/** Text `repr()` prints as it is (between the quotes): printable ASCII without `\\` and quotes. */
const PLAIN = /^[\x20\x21\x23-\x26\x28-\x5b\x5d-\x7e]*$/;

/** `\xNN`, `\uNNNN` or `\UNNNNNNNN`: the shortest of Python's escapes that holds the code point. */
function pyEscape(c: number): string {
  if (c <= 0xff) return `\\x${c.toString(16).padStart(2, '0')}`;
  if (c <= 0xffff) return `\\u${c.toString(16).padStart(4, '0')}`;
  return `\\U${c.toString(16).padStart(8, '0')}`;
}

/**
 * Python 3 `repr(str)`: single quotes unless the text holds `'` and no `"`; `\\`, the quote,
 * `\t`, `\n`, `\r` escaped by name; every other character that is not printable (see
 * {@link NON_PRINTABLE}; lone surrogates included) as `\xNN`/`\uNNNN`/`\UNNNNNNNN`.
 */
export function pyStrRepr(s: string): string {
  if (PLAIN.test(s)) return `'${s}'`; // the common case: nothing to escape, single quotes
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    const c = ch.codePointAt(0) ?? 0;
    if (ch === '\\') out += '\\\\';
    else if (ch === quote) out += `\\${quote}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch !== ' ' && NON_PRINTABLE.test(ch)) out += pyEscape(c);
    else out += ch;
  }
  return out + quote;
}

/** Python `repr()` of a decoded JSON value (dict/list/str/number/None/bool). */
export function pyRepr(v: unknown): string {
  if (v === null || v === undefined) return 'None';
  if (v instanceof PyFloat) return pyFloat(v.value);
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (typeof v === 'number') return pyNumber(v);
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'string') return pyStrRepr(v);
  if (Array.isArray(v)) return `[${v.map(pyRepr).join(', ')}]`;
  if (typeof v === 'object') {
    const items = Object.entries(v as Record<string, unknown>).map(([k, x]) => `${pyStrRepr(k)}: ${pyRepr(x)}`);
    return `{${items.join(', ')}}`;
  }
  return String(v);
}

/** Python `str()`: strings unchanged, everything else as {@link pyRepr}. */
export function pyStr(v: unknown): string {
  return typeof v === 'string' ? v : pyRepr(v);
}
