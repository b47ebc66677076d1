/**
 * Seeder benchmark: how long the default demo/test archive takes to seed, with powstream's real
 * one-minute cadence for comparison, and how much of it is the generator itself (a service that
 * discards everything) rather than the archive core.
 * @module
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seedArchive, type SeedOptions } from '../src/archive/seed.js';
import { openSqliteArchive } from '../src/archive/service.js';
import type { ArchiveService } from '../src/archive/types.js';

const NOW = 1_764_000_000;

export default async function seedBench(report: (line: string) => void): Promise<void> {
  const runs: Array<[string, Omit<SeedOptions, 'now' | 'seed'>]> = [
    ['default hosts=4 days=2', { hosts: 4, days: 2 }],
    ['test helper hosts=3 days=1', { hosts: 3, days: 1 }],
    ['1-min powstream hosts=4 days=2', { hosts: 4, days: 2, latencyInterval: 60 }],
  ];
  for (const [name, opts] of runs) {
    const dir = mkdtempSync(join(tmpdir(), 'esmond-seed-bench-'));
    const service = openSqliteArchive(join(dir, 'archive.sqlite'), { resolver: false });
    try {
      const t = performance.now();
      const r = await seedArchive(service, { ...opts, seed: 1, now: NOW });
      const s = (performance.now() - t) / 1000;
      report(
        `seed.archive    ${name}: ${s.toFixed(2)} s  ${r.metadata} metadata  ${r.points} values  ${Math.round(r.points / s)} values/s`,
      );
    } finally {
      await service.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const t = performance.now();
  const r = await seedArchive(discardingService(), { hosts: 4, days: 2, seed: 1, now: NOW });
  const s = (performance.now() - t) / 1000;
  report(
    `seed.generator  default hosts=4 days=2 without an archive: ${s.toFixed(2)} s  ${Math.round(r.points / s)} values/s`,
  );
}

/** Just enough of a service for the seeder: hands out keys, drops the data. */
function discardingService(): ArchiveService {
  let n = 0;
  const unused = (): never => {
    throw new Error('not used by the seeder');
  };
  return {
    async createMetadata(body) {
      const key = (++n).toString(16).padStart(32, '0');
      const eventTypes = (body as { 'event-types': Array<{ 'event-type': string }> })['event-types'];
      return {
        metadata: {
          uri: '',
          'metadata-key': key,
          'subject-type': 'point-to-point',
          'event-types': eventTypes.map((e) => ({
            'base-uri': '',
            'event-type': e['event-type'],
            'time-updated': null,
            summaries: [],
          })),
        },
        location: '',
      };
    },
    async bulkWrite() {
      return 0;
    },
    searchMetadata: unused,
    searchMetadataStream: unused,
    getMetadata: unused,
    createMetadataKey: unused,
    eventTypeDetail: unused,
    summaryListing: unused,
    readData: unused,
    writePoint: unused,
    bulkWriteBody: unused,
    verifyKey: unused,
    checkKey: unused,
    setUserActive: unused,
    listUsers: unused,
    addUser: unused,
    async close() {},
  };
}
