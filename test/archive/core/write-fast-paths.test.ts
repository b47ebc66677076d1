/**
 * The write path's fast forms against their plain definitions, as properties: the body check
 * that only looks for lone surrogates when the text holds a surrogate escape, and the PostgreSQL
 * array literals the store builds by hand instead of through node-postgres (checked on a real
 * server: a literal must read back as node-postgres's own array parameter of the same values).
 * @module
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import pg from 'pg';
import { parseDataJson } from '../../../src/archive/body.js';
import { ApiError } from '../../../src/archive/types.js';
import { arrayLiteral, PG_TYPES } from '../../../src/archive/storage/postgres/rows.js';
import { testPgUrl } from '../../helpers/stores.js';

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** The plain rule: some string or key anywhere in the value holds a lone surrogate. */
function holdsLoneSurrogate(value: unknown): boolean {
  if (typeof value === 'string') return LONE_SURROGATE.test(value);
  if (Array.isArray(value)) return value.some(holdsLoneSurrogate);
  if (typeof value === 'object' && value !== null)
    return Object.entries(value).some(([k, v]) => LONE_SURROGATE.test(k) || holdsLoneSurrogate(v));
  return false;
}

test('a data body is refused for a lone surrogate exactly when some string or key holds one', () => {
  // 'binary' strings include lone surrogates, which JSON.stringify writes as \udxxx escapes.
  const json = fc.jsonValue({ maxDepth: 4, stringUnit: 'binary' });
  fc.assert(
    fc.property(json, fc.boolean(), (value, asText) => {
      // Some bodies with the surrogate written raw in a string that also holds a harmless escape.
      const text = asText ? JSON.stringify(value) : JSON.stringify({ data: [value], note: 'a\\u00e9' });
      const expected = holdsLoneSurrogate(JSON.parse(text));
      let refused = false;
      try {
        parseDataJson('application/json', Buffer.from(text, 'utf8'));
      } catch (err) {
        assert.ok(err instanceof ApiError && err.status === 400, String(err));
        refused = /lone surrogate/.test(err.message);
      }
      assert.equal(refused, expected, text);
    }),
    { numRuns: 500 },
  );
});

/** The elements of an array parameter as the store reads single values (numeric through its parser). */
async function readBack(client: pg.Client, type: 'text' | 'numeric', literal: unknown): Promise<unknown[]> {
  const { rows } = await client.query<[unknown]>({
    text: `SELECT x FROM unnest($1::${type}[]) WITH ORDINALITY AS t(x, i) ORDER BY i`,
    values: [literal],
    rowMode: 'array',
  });
  return rows.map((r) => r[0]);
}

test(
  'array literals read back from PostgreSQL as node-postgres array parameters of the same values do',
  { skip: testPgUrl() === undefined && 'no PostgreSQL test cluster' },
  async () => {
    const client = new pg.Client({ connectionString: testPgUrl(), types: PG_TYPES });
    await client.connect();
    try {
      const noNul = fc.string({ unit: 'grapheme' }).filter((s) => !s.includes('\u0000'));
      await fc.assert(
        fc.asyncProperty(fc.array(fc.option(noNul, { nil: null }), { maxLength: 20 }), async (texts) => {
          assert.deepEqual(await readBack(client, 'text', arrayLiteral(texts)), await readBack(client, 'text', texts));
        }),
        { numRuns: 150 },
      );
      const num = fc.oneof(
        fc.maxSafeInteger(),
        fc.double({ noNaN: true, noDefaultInfinity: true }).filter((d) => !Object.is(d, -0)),
        fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).filter((b) => b > 2n ** 53n || b < -(2n ** 53n)),
        fc.constant(null),
      );
      await fc.assert(
        fc.asyncProperty(fc.array(num, { maxLength: 20 }), async (values) => {
          // node-postgres's own array parameter; a BigInt as its digits, as the store sent it before.
          const plain = values.map((v) => (typeof v === 'bigint' ? v.toString() : v));
          assert.deepEqual(
            await readBack(client, 'numeric', arrayLiteral(values)),
            await readBack(client, 'numeric', plain),
          );
        }),
        { numRuns: 150 },
      );
    } finally {
      await client.end();
    }
  },
);
