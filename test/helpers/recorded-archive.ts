/**
 * Loader tests that count what reached the wire: a real archive (with a writer) behind a
 * recording proxy, started afresh for each test that asks, so one test's requests never show in
 * the next one's record. The archive does not offer the batch write extension, so the record
 * holds what an esmond would receive: a metadata POST and bulk PUTs per metadata.
 * @module
 */
import { startArchive, type TestArchive } from './archive.js';
import { startFlakyProxy, type FlakyProxy } from './flaky-proxy.js';

/** An archive and the recording proxy in front of it. */
export interface RecordedArchive {
  a: TestArchive;
  proxy: FlakyProxy;
}

/**
 * `fresh()` closes the previous archive and proxy and starts a new pair; `close()` (in `after`)
 * closes the last one.
 */
export function recordedArchives(): { fresh(): Promise<RecordedArchive>; close(): Promise<void> } {
  const running: { close(): Promise<void> }[] = [];
  const close = async (): Promise<void> => {
    for (const r of running.splice(0).reverse()) await r.close();
  };
  return {
    async fresh() {
      await close();
      const a = await startArchive({ withUser: true, app: { writeBatch: false } });
      running.push(a);
      const proxy = await startFlakyProxy({ target: a.url, failureRate: 0, record: true });
      running.push(proxy);
      return { a, proxy };
    },
    close,
  };
}
