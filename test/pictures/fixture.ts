/**
 * The archive the pictures' tests look at: a seeded mesh plus a few tests with values chosen to
 * land in each colour of the grid, served by the real `esmond-ps-archive serve` (page, API and
 * /metrics) on a free loopback port.
 * @module
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seedArchive } from '../../src/archive/seed.js';
import { openSqliteArchive } from '../../src/archive/service.js';
import type { ArchiveService, RequestContext } from '../../src/archive/types.js';
import { runArchiveCli } from '../../src/cli/archive.js';
import type { Health } from '../../src/web/health.js';
import { captureIo } from '../helpers/capture-io.js';
import { pickFreePort } from '../helpers/archive.js';

/** A test written with known values, and the colour it must get with the default thresholds. */
export interface KnownTest {
  source: string;
  destination: string;
  family: 'throughput' | 'latency';
  /** Latest value written: loss fraction or bits/s. */
  latest: number;
  expected: Health;
}

/** The known tests (hosts `known-*.example.net`, documentation addresses). */
export const KNOWN: readonly KnownTest[] = [
  {
    source: 'known-a.example.net',
    destination: 'known-b.example.net',
    family: 'latency',
    latest: 0.05,
    expected: 'bad',
  },
  {
    source: 'known-b.example.net',
    destination: 'known-a.example.net',
    family: 'latency',
    latest: 0.005,
    expected: 'warn',
  },
  { source: 'known-a.example.net', destination: 'known-c.example.net', family: 'latency', latest: 0, expected: 'ok' },
  {
    source: 'known-c.example.net',
    destination: 'known-a.example.net',
    family: 'latency',
    latest: 0,
    expected: 'stale',
  },
  {
    source: 'known-a.example.net',
    destination: 'known-b.example.net',
    family: 'throughput',
    latest: 1e9,
    expected: 'bad',
  },
  {
    source: 'known-b.example.net',
    destination: 'known-a.example.net',
    family: 'throughput',
    latest: 4e9,
    expected: 'warn',
  },
  {
    source: 'known-a.example.net',
    destination: 'known-c.example.net',
    family: 'throughput',
    latest: 9.1e9,
    expected: 'ok',
  },
];

const IP: Readonly<Record<string, string>> = {
  'known-a.example.net': '192.0.2.1',
  'known-b.example.net': '192.0.2.2',
  'known-c.example.net': '192.0.2.3',
};

/** Writes {@link KNOWN} through the service (the code path of the API's writes). */
export async function writeKnownTests(service: ArchiveService, now: number): Promise<void> {
  const ctx: RequestContext = {
    requestUrl: new URL('http://127.0.0.1/esmond/perfsonar/archive/'),
    prefix: '/esmond',
    now,
  };
  for (const t of KNOWN) {
    const subject = {
      'subject-type': 'point-to-point',
      source: IP[t.source],
      destination: IP[t.destination],
      'measurement-agent': IP[t.source],
      'input-source': t.source,
      'input-destination': t.destination,
    };
    if (t.family === 'latency') {
      const { metadata } = await service.createMetadata(
        {
          ...subject,
          'tool-name': 'pscheduler/powstream',
          'event-types': [
            { 'event-type': 'histogram-owdelay', summaries: [{ 'summary-type': 'statistics', 'summary-window': 0 }] },
            { 'event-type': 'packet-loss-rate' },
          ],
        },
        ctx,
      );
      // Stale: the last result two days ago; otherwise one a minute up to a few seconds ago.
      const end = t.expected === 'stale' ? now - 2 * 86400 : now - 5;
      const data = [];
      for (let ts = end - 29 * 60; ts <= end; ts += 60) {
        const lost = ts === end ? Math.round(t.latest * 600) : 0;
        data.push({
          ts,
          val: [
            { 'event-type': 'histogram-owdelay', val: { '10.50': 500, '11.00': 90, '14.00': 10 } },
            { 'event-type': 'packet-loss-rate', val: { numerator: lost, denominator: 600 } },
          ],
        });
      }
      await service.bulkWrite(metadata['metadata-key'], { data }, ctx);
    } else {
      const { metadata } = await service.createMetadata(
        {
          ...subject,
          'tool-name': 'pscheduler/iperf3',
          'event-types': [{ 'event-type': 'throughput' }, { 'event-type': 'packet-retransmits' }],
        },
        ctx,
      );
      const data = [];
      for (let i = 24; i >= 0; i--) {
        const ts = now - 3600 - i * 6 * 3600;
        const val = i === 0 ? t.latest : 9e9;
        data.push({
          ts,
          val: [
            { 'event-type': 'throughput', val },
            { 'event-type': 'packet-retransmits', val: 12 },
          ],
        });
      }
      await service.bulkWrite(metadata['metadata-key'], { data }, ctx);
    }
  }
}

/** A running `esmond-ps-archive serve` over a seeded archive. */
export interface PicturesArchive {
  /** `http://127.0.0.1:PORT` */
  url: string;
  dbPath: string;
  /** UNIX seconds the data was written up to. */
  now: number;
  /** A write user's API key (only for an archive the fixture seeded). */
  writeKey: string | undefined;
  close(): Promise<void>;
}

/** Seeds a mesh (default 3 hosts, 2 days), adds {@link KNOWN}, and serves it with the CLI. */
export async function startPicturesArchive(
  opts: { hosts?: number; days?: number; dbPath?: string } = {},
): Promise<PicturesArchive> {
  const dir = opts.dbPath === undefined ? mkdtempSync(join(tmpdir(), 'esmond-pictures-')) : undefined;
  const dbPath = opts.dbPath ?? join(dir ?? '', 'archive.sqlite');
  const now = Math.floor(Date.now() / 1000);
  let writeKey: string | undefined;
  if (opts.dbPath === undefined) {
    const service = openSqliteArchive(dbPath, { resolver: false });
    try {
      await seedArchive(service, { hosts: opts.hosts ?? 3, days: opts.days ?? 2, seed: 7, now });
      await writeKnownTests(service, now);
      writeKey = await service.addUser('pictures-test');
    } finally {
      await service.close();
    }
  }
  const port = await pickFreePort();
  const stop = new AbortController();
  const io = { ...captureIo(), now: () => Date.now() };
  const done = runArchiveCli(['serve', '--db', dbPath, '--port', String(port), '--no-dns'], io, stop.signal);
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 200 && !io.err().includes('listening on'); i++) await new Promise((r) => setTimeout(r, 25));
  if (!io.err().includes('listening on')) throw new Error(`archive did not start: ${io.err()}`);
  return {
    url,
    dbPath,
    now,
    writeKey,
    async close() {
      stop.abort();
      await done;
      if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
    },
  };
}
