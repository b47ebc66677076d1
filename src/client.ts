/**
 * `createClient()`, the package's one way to a client: it picks the backend the options name —
 * the esmond REST API (esmond 4.x, elmond: query/client.ts), a perfSONAR 5 OpenSearch
 * (query/opensearch/), or `auto`, which finds out from what the URL answers (query/detect.ts).
 * Each backend knows only itself; the choice between them is made here, above them.
 * @module
 */
import { createEsmondClient } from './query/client.js';
import { createAutoClient } from './query/detect.js';
import { createOpenSearchClient } from './query/opensearch/client.js';
import type { ClientTestHooks } from './query/transport-options.js';
import type { ClientOptions, EsmondClient } from './query/types.js';

/**
 * Creates a client for one archive. One keep-alive connection pool per client; call
 * {@link EsmondClient.close} when done.
 *
 * @example
 * ```ts
 * const client = createClient({ url: 'http://archive.example.net/esmond' });
 * for await (const m of client.searchMetadata({ eventType: 'throughput', timeRange: 86400 })) {
 *   for await (const p of client.data(m, 'throughput', {}, { timeStart: 1700000000, timeEnd: 1700086400 })) {
 *     console.log(m.source, m.destination, p.ts, p.val);
 *   }
 * }
 * await client.close();
 * ```
 * @throws ValidationError for a bad URL or bad credentials (nothing is sent).
 */
export function createClient(options: ClientOptions): EsmondClient {
  // Hooks are for tests: an untyped caller passing them gets the real clock anyway.
  return createClientWithHooks({ ...options, sleep: undefined, random: undefined });
}

/** {@link createClient} with test hooks (tests and benches import this module directly). */
export function createClientWithHooks(options: ClientOptions & ClientTestHooks): EsmondClient {
  if (options.archive === 'opensearch') return createOpenSearchClient(options);
  if (options.archive === 'auto') {
    return createAutoClient(options, {
      esmond: (o) => createEsmondClient({ ...o, archive: 'esmond' }),
      opensearch: createOpenSearchClient,
    });
  }
  return createEsmondClient(options);
}
