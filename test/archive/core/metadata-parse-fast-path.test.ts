/**
 * A metadata body is parsed once (JSON.parse) when nothing in it needs the lossless parse; the
 * property: whatever the text, the answer equals the lossless parse of every body, which keeps
 * floats written as `20.0` or `1e3` as PyFloat and integers past 2^53 as BigInt. The texts mix
 * such numbers, strings full of digits, dots, escapes and quotes, and `__proto__` keys.
 * @module
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseDrfJson, parseJsonLossless } from '../../../src/archive/body.js';
import { ApiError } from '../../../src/archive/types.js';

/** A number as JSON may write it: plain, with a fraction, an exponent, or past 2^53. */
const numberText = fc.oneof(
  fc.integer({ min: -1_000_000, max: 1_000_000 }).map(String),
  fc.integer({ min: -1000, max: 1000 }).map((n) => `${n}.0`),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map(String),
  fc.integer({ min: 1, max: 9 }).map((n) => `${n}e${n}`),
  fc.integer({ min: 1, max: 9 }).map((n) => `${n}E-${n}`),
  fc.constant('9007199254740993'),
  fc.constant('-0'),
);
/** Strings that look like numbers or hide quotes and escapes. */
const stringText = fc
  .oneof(fc.string(), fc.constantFrom('1.5', '20.0', '1e3', 'a\\"1.2', '198.51.100.7', '\\\\', '2E5"'))
  .map((s) => JSON.stringify(s));
const keyText = fc.oneof(stringText, fc.constantFrom('"__proto__"', '"constructor"', '"a"', '"a"'));

const valueText: fc.Arbitrary<string> = fc.letrec<{ value: string }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    numberText,
    stringText,
    fc.constantFrom('true', 'false', 'null'),
    fc.array(tie('value'), { maxLength: 4 }).map((a) => `[${a.join(', ')}]`),
    fc
      .array(fc.tuple(keyText, tie('value')), { maxLength: 5 })
      .map((kv) => `{${kv.map(([k, v]) => `${k}: ${v}`).join(', ')}}`),
  ),
})).value;

test('a metadata body parses to what the lossless parse gives, with or without the fast path', () => {
  let fast = 0;
  fc.assert(
    fc.property(valueText, (text) => {
      let got: unknown;
      try {
        got = parseDrfJson('application/json', Buffer.from(text), 'metadata');
      } catch (err) {
        // Refused (a lone surrogate in a generated string): not a parse to compare.
        if (err instanceof ApiError) return;
        throw err;
      }
      assert.deepStrictEqual(got, parseJsonLossless(text, 'metadata'));
      if (!/\d[.eE]|9007199254740993/.test(text)) fast += 1;
    }),
    { numRuns: 3000 },
  );
  assert.ok(fast > 100, 'the fast path was taken');
});
