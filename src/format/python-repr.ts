/**
 * Python's `json.dumps()` of decoded JSON values, so one-line JSON output looks exactly like the
 * original Python tools printed it (the original's output layouts; the original's number printing); and, re-exported from
 * `model/python-str.ts` (the one implementation, shared with the archive), Python's `str()` and
 * `repr()` that human and CSV output print values with (the original's output layouts).
 *
 * JSON.parse loses the int/float distinction, so a number with an integral value prints as a
 * Python int (`9000000000`, where Python printed `9000000000.0`); every other number prints as
 * Python's float repr (shortest round-trip digits, `1e-05`, `1.5e+16`).
 * @module
 */
import { PyFloat } from '../model/py-float.js';
import { pyFloat, pyNumber } from '../model/python-str.js';

export { PyFloat };
export { pyFloat, pyFloatByRules, pyNumber, pyRepr, pyStr, pyStrRepr } from '../model/python-str.js';

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
