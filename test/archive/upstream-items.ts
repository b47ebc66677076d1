/**
 * What the upstream esmond tests post and expect, shared by the service-level tests
 * (archive/core) and the same items asked over HTTP (archive/http/checklist): one copy of each
 * body and expected value, so the two levels cannot drift apart.
 * @module
 */

/** The metadata the upstream metadata POST tests (items 26 to 28) send. */
export const ITEM26_METADATA = {
  source: '10.1.1.1',
  destination: '10.1.1.2',
  'subject-type': 'point-to-point',
  'tool-name': 'bwctl/iperf3',
  'input-destination': '10.1.1.1',
  'input-source': '10.1.1.2',
  'measurement-agent': '10.1.1.1',
  'time-interval': 7200,
  'time-duration': 20,
  'event-types': [
    { 'event-type': 'packet-retransmits' },
    { 'event-type': 'throughput', summaries: [{ 'summary-type': 'average', 'summary-window': '86400' }] },
  ],
};

/** The detail of the e99bb fixture metadata (item 23) without its event types; `url` is the archive's origin. */
export function e99bbDetail(key: string, url: string): Record<string, string> {
  return {
    'metadata-key': key,
    'subject-type': 'point-to-point',
    uri: `/perfsonar/archive/${key}/`,
    url: `${url}/perfsonar/archive/${key}/`,
    source: '198.124.238.66',
    destination: '198.129.254.30',
    'measurement-agent': '198.129.254.30',
    'input-source': 'bost-pt1.es.net',
    'input-destination': 'lbl-pt1.es.net',
    'tool-name': 'bwctl/iperf3',
    'time-duration': '20',
    'ip-tos': '32',
    'ip-transport-protocol': 'tcp',
    'bw-parallel-streams': '2',
  };
}

/** The bulk write of the post flow (item 43): two event types, one point older than the rest. */
export const ITEM43_BULK = {
  data: [
    {
      ts: 90,
      val: [
        { 'event-type': 'throughput', val: 9000 },
        { 'event-type': 'streams-packet-retransmits', val: 0 },
      ],
    },
    { ts: 120, val: [{ 'event-type': 'throughput', val: 12000 }] },
    { ts: 60, val: [{ 'event-type': 'streams-packet-retransmits', val: 4 }] },
  ],
};

/** The daily aggregation of the client fixture's OWAMP histogram-owdelay. */
export const OWAMP_DAILY_HISTOGRAM = [
  {
    ts: 1391613631,
    val: {
      '623': 206173,
      '203': 330,
      '833': 175,
      '863': 6,
      '193': 5,
      '713': 85,
      '928': 575408,
      '341': 1402,
      '265': 93,
      '224': 25810,
      '544': 1,
    },
  },
];

/** The client fixture's OWAMP counters: event type, first and last (ts, value) of 960 points. */
export const OWAMP_COUNTERS: ReadonlyArray<readonly [string, readonly [number, number], readonly [number, number]]> = [
  ['packet-duplicates', [1391558413, 281], [1391615953, 379]],
  ['packet-count-sent', [1391558435, 431], [1391615975, 505]],
  ['packet-count-lost', [1391558410, 95], [1391615950, 312]],
];
