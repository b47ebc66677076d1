/**
 * Number parsing with the semantics of Python's `int()` and `float()`, which decide what the
 * esmond server accepts (archive-api.md: Metadata search, Writing). Booleans, `NaN` and infinities are
 * rejected everywhere (stricter than esmond), even where Python would accept them.
 * @module
 */

import { PyFloat } from '../model/py-float.js';

// Python allows single underscores between digits and surrounding whitespace.
const INT_TEXT = /^\s*[+-]?\d+(?:_\d+)*\s*$/;
const DIGITS = String.raw`\d+(?:_\d+)*`;
const FLOAT_TEXT = new RegExp(
  String.raw`^\s*[+-]?(?:${DIGITS}(?:\.(?:${DIGITS})?)?|\.${DIGITS})(?:[eE][+-]?${DIGITS})?\s*$`,
);

/** The largest magnitude a stored 64-bit counter can hold: 2^63 − 1, which as a double is 2^63. */
export const INT64_MAX = 2 ** 63;
/** 2^63 − 1 exactly. */
export const INT64_MAX_BIG = 9223372036854775807n;
const INT64_MIN_BIG = -9223372036854775808n;

/**
 * Python `int(value)` kept exact to 64 bits: a JSON integer past 2^53 arrives as a BigInt (the
 * lossless body parser) and stays one; beyond ±(2^63 − 1) is `undefined` (refused, as no
 * counter holds it). Other values as {@link pythonInt}.
 */
export function pythonInt64(value: unknown): number | bigint | undefined {
  if (typeof value === 'bigint') {
    if (value > INT64_MAX_BIG || value < INT64_MIN_BIG) return undefined;
    return Number.isSafeInteger(Number(value)) ? Number(value) : value;
  }
  if (typeof value === 'string' && INT_TEXT.test(value)) return pythonInt64(BigInt(value.replace(/_/g, '').trim()));
  const n = pythonInt(value);
  if (n === undefined || Number.isSafeInteger(n)) return n;
  // A float past 2^53 (`1e18`): exact as a BigInt of its double value.
  return pythonInt64(BigInt(n));
}

/**
 * Python `int(text)` for a string: optional whitespace and sign, decimal digits. Returns
 * `undefined` when Python would raise. Values beyond double precision lose their low digits.
 */
export function parseIntText(text: string): number | undefined {
  if (!INT_TEXT.test(text)) return undefined;
  const n = Number(text.replace(/_/g, '').trim());
  return Number.isFinite(n) ? (n === 0 ? 0 : n) : undefined;
}

/**
 * Python `int(value)` for a parsed JSON value: integers, floats (truncated toward zero) and
 * integer strings. Booleans, null, objects, non-finite numbers → `undefined`.
 */
export function pythonInt(value: unknown): number | undefined {
  if (value instanceof PyFloat) return pythonInt(value.value);
  // Beyond 64 bits no counter holds it: refused like any non-integer.
  if (typeof value === 'bigint') return pythonInt64(value) === undefined ? undefined : Number(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return undefined;
    const t = Math.trunc(value);
    return t === 0 ? 0 : t;
  }
  if (typeof value === 'string') return parseIntText(value);
  return undefined;
}

/** Python `float(value)` for a parsed JSON value; finite results only (no NaN/Infinity, stricter than esmond). */
export function pythonFloat(value: unknown): number | undefined {
  if (value instanceof PyFloat) return value.value;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string' || !FLOAT_TEXT.test(value)) return undefined;
  const n = Number(value.replace(/_/g, '').trim());
  return Number.isFinite(n) ? n : undefined;
}

/** Python `float(text)` for a histogram bucket key; `undefined` when not a finite number. */
export function parseFloatText(text: string): number | undefined {
  return pythonFloat(text);
}
