/**
 * A small hand-made archive content covering every esmond-ps-get data family, written through
 * the real client into the real embedded archive (10.0.0.1 → 10.0.0.2, as in the spec's captured
 * examples). Timestamps start at 1700000000 (2023-11-14 22:13:20 UTC).
 * @module
 */
import { createClient } from '../../src/client.js';
import type { WireNewMetadata } from '../../src/model/wire.js';
import { startArchive, type StartArchiveOptions, type TestArchive } from '../helpers/archive.js';
import { NOW_MS } from './run-tool.js';

export const T0 = 1700000000;

interface FixtureTest {
  metadata: WireNewMetadata;
  data: { ts: number; val: { 'event-type': string; val: unknown }[] }[];
}

const P2P = {
  'subject-type': 'point-to-point',
  source: '10.0.0.1',
  destination: '10.0.0.2',
  'measurement-agent': '10.0.0.1',
  'input-source': 'host1.example.net',
  'input-destination': 'host2.example.net',
} as const;

const hops = (n: number, ts: number): unknown[] =>
  Array.from({ length: n }, (_, i) => ({
    ttl: String(i + 1),
    query: '1',
    success: 1,
    ip: i + 1 === n ? '10.0.0.2' : `10.0.${i}.254`,
    rtt: (0.246 + i * 0.5 + (ts - T0) / 1000).toFixed(3),
    mtu: '9000',
    error_message: null,
  }));

export const FIXTURE: readonly FixtureTest[] = [
  {
    metadata: {
      ...P2P,
      'tool-name': 'bwctl/iperf3',
      'time-duration': '20',
      'ip-transport-protocol': 'tcp',
      'bw-parallel-streams': '2',
      'event-types': [
        { 'event-type': 'throughput', summaries: [{ 'summary-type': 'average', 'summary-window': '86400' }] },
        { 'event-type': 'throughput-subintervals' },
        { 'event-type': 'streams-throughput' },
        { 'event-type': 'streams-throughput-subintervals' },
        { 'event-type': 'failures' },
        { 'event-type': 'pscheduler-run-href' },
      ],
    },
    data: [0, 1, 2].map((i) => ({
      ts: T0 + i * 3600,
      val: [
        { 'event-type': 'throughput', val: 9000000000 + i * 2 + (i === 2 ? 0.5 : 0) },
        {
          'event-type': 'throughput-subintervals',
          val: [
            { start: '0.000000', duration: '1.000000', val: 100 + i },
            { start: '1.000000', duration: '1.000000', val: 200 + i },
          ],
        },
        { 'event-type': 'streams-throughput', val: [4000000000 + i, 5000000000.25] },
        {
          'event-type': 'streams-throughput-subintervals',
          val: [
            [
              { start: 0, duration: 1.0, val: 1 },
              { start: 1, duration: 1.0, val: 2 },
            ],
            [{ start: 0, duration: 1.0, val: 3 }],
          ],
        },
        { 'event-type': 'pscheduler-run-href', val: { href: `https://10.0.0.1/pscheduler/tasks/abc/runs/${i}` } },
        ...(i === 1 ? [{ 'event-type': 'failures', val: { error: 'bwctl: Unable to contact host, "10.0.0.2"' } }] : []),
      ],
    })),
  },
  {
    metadata: {
      ...P2P,
      'tool-name': 'powstream',
      'sample-bucket-width': '0.0001',
      'event-types': [
        {
          'event-type': 'histogram-owdelay',
          summaries: [
            { 'summary-type': 'aggregation', 'summary-window': '3600' },
            { 'summary-type': 'statistics', 'summary-window': '0' },
          ],
        },
        { 'event-type': 'packet-loss-rate', summaries: [{ 'summary-type': 'aggregation', 'summary-window': '3600' }] },
      ],
    },
    data: [0, 1].map((i) => ({
      ts: T0 + i * 60,
      val: [
        { 'event-type': 'histogram-owdelay', val: i === 0 ? { '34.4': 506, '34.5': 85 } : { '34.4': 510, '34.7': 1 } },
        { 'event-type': 'packet-loss-rate', val: { numerator: i, denominator: 600 } },
      ],
    })),
  },
  {
    metadata: {
      ...P2P,
      'tool-name': 'bwctl/tracepath,traceroute',
      'event-types': [{ 'event-type': 'packet-trace' }, { 'event-type': 'path-mtu' }],
    },
    data: [0, 1].map((i) => ({
      ts: T0 + i * 600,
      val: [
        { 'event-type': 'packet-trace', val: hops(2 + i, T0 + i * 600) },
        { 'event-type': 'path-mtu', val: 9000 },
      ],
    })),
  },
  {
    metadata: {
      'subject-type': 'network-element',
      source: '10.0.0.1',
      'measurement-agent': '10.0.0.1',
      'tool-name': 'ntpq',
      'input-source': 'host1.example.net',
      'event-types': [{ 'event-type': 'ntp-offset' }],
    },
    data: [
      { ts: T0, val: [{ 'event-type': 'ntp-offset', val: -0.000412 }] },
      { ts: T0 + 60, val: [{ 'event-type': 'ntp-offset', val: 1e-5 }] },
    ],
  },
  {
    // IPv6 endpoints (B5).
    metadata: {
      'subject-type': 'point-to-point',
      source: '2001:db8::1',
      destination: '2001:db8::2',
      'measurement-agent': '2001:db8::1',
      'input-source': 'v6-host1.example.net',
      'input-destination': 'v6-host2.example.net',
      'tool-name': 'pscheduler/tracepath',
      'event-types': [{ 'event-type': 'path-mtu' }],
    },
    data: [{ ts: T0, val: [{ 'event-type': 'path-mtu', val: 1500 }] }],
  },
];

/** Starts an archive (clock fixed at {@link NOW_MS}) holding {@link FIXTURE}. */
export async function startFixtureArchive(app: StartArchiveOptions['app'] = {}): Promise<TestArchive> {
  const archive = await startArchive({ now: () => NOW_MS, app });
  const client = createClient({ url: archive.url, credentials: { apiKey: archive.apiKey } });
  try {
    for (const t of FIXTURE) {
      const md = await client.postMetadata(t.metadata);
      await client.putBulk(md.key, t.data);
    }
  } catch (err) {
    await archive.close();
    throw err;
  } finally {
    await client.close();
  }
  return archive;
}
