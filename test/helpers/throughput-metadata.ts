/**
 * A SQLite archive file holding `count` throughput metadata written straight to the store (no
 * HTTP, no summaries): the large searches of the hardening test and bench need many metadata
 * quickly, not data.
 * @module
 */
import { openSqliteStore } from '../../src/archive/storage/sqlite.js';

/** Creates (or adds to) the archive at `db` with `count` distinct throughput metadata. */
export async function fillThroughputMetadata(db: string, count: number): Promise<void> {
  const store = openSqliteStore(db);
  try {
    await store.insertMetadata(
      Array.from({ length: count }, (_, i) => ({
        key: `m${String(i).padStart(6, '0')}`,
        checksum: `c${i}`,
        subjectType: 'point-to-point',
        subject: {
          source: `10.1.${i >> 8}.${i & 255}`,
          destination: '10.2.0.1',
          'measurement-agent': '10.2.0.1',
          'tool-name': 'pscheduler/iperf3',
          'input-source': `host${i}.example.net`,
          'input-destination': 'sink.example.net',
        },
        parameters: [
          ['time-duration', '20'],
          ['pscheduler-test-type', 'throughput'],
        ],
        eventTypes: [{ eventType: 'throughput', summaryType: 'base', window: 0, timeUpdated: 1_700_000_000 }],
      })),
    );
  } finally {
    await store.close();
  }
}
