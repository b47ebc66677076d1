import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { pyFloat, pyFloatByRules, pyJson, pyNumber, pyRepr, pyStr } from '../../src/format/python-repr.js';
import { csvField, csvLine } from '../../src/format/csv.js';

describe('pyFloat (Python float repr)', () => {
  const cases: Array<[number, string]> = [
    [9000000000, '9000000000.0'],
    [1e-5, '1e-05'],
    [1e16, '1e+16'],
    [1.5e16, '1.5e+16'],
    [1e15, '1000000000000000.0'],
    [0.0001, '0.0001'],
    [0.00012, '0.00012'],
    [-0.000412, '-0.000412'],
    [34.41, '34.41'],
    [0.1 + 0.2, '0.30000000000000004'],
    [1.2345e100, '1.2345e+100'],
    [5e-324, '5e-324'],
    [0, '0.0'],
    [-0, '-0.0'],
    [Infinity, 'inf'],
    [-Infinity, '-inf'],
    [NaN, 'nan'],
    [123456789012345.6, '123456789012345.6'],
  ];
  for (const [x, s] of cases)
    test(s, () => {
      assert.equal(pyFloat(x), s);
    });

  test('round-trips for any double', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => Object.is(Number(pyFloat(x)), x)),
    );
  });
});

describe('pyNumber', () => {
  test('integral values print as ints, others as floats', () => {
    assert.equal(pyNumber(600), '600');
    assert.equal(pyNumber(-3), '-3');
    assert.equal(pyNumber(1e21), '1000000000000000000000');
    assert.equal(pyNumber(0.5), '0.5');
    assert.equal(pyNumber(1e-7), '1e-07');
  });
});

describe('pyRepr / pyStr', () => {
  test('dicts, lists, None, bools and quoting', () => {
    assert.equal(pyRepr({ '34.4': 506, '34.5': 85 }), "{'34.4': 506, '34.5': 85}");
    assert.equal(pyRepr(['a', 'b']), "['a', 'b']");
    assert.equal(pyRepr([null, true, false, 1.5]), '[None, True, False, 1.5]');
    assert.equal(pyRepr("it's"), `"it's"`);
    assert.equal(pyRepr(`it's "x"`), `'it\\'s "x"'`);
    assert.equal(pyRepr('a\nb\\'), "'a\\nb\\\\'");
    assert.equal(pyRepr({}), '{}');
    assert.equal(pyStr('plain'), 'plain');
    assert.equal(pyStr(null), 'None');
  });
});

describe('pyJson (json.dumps defaults)', () => {
  test('separators, ASCII escapes, floats', () => {
    assert.equal(pyJson([{ a: 1, b: [1, 'x'], c: null }]), '[{"a": 1, "b": [1, "x"], "c": null}]');
    assert.equal(pyJson('é😀\u007f"\\/'), '"\\u00e9\\ud83d\\ude00\\u007f\\"\\\\/"');
    assert.equal(pyJson(1e-5), '1e-05');
    assert.equal(pyJson(NaN), 'NaN');
    assert.equal(pyJson(-Infinity), '-Infinity');
  });
  test('parses back to the same value as JSON.stringify', () => {
    // Compared through JSON.stringify: pyJson keeps -0 as `-0.0` (as Python does), JSON.stringify says `0`.
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        assert.equal(JSON.stringify(JSON.parse(pyJson(v))), JSON.stringify(v));
      }),
    );
  });
});

describe('CSV quoter (Python csv, QUOTE_MINIMAL)', () => {
  test('quotes , " CR LF and doubles quotes', () => {
    assert.equal(csvLine(['a b', ' x', '"q', 'a\nb', '', 'c\rd', 'e,f']), 'a b, x,"""q","a\nb",,"c\rd","e,f"\r\n');
    assert.equal(csvLine(['']), '""\r\n');
  });
  test('quoted fields parse back', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        const f = csvField(s);
        const back = f.startsWith('"') ? f.slice(1, -1).replace(/""/g, '"') : f;
        assert.equal(back, s);
        if (!f.startsWith('"')) assert.ok(!/[",\r\n]/.test(f));
      }),
    );
  });
});

describe('pyFloat fast path', () => {
  test('equals the rule-by-rule rendering for any double', () => {
    fc.assert(
      fc.property(fc.double(), (x) => pyFloat(x) === pyFloatByRules(x)),
      { numRuns: 20000 },
    );
    // fc.double() spreads over all exponents; also cover the fast range and its borders densely.
    fc.assert(
      fc.property(
        fc.double({ min: 1e-5, max: 1e17, noNaN: true }),
        (x) => pyFloat(x) === pyFloatByRules(x) && pyFloat(-x) === pyFloatByRules(-x),
      ),
      { numRuns: 20000 },
    );
    fc.assert(
      fc.property(
        fc.integer({ min: -(2 ** 31), max: 2 ** 31 }),
        fc.integer({ min: -6, max: 17 }),
        (m, e) => pyFloat(m * 10 ** e) === pyFloatByRules(m * 10 ** e),
      ),
      { numRuns: 20000 },
    );
  });
  test('equals it at the edges of the fast range', () => {
    const edges = [
      1e-4,
      9.999999999999999e-5,
      1.0000000000000002e-4,
      1e16,
      9999999999999998,
      1e15,
      123456789012345.6,
      0.1,
      -0,
      0,
      9000000000,
      1.5e300,
      5e-324,
      -1e-5,
      1e21,
      2 ** 53,
      -(2 ** 53) - 2,
      NaN,
      Infinity,
      -Infinity,
    ];
    for (const x of edges) assert.equal(pyFloat(x), pyFloatByRules(x), String(x));
  });
});
