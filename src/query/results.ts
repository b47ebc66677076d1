/**
 * Pieces every backend's {@link EsmondClient} shares (esmond, OpenSearch, the auto-detecting one):
 * search results with `first()`/`toArray()`, and the `Symbol.asyncDispose` key.
 * @module
 */
import type { Metadata, MetadataResults } from './types.js';

/** Search results over `iterate` (called once per iteration: each starts a new search). */
export function metadataResults(iterate: () => AsyncIterator<Metadata>): MetadataResults {
  return {
    [Symbol.asyncIterator]: iterate,
    async first() {
      // Leaving the loop returns the iterator: no page after the first is requested.
      for await (const m of { [Symbol.asyncIterator]: iterate }) return m;
      return undefined;
    },
    async toArray() {
      const all: Metadata[] = [];
      for await (const m of { [Symbol.asyncIterator]: iterate }) all.push(m);
      return all;
    },
  };
}

/**
 * `Symbol.asyncDispose`, or where Node 20 lacks it (before 20.4) the symbol TypeScript's
 * `await using` helper looks for instead, so a client never gets a key named "undefined".
 */
export const ASYNC_DISPOSE: typeof Symbol.asyncDispose =
  (Symbol as { asyncDispose?: typeof Symbol.asyncDispose }).asyncDispose ??
  (Symbol.for('Symbol.asyncDispose') as typeof Symbol.asyncDispose);
