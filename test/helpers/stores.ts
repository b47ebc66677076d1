/**
 * The stores every archive suite runs against: SQLite always, PostgreSQL when the test runner
 * started a cluster (`ESMOND_TEST_PG_URL`, see scripts/run-tests.mjs). Suites loop over
 * {@link testStores} instead of being copied per store; each archive gets its own fresh
 * database, dropped when it closes. No mock database: a real server or none.
 * @module
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openStore } from '../../src/archive/storage/open.js';
import type { ArchiveStore } from '../../src/archive/storage/store.js';

/** A store kind a suite runs against. */
export type StoreKind = 'sqlite' | 'postgres';

/** The URL of the test cluster's admin database, when there is one. */
export function testPgUrl(): string | undefined {
  const url = process.env['ESMOND_TEST_PG_URL'];
  return url === undefined || url === '' ? undefined : url;
}

let notified = false;

/** `['sqlite', 'postgres']`, or `['sqlite']` with a one-time notice when PostgreSQL is absent. */
export function testStores(): StoreKind[] {
  if (testPgUrl() !== undefined) return ['sqlite', 'postgres'];
  if (!notified) {
    notified = true;
    process.stderr.write(
      '# PostgreSQL variants skipped: no ESMOND_TEST_PG_URL (install postgresql; npm test starts a cluster)\n',
    );
  }
  return ['sqlite'];
}

/** A fresh, empty database on the test cluster; `drop()` removes it. */
export async function freshPgDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const admin = testPgUrl();
  if (admin === undefined) throw new Error('no PostgreSQL test cluster (ESMOND_TEST_PG_URL)');
  const name = `esmond_t_${randomBytes(6).toString('hex')}`;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: admin });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}

/** A fresh, empty store of `kind` (a temporary SQLite file, or a new database on the cluster) and how to remove it. */
export async function openTestStore(
  kind: StoreKind,
  label: string,
): Promise<{ store: ArchiveStore; cleanup: () => Promise<void> }> {
  if (kind === 'postgres') {
    const db = await freshPgDatabase();
    return { store: await openStore(db.url), cleanup: () => db.drop() };
  }
  const dir = mkdtempSync(join(tmpdir(), `esmond-${label}-`));
  return {
    store: await openStore(join(dir, 'archive.sqlite')),
    cleanup: async () => {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
