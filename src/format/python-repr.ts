/**
 * Python `str()`/`repr()` and `json.dumps()` renderings of decoded JSON values, so human and CSV
 * output (and one-line JSON) look exactly like the original Python tools printed them
 * (client spec §2.1, §2.2, §2.5).
 *
 * JSON.parse loses the int/float distinction, so a number with an integral value prints as a
 * Python int (`9000000000`, where Python printed `9000000000.0`); every other number prints as
 * Python's float repr (shortest round-trip digits, `1e-05`, `1.5e+16`).
 * @module
 */
import { PyFloat } from '../model/py-float.js';

export { PyFloat };

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

/** Python `repr(str)`: single quotes unless the text holds `'` and no `"`. */
export function pyStrRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    const c = ch.codePointAt(0) ?? 0;
    if (ch === '\\') out += '\\\\';
    else if (ch === quote) out += `\\${quote}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (c < 0x20 || (c >= 0x7f && c <= 0xa0) || c === 0xad) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else if ((c >= 0x2028 && c <= 0x2029) || (c >= 0xd800 && c <= 0xdfff)) out += `\\u${c.toString(16).padStart(4, '0')}`;
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

const PLAIN_ASCII = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

/** A JSON string literal as Python's `json.dumps` writes it (ensure_ascii: `\uXXXX` escapes). */
export function pyJsonString(s: string): string {
  if (PLAIN_ASCII.test(s)) return `"${s}"`; // the common case: nothing to escape
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x22) out += '\\"';
    else if (c === 0x5c) out += '\\\\';
    else if (c >= 0x20 && c <= 0x7e) out += s.charAt(i);
    else if (c === 0x0a) out += '\\n';
    else if (c === 0x0d) out += '\\r';
    else if (c === 0x09) out += '\\t';
    else if (c === 0x08) out += '\\b';
    else if (c === 0x0c) out += '\\f';
    else out += `\\u${c.toString(16).padStart(4, '0')}`; // UTF-16 units: astral chars become surrogate pairs, as in Python
  }
  return out + '"';
}

/**
 * Python `json.dumps(v)` with default options: `", "` and `": "` separators, one line, ASCII only,
 * floats in repr form, `NaN`/`Infinity` as bare literals.
 */
export function pyJson(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (v === true) return 'true';
  if (v === false) return 'false';
  const float = v instanceof PyFloat;
  const n = float ? v.value : v;
  if (typeof n === 'number') {
    if (Number.isNaN(n)) return 'NaN';
    if (n === Infinity) return 'Infinity';
    if (n === -Infinity) return '-Infinity';
    return float ? pyFloat(n) : pyNumber(n);
  }
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'string') return pyJsonString(v);
  if (Array.isArray(v)) {
    let out = '[';
    for (let i = 0; i < v.length; i++) out += (i > 0 ? ', ' : '') + pyJson(v[i]);
    return `${out}]`;
  }
  if (typeof v === 'object') {
    // String concatenation over own keys: this runs once per output row, so it is kept lean.
    const o = v as Record<string, unknown>;
    let out = '{';
    let first = true;
    for (const k in o) {
      if (!Object.prototype.hasOwnProperty.call(o, k)) continue;
      const x = o[k];
      if (x === undefined) continue;
      out += `${first ? '' : ', '}${pyJsonString(k)}: ${pyJson(x)}`;
      first = false;
    }
    return `${out}}`;
  }
  return pyJsonString(String(v));
}
