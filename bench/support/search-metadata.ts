/**
 * Many realistic metadata for search benchmarks, written straight to a SQLite store (no HTTP,
 * no data), and the search queries a client of such an archive sends.
 * @module
 */
import type Database from 'better-sqlite3';
import { openSqliteStore } from '../../src/archive/storage/sqlite.js';
import type { NewMetadataRecord } from '../../src/archive/storage/store.js';
import type { Rng } from '../../src/archive/seed/prng.js';

/** Hosts of the mesh: every ordered pair runs four tests (160 hosts: 101 760 metadata at most). */
const HOSTS = 160;
const UPDATED = 1_700_000_000;

type Rows = NewMetadataRecord['eventTypes'];
const row = (eventType: string, summaryType = 'base', window = 0): Rows[number] => ({
  eventType,
  summaryType,
  window,
  timeUpdated: UPDATED,
});
const withSummaries = (eventType: string, summaryType: string, windows: number[]): Rows => [
  row(eventType),
  ...windows.map((w) => row(eventType, summaryType, w)),
];

/** The four tests of a pair: tool, test type and event-type rows, as perfSONAR archives them. */
const TESTS: ReadonlyArray<{ tool: string; type: string; rows: Rows }> = [
  {
    tool: 'pscheduler/iperf3',
    type: 'throughput',
    rows: [...withSummaries('throughput', 'average', [86400]), row('packet-retransmits'), row('failures')],
  },
  {
    tool: 'pscheduler/powstream',
    type: 'latencybg',
    rows: [
      ...withSummaries('histogram-owdelay', 'aggregation', [3600, 86400]),
      row('histogram-owdelay', 'statistics', 0),
      ...withSummaries('packet-loss-rate', 'aggregation', [3600, 86400]),
      row('packet-count-sent'),
      row('packet-count-lost'),
      row('failures'),
    ],
  },
  { tool: 'pscheduler/traceroute', type: 'trace', rows: [row('packet-trace'), row('path-mtu'), row('failures')] },
  {
    tool: 'pscheduler/ping',
    type: 'rtt',
    rows: [row('histogram-rtt'), row('histogram-rtt', 'statistics', 0), row('packet-loss-rate'), row('failures')],
  },
];

export const hostIp = (h: number): string => `10.${h >> 6}.${h & 63}.1`;
export const hostName = (h: number): string => `host${h}.example.net`;

/** Adds `count` metadata (four tests per ordered pair of hosts) to the SQLite archive at `db`. */
export async function fillSearchMetadata(db: string, count: number): Promise<void> {
  const store = openSqliteStore(db);
  try {
    const records: NewMetadataRecord[] = [];
    for (let i = 0; i < count; i++) {
      const test = TESTS[i % TESTS.length];
      const pair = Math.floor(i / TESTS.length);
      const src = pair % HOSTS;
      const dst = (src + 1 + (Math.floor(pair / HOSTS) % (HOSTS - 1))) % HOSTS;
      if (test === undefined) continue;
      records.push({
        key: `s${String(i).padStart(7, '0')}${((i * 2654435761) % 4294967296).toString(16)}`,
        checksum: `search-${i}`,
        subjectType: 'point-to-point',
        subject: {
          source: hostIp(src),
          destination: hostIp(dst),
          'measurement-agent': hostIp(src),
          'tool-name': test.tool,
          'input-source': hostName(src),
          'input-destination': hostName(dst),
        },
        parameters: [
          ['pscheduler-test-type', test.type],
          ['time-duration', '20'],
          ['ip-transport-protocol', 'tcp'],
        ],
        eventTypes: test.rows,
      });
      if (records.length === 10_000) await store.insertMetadata(records.splice(0));
    }
    if (records.length > 0) await store.insertMetadata(records);
  } finally {
    await store.close();
  }
}

/** Named search URLs (relative to the archive list) drawn at random for each request. */
export function searchQueries(db: Database.Database, rng: Rng): Array<[string, () => string]> {
  const keys = db
    .prepare("SELECT metadata_key FROM metadata WHERE metadata_key LIKE 's%' ORDER BY random() LIMIT 1000")
    .pluck()
    .all() as string[];
  const host = (): number => rng.int(0, HOSTS - 1);
  const enc = encodeURIComponent;
  return [
    // As esmond-ps-get sends it: the pair, the event type and its time window (the last day).
    [
      'src+dst+event-type+time',
      () =>
        `?source=${enc(hostIp(host()))}&destination=${enc(hostIp(host()))}&event-type=throughput` +
        `&time-start=${UPDATED + 3600 - 86400}&time-end=${UPDATED + 3600}`,
    ],
    ['tool+input-source', () => `?tool-name=pscheduler%2Fpowstream&input-source=${enc(hostName(host()))}`],
    ['source+event-type', () => `?source=${enc(hostIp(host()))}&event-type=histogram-owdelay`],
    [
      'event-type+summary',
      () =>
        `?event-type=packet-loss-rate&summary-type=aggregation&summary-window=3600&limit=10&offset=${rng.int(0, 2000)}`,
    ],
    ['detail by key', () => `${rng.pick(keys)}/`],
  ];
}
