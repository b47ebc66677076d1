/**
 * Data for the PostgreSQL bench: a database on the bench's cluster, a raw `COPY` through psql
 * (the baseline no archive code touches), and many realistic metadata records written straight
 * to a store for the search figures.
 * @module
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import type { NewMetadataRecord } from '../../src/archive/storage/store.js';

/** Creates database `name` on the cluster of `adminUrl`; returns its URL. */
export async function createDatabase(adminUrl: string, name: string): Promise<string> {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`bad database name ${name}`);
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** The psql next to the server binaries, or undefined. */
export function psqlOf(binDir: string): string | undefined {
  const psql = join(binDir, 'psql');
  return existsSync(psql) ? psql : undefined;
}

/** Runs `COPY <target> FROM STDIN` with `text` (COPY text format) through psql. */
export function copyIn(psql: string, url: string, target: string, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(psql, ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', url, '-c', `COPY ${target} FROM STDIN`], {
      stdio: ['pipe', 'ignore', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.once('error', reject);
    child.once('close', (code) => {
      if (code === 0) resolve();
      else reject(new Error(`psql COPY ${target}: exit ${String(code)} ${err}`));
    });
    child.stdin.end(text);
  });
}

const TYPES = ['latencybg', 'rtt', 'trace', 'throughput'] as const;

/**
 * Metadata `from` … `to - 1` of a large synthetic mesh: four tests per host pair (powstream,
 * ping, traceroute, iperf3) with the parameters the pScheduler archiver stores. Some parameters
 * are rare (ip-packet-size of ping: 1 in 1000 pairs), some common (ip-transport-protocol=tcp:
 * a quarter of everything), so searches on parameters alone span both kinds.
 */
export function meshRecords(from: number, to: number): NewMetadataRecord[] {
  const out: NewMetadataRecord[] = [];
  for (let i = from; i < to; i++) {
    const p = i >> 2;
    const kind = TYPES[i & 3] ?? 'throughput';
    const src = meshSource(p);
    const dst = `10.2.${((p * 7) >> 8) & 255}.${(p * 7) & 255}`;
    const parameters: Array<[string, string]> = [['pscheduler-test-type', kind]];
    const eventTypes: NewMetadataRecord['eventTypes'][number][] = [];
    const base = (eventType: string): void =>
      void eventTypes.push({ eventType, summaryType: 'base', window: 0, timeUpdated: 1_700_000_000 + p });
    let tool = 'pscheduler/iperf3';
    if (kind === 'latencybg') {
      tool = 'pscheduler/powstream';
      parameters.push(['ip-packet-interval', '.1'], ['sample-bucket-width', '.0001'], ['time-duration', '60']);
      for (const e of ['histogram-owdelay', 'packet-count-sent', 'packet-count-lost', 'packet-loss-rate']) base(e);
      eventTypes.push({
        eventType: 'histogram-owdelay',
        summaryType: 'aggregation',
        window: 86400,
        timeUpdated: 1_700_000_000 + p,
      });
    } else if (kind === 'rtt') {
      tool = 'pscheduler/ping';
      parameters.push(
        ['ip-packet-interval', '1'],
        ['ip-packet-size', String(100 + (p % 1000))],
        ['ip-transport-protocol', 'icmp'],
        ['sample-size', '100'],
      );
      for (const e of ['histogram-rtt', 'packet-count-sent', 'packet-count-lost']) base(e);
    } else if (kind === 'trace') {
      tool = 'pscheduler/traceroute';
      parameters.push(['ip-packet-size', '40'], ['time-duration', '12']);
      base('packet-trace');
    } else {
      parameters.push(
        ['bw-parallel-streams', String(1 + (p % 8))],
        ['ip-tos', String(4 * (p % 64))],
        ['ip-transport-protocol', 'tcp'],
        ['time-duration', String([20, 30, 60][p % 3])],
      );
      for (const e of ['failures', 'throughput', 'packet-retransmits']) base(e);
      eventTypes.push({
        eventType: 'throughput',
        summaryType: 'average',
        window: 86400,
        timeUpdated: 1_700_000_000 + p,
      });
    }
    out.push({
      key: `s${String(i).padStart(7, '0')}`,
      checksum: `search-${i}`,
      subjectType: 'point-to-point',
      subject: {
        source: src,
        destination: dst,
        'measurement-agent': src,
        'tool-name': tool,
        'input-source': `host${p}.example.net`,
        'input-destination': `peer${p}.example.net`,
      },
      parameters,
      eventTypes,
    });
  }
  return out;
}

/** Source address of mesh pair `p` (as {@link meshRecords} writes it). */
export function meshSource(p: number): string {
  return `10.1.${(p >> 8) & 255}.${p & 255}`;
}
