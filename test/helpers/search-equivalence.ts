/**
 * One suite shape for store searches: on each test store (SQLite, and PostgreSQL when the test
 * cluster runs), every search's pages equal a plain filter over the same records, in key order,
 * with the right total, both when the store counts and when the caller passes the total it
 * already knows (the next slice of one page).
 * @module
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ArchiveStore, MetadataQuery, NewMetadataRecord } from '../../src/archive/storage/store.js';
import { openTestStore, testStores } from './stores.js';

export interface SearchEquivalence {
  /** What is searched, for the suite's name ("parameter searches"). */
  label: string;
  /** Name of the test database. */
  database: string;
  records: readonly NewMetadataRecord[];
  searches: ReadonlyArray<[string, MetadataQuery]>;
  /** The keys a search must find, in key order (the plain filter). */
  expected: (query: MetadataQuery) => string[];
  /** The `[limit, offset]` pages to read of a search with `total` matches. */
  pages: (total: number) => Array<[number, number]>;
  /** Extra checks at the end of the test (that the fixture is not degenerate). */
  also?: () => void;
}

export function describeSearchEquivalence(s: SearchEquivalence): void {
  for (const kind of testStores()) {
    describe(`${s.label} on the ${kind} store`, () => {
      let store: ArchiveStore;
      let cleanup: () => Promise<void> = async () => undefined;
      before(async () => {
        ({ store, cleanup } = await openTestStore(kind, s.database));
        await store.insertMetadata([...s.records]);
      });
      after(async () => {
        await store.close();
        await cleanup();
      });

      test('matches, order, pages and totals equal a plain filter over the records', async () => {
        for (const [name, query] of s.searches) {
          const all = s.expected(query);
          for (const [limit, offset] of s.pages(all.length)) {
            const what = `${name}, limit ${limit} offset ${offset}`;
            const page = all.slice(offset, offset + limit);
            const got = await store.findMetadata(query, limit, offset);
            assert.equal(got.total, all.length, `${what}: total`);
            assert.deepEqual(
              got.items.map((m) => m.key),
              page,
              what,
            );
            const again = await store.findMetadata(query, limit, offset, all.length);
            assert.equal(again.total, all.length, `${what}: known total`);
            assert.deepEqual(
              again.items.map((m) => m.key),
              page,
              `${what}: known total`,
            );
          }
        }
        s.also?.();
      });
    });
  }
}
