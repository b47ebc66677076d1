/**
 * Statistics gathered while an archive was small (`PRAGMA optimize` runs when a store closes)
 * must not turn the per-request metadata queries into scans of every row once it is large: the
 * id list drives them, one index probe per id, whatever sqlite_stat1 says.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openSqliteStore } from '../../../src/archive/storage/sqlite.js';
import { DETAILS_OF_SQL, METADATA_BY_IDS_SQL } from '../../../src/archive/storage/sqlite-rows.js';

test('metadata hydration probes indexes per id even under statistics of a tiny archive', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'esmond-stale-stats-'));
  try {
    const path = join(dir, 'plan.sqlite');
    const store = openSqliteStore(path);
    await store.insertMetadata(
      [0, 1, 2].map((i) => ({
        key: `k${i}`,
        checksum: `c${i}`,
        subjectType: 'point-to-point',
        subject: {
          source: '10.0.0.1',
          destination: '10.0.0.2',
          'measurement-agent': '10.0.0.1',
          'tool-name': 't',
          'input-source': 'a',
          'input-destination': 'b',
        },
        parameters: [['p', String(i)]],
        eventTypes: [{ eventType: 'throughput', summaryType: 'base', window: 0, timeUpdated: null }],
      })),
    );
    await store.close();
    const db = new Database(path);
    try {
      db.exec('ANALYZE');
      for (const sql of [METADATA_BY_IDS_SQL, DETAILS_OF_SQL]) {
        const details = (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all('[1, 2]') as Array<{ detail: string }>).map(
          (p) => p.detail,
        );
        const scans = details.filter((d) => d.startsWith('SCAN') && !d.startsWith('SCAN j '));
        assert.deepEqual(scans, [], `${sql}: ${details.join(' | ')}`);
      }
    } finally {
      db.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
