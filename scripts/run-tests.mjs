#!/usr/bin/env node
// Runs every test/**/*.test.ts under node's own test runner, then prints the plain closing line
// `N passed, N failed` that CI reads. Node 20 cannot glob .ts test files itself and has no type
// stripping, hence this script + tsx.
// Usage: npm test [-- substring ...]   (only files whose path contains one of the substrings)
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';
import { startPgCluster } from './pg-cluster.mjs';

function walk(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...walk(p));
    else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}
const filters = process.argv.slice(2);
const files = walk('test')
  .map((f) => relative('.', f))
  .filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)))
  .sort();
if (files.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}
// The archive suites also run against PostgreSQL: a throw-away cluster when the binaries exist
// (ESMOND_TEST_PG_URL set by the caller wins; ESMOND_TEST_PG=require fails without binaries).
const env = { ...process.env, TZ: 'UTC' };
let cluster;
if (!env.ESMOND_TEST_PG_URL) {
  cluster = await startPgCluster();
  if (cluster) {
    env.ESMOND_TEST_PG_URL = cluster.url;
    env.ESMOND_TEST_PG_DATA = cluster.data;
    env.ESMOND_TEST_PG_BIN = cluster.bin;
    console.error(`PostgreSQL test cluster on port ${cluster.port} (${cluster.bin})`);
  } else if (env.ESMOND_TEST_PG === 'require') {
    console.error('PostgreSQL binaries (initdb, pg_ctl) not found: install postgresql or set PG_BINDIR');
    process.exit(1);
  } else {
    console.error('PostgreSQL not installed: the PostgreSQL variants of the archive tests are skipped');
  }
}
const dir = mkdtempSync(join(tmpdir(), 'esmond-tests-'));
const tap = join(dir, 'results.tap');
const r = spawnSync(
  process.execPath,
  [
    '--import',
    'tsx',
    '--test',
    '--test-reporter=spec',
    '--test-reporter-destination=stdout',
    '--test-reporter=tap',
    `--test-reporter-destination=${tap}`,
    ...files,
  ],
  { stdio: 'inherit', env },
);
cluster?.stop();
let passed = 0;
let failed = 0;
try {
  const text = readFileSync(tap, 'utf8');
  passed = Number(/^# pass (\d+)$/m.exec(text)?.[1] ?? 0);
  failed = Number(/^# fail (\d+)$/m.exec(text)?.[1] ?? 0);
  // A cancelled test (its file's event loop ran dry, or its parent failed) did not pass.
  failed += Number(/^# cancelled (\d+)$/m.exec(text)?.[1] ?? 0);
} catch {
  failed = Math.max(failed, 1);
}
rmSync(dir, { recursive: true, force: true });
console.log(`${passed} passed, ${failed} failed`);
process.exit(r.status === 0 && failed === 0 ? 0 : 1);
