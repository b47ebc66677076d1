import { test } from 'node:test';
import assert from 'node:assert/strict';
import { documentsFromLines, type SourceDoc } from '../../src/loaders/pscheduler/documents.js';

async function docs(text: string): Promise<SourceDoc[]> {
  async function* lines() {
    yield* text.split('\n');
  }
  const out: SourceDoc[] = [];
  for await (const d of documentsFromLines(lines(), 'in')) out.push(d);
  return out;
}

test('one pretty-printed document, a list, JSON lines, RFC 7464, empty input', async () => {
  assert.deepStrictEqual(await docs('\n{\n  "a": 1\n}\n'), [{ where: 'in', doc: { a: 1 } }]);
  assert.deepStrictEqual(await docs('[\n {"a": 1},\n {"a": 2}\n]'), [
    { where: 'in[0]', doc: { a: 1 } },
    { where: 'in[1]', doc: { a: 2 } },
  ]);
  assert.deepStrictEqual(await docs('{"a": 1}\n\n{"a": 2\n[3]\n'), [
    { where: 'in:1', doc: { a: 1 } },
    {
      where: 'in:3',
      error: `not valid JSON (${(() => {
        try {
          JSON.parse('{"a": 2');
        } catch (e) {
          return (e as Error).message;
        }
        return '';
      })()})`,
    },
    { where: 'in:4[0]', doc: 3 },
  ]);
  assert.deepStrictEqual(await docs('\x1e{"a": 1}\n\x1e{"a": 2}\n'), [
    { where: 'in:1', doc: { a: 1 } },
    { where: 'in:2', doc: { a: 2 } },
  ]);
  assert.deepStrictEqual(await docs('  \n'), [{ where: 'in', error: 'no JSON document' }]);
  const broken = await docs('{\n "a": \n');
  assert.equal(broken.length, 1);
  assert.match(broken[0]!.error!, /^not valid JSON/);
});
