// The SQLite store answers a metadata insert with the record built from what it inserted, not
// read back: property test against the plain read (metadataByKey), field by field and in the
// order a rendering walks (subject fields, parameters by key, rows by the index), over any
// Unicode text (code points past U+FFFF sort after U+E000…U+FFFF in SQLite), repeated parameter
// keys (the last value stays) and repeated rows (the first stays).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { openSqliteStore } from '../../../src/archive/storage/sqlite.js';
import { compareBinary } from '../../../src/archive/storage/sqlite-metadata-insert.js';
import type { NewMetadataRecord } from '../../../src/archive/storage/store.js';

// Well-formed text without NUL (the service refuses both lone surrogates and NUL).
const text = fc.string({ unit: 'grapheme', maxLength: 6 }).filter((s) => !s.includes('\u0000'));
const pick = <T>(...values: T[]) => fc.constantFrom(...values);
const word = fc.oneof(pick('a', 'b', 'é', '\uE000', '\u{1F600}', 'a\u{1F600}', 'a\uFFFF', ''), text);

const subject = fc.record(
  {
    source: word,
    destination: word,
    'measurement-agent': word,
    'tool-name': word,
    'input-source': word,
    'input-destination': word,
  },
  { requiredKeys: ['source', 'measurement-agent', 'tool-name', 'input-source'] },
);

const record = fc.record({
  subjectType: pick('point-to-point', 'network-element'),
  subject,
  parameters: fc.array(fc.tuple(word, word), { maxLength: 8 }),
  eventTypes: fc.array(
    fc.record({
      eventType: word,
      summaryType: pick('base', 'aggregation', 'statistics'),
      window: pick(0, 300, 3600, 86400, 0.5),
      timeUpdated: fc.option(fc.integer({ min: 0, max: 2_000_000_000 }), { nil: null }),
    }),
    { maxLength: 8 },
  ),
});

test('an inserted metadata is answered exactly as a read of it gives it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'esmond-md-insert-'));
  const store = openSqliteStore(join(dir, 'archive.sqlite'));
  let n = 0;
  try {
    await fc.assert(
      fc.asyncProperty(record, async (r) => {
        n += 1;
        const rec: NewMetadataRecord = {
          key: `k${n}`,
          checksum: `c${n}`,
          subjectType: r.subjectType,
          subject: r.subject,
          parameters: r.parameters,
          eventTypes: r.eventTypes,
        };
        const answered = await store.findOrInsertMetadata(rec);
        const read = await store.metadataByKey(rec.key);
        assert.deepStrictEqual(answered, read);
        // The same order of keys and of array items, which is what the JSON answer shows.
        assert.equal(JSON.stringify(answered), JSON.stringify(read));
      }),
      { numRuns: 300 },
    );
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('compareBinary orders as UTF-8 bytes do', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'grapheme' }), (a, b) => {
      const bytes = Math.sign(Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')));
      assert.equal(Math.sign(compareBinary(a, b)), bytes);
    }),
    { numRuns: 2000 },
  );
});
