/**
 * Pieces every backend's {@link EsmondClient} shares (esmond, OpenSearch, the auto-detecting one):
 * search results with `first()`/`toArray()`, points out of pages, the summaries a metadata lists,
 * and the `Symbol.asyncDispose` key.
 * @module
 */
import type { SeriesType } from '../model/event-types.js';
import type { WirePoint } from '../model/wire.js';
import type { Metadata, MetadataResults, SummaryInfo } from './types.js';

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

/** The points of `pages`, one at a time: what `data()` is to `dataPages()`. */
export function pointsOf<V>(pages: AsyncIterable<WirePoint<V>[]>): AsyncIterable<WirePoint<V>> {
  return {
    async *[Symbol.asyncIterator]() {
      for await (const page of pages) yield* page;
    },
  };
}

/** The summaries of type `summaryType` that `m` lists for `eventType` (none if it lists none). */
export function listedSummaries(m: Metadata, eventType: string, summaryType: SeriesType): SummaryInfo[] {
  return (
    m.eventTypes.find((x) => x.eventType === eventType)?.summaries.filter((s) => s.summaryType === summaryType) ?? []
  );
}

/**
 * `Symbol.asyncDispose`, or where Node 20 lacks it (before 20.4) the symbol TypeScript's
 * `await using` helper looks for instead, so a client never gets a key named "undefined".
 */
export const ASYNC_DISPOSE: typeof Symbol.asyncDispose =
  (Symbol as { asyncDispose?: typeof Symbol.asyncDispose }).asyncDispose ??
  (Symbol.for('Symbol.asyncDispose') as typeof Symbol.asyncDispose);
