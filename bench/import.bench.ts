/**
 * `esmond-ps-archive import` rate: a seeded archive (the real `serve` in its own
 * process, over SQLite) copied into a fresh SQLite archive, in points/s, beside the baseline of
 * the same run — `esmond-ps-get-bulk` exporting the same series to ndjson files (the same engine
 * reading the same data, writing files instead of an archive) — and a second import into the
 * same archive (everything already there: read, compare, store nothing).
 *
 *   npm run bench -- import
 *   ESMOND_BENCH_IMPORT_HOSTS=4 ESMOND_BENCH_IMPORT_DAYS=3 npm run bench -- import
 * @module
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seedArchive } from '../src/archive/seed.js';
import { openSqliteArchive } from '../src/archive/service.js';
import { runArchiveCli } from '../src/cli/archive.js';
import { run as getBulk } from '../src/cli/get-bulk.js';
import type { CliIo } from '../src/cli/io.js';
import { PassThrough } from 'node:stream';
import { startChildArchive } from './support/child-archive.js';

const HOSTS = Number(process.env.ESMOND_BENCH_IMPORT_HOSTS ?? 3);
const DAYS = Number(process.env.ESMOND_BENCH_IMPORT_DAYS ?? 2);
const NOW = 1_764_000_000;

function io(cwd: string): CliIo & { err: () => string } {
  const err: Buffer[] = [];
  const stderr = new PassThrough();
  stderr.on('data', (c: Buffer) => err.push(c));
  const stdin = new PassThrough();
  stdin.end();
  return {
    stdout: new PassThrough().resume(),
    stderr,
    stdin,
    env: {},
    now: () => NOW * 1000,
    cwd,
    err: () => Buffer.concat(err).toString('utf8'),
  };
}

export default async function bench(report: (line: string) => void): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'esmond-bench-import-'));
  const sourceDb = join(dir, 'source.sqlite');
  const service = openSqliteArchive(sourceDb, { resolver: false });
  const seeded = await seedArchive(service, { hosts: HOSTS, days: DAYS, seed: 1, now: NOW });
  await service.close();
  const server = await startChildArchive(sourceDb);
  try {
    const archive = `${server.url}/esmond/perfsonar/archive/`;
    const range = ['-S', String(NOW - DAYS * 86400 - 3600), '-E', String(NOW)];
    const points = seeded.points;

    const t0 = performance.now();
    const exportIo = io(dir);
    const exported = await getBulk(['-u', server.url, '-o', 'ndjson', '-D', dir, '-I', '--quiet', ...range], exportIo);
    const tExport = performance.now() - t0;
    if (exported !== 0) throw new Error(`get-bulk failed: ${exportIo.err()}`);

    const target = join(dir, 'copy.sqlite');
    const t1 = performance.now();
    const importIo = io(dir);
    const imported = await runArchiveCli(['import', '--from', archive, '--db', target, '-q', ...range], importIo);
    const tImport = performance.now() - t1;
    if (imported !== 0) throw new Error(`import failed: ${importIo.err()}`);

    const t2 = performance.now();
    const againIo = io(dir);
    const again = await runArchiveCli(['import', '--from', archive, '--db', target, '-q', ...range], againIo);
    const tAgain = performance.now() - t2;
    if (again !== 0) throw new Error(`second import failed: ${againIo.err()}`);

    const r = (ms: number): number => Math.round((points / ms) * 1000);
    report(
      `import ${points.toLocaleString('en-US')} points (${HOSTS} hosts, ${DAYS} days seeded): ${r(tImport).toLocaleString('en-US')} points/s; get-bulk ndjson export of the same ${r(tExport).toLocaleString('en-US')} points/s → ${(tExport / tImport).toFixed(2)}×`,
    );
    report(`import again (all there, nothing stored): ${r(tAgain).toLocaleString('en-US')} points/s`);
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
