// Python's str()/repr() of decoded JSON values (model/python-str.ts): the one rendering the query
// tools print values with and the archive echoes posted values with in its error messages.
// Expected texts are what CPython 3 prints for the same values.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { PyFloat } from '../../src/model/py-float.js';
import { pyRepr, pyStr, pyStrRepr } from '../../src/model/python-str.js';
import { pyStr as formatPyStr } from '../../src/format/index.js';
import { pyStr as archivePyStr } from '../../src/archive/validate.js';

/** Reads a Python string literal as repr() writes them (the escapes repr uses, nothing more). */
function readPyLiteral(lit: string): string {
  const quote = lit[0];
  assert.ok((quote === "'" || quote === '"') && lit.endsWith(quote), lit);
  const body = lit.slice(1, -1);
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const ch = body[i]!;
    assert.notEqual(ch, quote, `unescaped quote in ${lit}`);
    if (ch !== '\\') {
      out += ch;
      continue;
    }
    const e = body[++i];
    const hex = (n: number): string => {
      const h = body.slice(i + 1, i + 1 + n);
      assert.match(h, new RegExp(`^[0-9a-f]{${n}}$`));
      i += n;
      return String.fromCodePoint(parseInt(h, 16));
    };
    if (e === 'n') out += '\n';
    else if (e === 'r') out += '\r';
    else if (e === 't') out += '\t';
    else if (e === '\\' || e === "'" || e === '"') out += e;
    else if (e === 'x') out += hex(2);
    else if (e === 'u') out += hex(4);
    else if (e === 'U') out += hex(8);
    else assert.fail(`unknown escape \\${e ?? ''} in ${lit}`);
  }
  return out;
}

describe('Python repr(str)', () => {
  test('CPython 3 texts', () => {
    const cases: Array<[string, string]> = [
      ['plain', "'plain'"],
      ["it's", `"it's"`],
      [`it's "x"`, `'it\\'s "x"'`],
      ['a\nb\\', "'a\\nb\\\\'"],
      ['tab\there\r', "'tab\\there\\r'"],
      ['\x00\x1f\x7f', "'\\x00\\x1f\\x7f'"],
      ['\x85 \xa0 \xad', "'\\x85 \\xa0 \\xad'"],
      ['é ü 中文 😀', "'é ü 中文 😀'"],
      ['\u200b\u2028\u3000\ufeff', "'\\u200b\\u2028\\u3000\\ufeff'"],
      ['\ud800', "'\\ud800'"],
      ['\u{e0001}\u{f0000}', "'\\U000e0001\\U000f0000'"],
      ['', "''"],
    ];
    for (const [s, want] of cases) assert.equal(pyStrRepr(s), want, JSON.stringify(s));
  });

  test('reads back as the same text, with no unprintable character left bare', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        const lit = pyStrRepr(s);
        assert.equal(readPyLiteral(lit), s);
        for (const ch of lit)
          assert.ok(ch === ' ' || !/[\p{C}\p{Z}]/u.test(ch), `bare ${JSON.stringify(ch)} in ${lit}`);
      }),
      { numRuns: 5000 },
    );
  });
});

describe('Python str() of decoded JSON values', () => {
  test('CPython 3 texts for every JSON shape', () => {
    const cases: Array<[unknown, string]> = [
      ['text', 'text'],
      [null, 'None'],
      [true, 'True'],
      [false, 'False'],
      [5, '5'],
      [1.5, '1.5'],
      [1e-5, '1e-05'],
      [new PyFloat(20), '20.0'],
      [12345678901234567890n, '12345678901234567890'],
      [['a', 1, null, true, new PyFloat(2)], "['a', 1, None, True, 2.0]"],
      [{ k: 'v', n: [1, { x: null }] }, "{'k': 'v', 'n': [1, {'x': None}]}"],
      [{ "it's": 'a\nb' }, `{"it's": 'a\\nb'}`],
      [[], '[]'],
      [{}, '{}'],
    ];
    for (const [v, want] of cases) assert.equal(pyStr(v), want, want);
  });

  test('strings are str() unchanged and repr() quoted', () => {
    fc.assert(fc.property(fc.string(), (s) => pyStr(s) === s && pyRepr(s) === pyStrRepr(s)));
  });

  test('the format layer and the archive use this one rendering', () => {
    assert.equal(formatPyStr, pyStr);
    assert.equal(archivePyStr, pyStr);
  });
});
