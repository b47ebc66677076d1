/**
 * The package as npm would ship it: every bin is in the tarball, is a node script, and answers
 * --help from the built dist/ (what `npm install -g ./esmond-client-*.tgz` puts on PATH).
 * Needs the build (`npm ci` runs it through `prepare`).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { reachableDeclarations, typeEntries } from '../../scripts/prune-declarations.mjs';

const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { bin: Record<string, string>; files: string[] };

test('npm pack ships every bin, the library entry points and no sources or tests', () => {
  assert.ok(existsSync('dist/index.js'), 'dist/ is not built: run npm run build (npm install and npm ci do it)');
  const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { encoding: 'utf8' });
  const [info] = JSON.parse(out) as Array<{ files: Array<{ path: string }> }>;
  const files = new Set(info!.files.map((f) => f.path));
  for (const [name, path] of Object.entries(pkg.bin)) {
    assert.ok(files.has(path.replace(/^\.\//, '')), `${name}: ${path} is not packed`);
  }
  for (const entry of ['dist/index.js', 'dist/index.d.ts', 'dist/archive/index.js', 'dist/archive/index.d.ts', 'dist/web/app.js', 'dist/web/app.css']) {
    assert.ok(files.has(entry), `${entry} is not packed`);
  }
  assert.ok(![...files].some((f) => f.startsWith('src/') || f.startsWith('test/')), 'sources or tests packed');
  // Source maps would point at sources the package does not ship.
  assert.deepEqual([...files].filter((f) => f.endsWith('.map')), []);
  // Declarations only of what the exports reach (scripts/prune-declarations.mjs runs after tsc).
  const reachable = reachableDeclarations(typeEntries(process.cwd()));
  const internal = [...files].filter((f) => /\.d\.c?ts$/.test(f) && !reachable.has(resolve(f)));
  assert.deepEqual(internal, [], 'declarations of internal modules are packed');
  assert.ok(files.has('dist/index.cjs') && files.has('dist/index.d.cts'), 'the CommonJS entry is not packed');
  assert.ok(!files.has('dist/cli/get.d.ts') && !files.has('dist/model/ordered-json.d.ts'));
});

test('every bin is a node script that answers --help with exit 0', () => {
  assert.ok(existsSync('dist/index.js'), 'dist/ is not built: run npm run build (npm install and npm ci do it)');
  assert.equal(Object.keys(pkg.bin).length, 10);
  for (const [name, path] of Object.entries(pkg.bin)) {
    assert.match(readFileSync(path, 'utf8'), /^#!\/usr\/bin\/env node\n/, `${name} has no node shebang`);
    const r = spawnSync(process.execPath, [path, '--help'], { encoding: 'utf8' });
    assert.equal(r.status, 0, `${name} --help: ${r.stderr}`);
    assert.match(r.stdout, /usage/i, `${name} --help printed no usage`);
  }
});
