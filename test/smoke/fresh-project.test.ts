/**
 * New users' projects, from the packed tarballs of both packages:
 * - a library user: `npm install --offline ./esmond-client-*.tgz` into an empty folder (npm lays
 *   it out from local tarballs, no network) gets the library and undici,
 *   none of the tools' dependencies (no SQLite build, no chrono-node, commander, pg …); two small
 *   programs, one ES module and one CommonJS, and the README's examples are type-checked with
 *   strict `tsc` (NodeNext) and run against the real archive;
 * - a tools user: the esmond-ps-tools tarball (which bundles the library it was built with)
 *   unpacked beside the library's, with only its declared dependencies linked from this checkout
 *   (npm would fetch and build them: too slow for a test); its bins run against the archive, and a
 *   program using `esmond-ps-tools/archive` with `esmond-client` type-checks and serves a seeded
 *   archive the client reads.
 * @arethetypeswrong/cli checks both tarballs. Needs the build.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startArchive, type TestArchive } from '../helpers/archive.js';
import { HEAVY, LIB, readManifest, ROOT } from './packages.js';

const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
const ATTW = join(ROOT, 'node_modules', '.bin', 'attw');
const manifest = readManifest;

/** Runs a command without blocking this process (it serves the archive the programs read). */
async function run(
  cmd: string,
  args: string[],
  cwd: string,
): Promise<{ status: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(cmd, args, { cwd, encoding: 'utf8' });
    return { status: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code?: unknown; stdout?: string; stderr?: string };
    return {
      status: typeof err.code === 'number' ? err.code : 1,
      stdout: err.stdout ?? '',
      stderr: err.stderr ?? String(e),
    };
  }
}

const PROGRAM = (
  kind: 'esm' | 'cjs',
): string => `${kind === 'esm' ? "import { createClient, isHttpError, isTimeoutError, type EventType, type Metadata } from 'esmond-client';" : "import esmond = require('esmond-client');\nconst { createClient, isHttpError, isTimeoutError } = esmond;\ntype EventType = esmond.EventType;\ntype Metadata = esmond.Metadata;"}

async function main(url: string): Promise<void> {
  const client = createClient({ url, timeoutMs: 5_000, retries: 0 });
  try {
    const et: EventType = 'throughput';
    const md: Metadata | undefined = await client.searchMetadata({ eventType: et }).first();
    if (md === undefined) throw new Error('no metadata');
    let n = 0;
    for await (const p of client.data(md, et, {}, { timeStart: new Date(0) })) {
      const gbps: number = p.val / 1e9; // the value type follows the event type
      if (gbps >= 0) n++;
    }
    const guard: boolean = isTimeoutError(new DOMException('x', 'TimeoutError'));
    // @ts-expect-error a typo in an event type does not compile (an unused directive would fail tsc)
    void client.data(md, 'throughputt');
    console.log(JSON.stringify({ kind: '${kind}', points: n, foreignIsOurs: guard }));
  } catch (e) {
    if (isHttpError(e)) console.error(e.status);
    throw e;
  } finally {
    await client.close();
  }
}
void main(process.argv[2] ?? '');
`;

let archive: TestArchive;
let dir: string;
/** Tarball paths by package name. */
const tarballs = new Map<string, string>();

/** A strict NodeNext tsconfig over `files`, with node's types from this checkout. */
function writeTsconfig(project: string, files: string[]): void {
  writeFileSync(
    join(project, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        module: 'nodenext',
        target: 'es2022',
        strict: true,
        exactOptionalPropertyTypes: true,
        noUncheckedIndexedAccess: true,
        typeRoots: [join(ROOT, 'node_modules', '@types')],
        types: ['node'],
        outDir: 'out',
      },
      files,
    }),
  );
}

before(async () => {
  assert.ok(
    existsSync(join(LIB, 'dist', 'index.cjs')) && existsSync(join(ROOT, 'dist', 'bin', 'esmond-ps-get.js')),
    'dist/ is not built: run npm run build',
  );
  dir = mkdtempSync(join(tmpdir(), 'esmond-fresh-'));
  archive = await startArchive({ seed: { hosts: 2, days: 1 } });
  for (const pkgDir of [LIB, ROOT]) {
    const packed = await run('npm', ['pack', pkgDir, '--ignore-scripts', '--silent', '--pack-destination', dir], dir);
    assert.equal(packed.status, 0, packed.stderr);
    const { name, version } = manifest(pkgDir);
    const tgz = join(dir, `${name}-${version}.tgz`);
    assert.ok(existsSync(tgz), `npm pack made no ${tgz}`);
    tarballs.set(name, tgz);
  }
});
after(async () => {
  await archive.close();
  rmSync(dir, { recursive: true, force: true });
});

test('a library user installs esmond-client alone; ESM and CommonJS programs type-check and run', async () => {
  const tgz = tarballs.get('esmond-client')!;
  // @arethetypeswrong/cli on the very tarball: the library resolves with the right types from
  // require() and import (node16, bundlers, node10).
  const attw = await run(ATTW, [tgz, '--profile', 'node16', '--entrypoints', '.', '--format', 'ascii'], dir);
  assert.equal(attw.status, 0, `attw:\n${attw.stdout}${attw.stderr}`);
  const project = join(dir, 'library-user');
  mkdirSync(project);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'fresh', version: '1.0.0', private: true }));
  // npm itself lays the project out, --offline (never the registry). npm would fetch the library's
  // dependencies from the registry; here they are packed from this checkout and named beside it
  // (npm's cache after `npm ci` holds their tarballs but not the registry documents --offline would
  // need to pick a version). A dependency the library declares beyond those fails the install.
  const deps: string[] = [];
  for (const dep of Object.keys(manifest(LIB).dependencies)) {
    const packed = await run(
      'npm',
      ['pack', join(ROOT, 'node_modules', dep), '--ignore-scripts', '--silent', '--pack-destination', project],
      project,
    );
    assert.equal(packed.status, 0, packed.stderr);
    deps.push(join(project, packed.stdout.trim().split('\n').pop()!));
  }
  const installed = await run('npm', ['install', '--offline', '--no-audit', '--no-fund', tgz, ...deps], project);
  assert.equal(installed.status, 0, `npm install --offline ${tgz}:\n${installed.stderr}`);
  const lock = JSON.parse(readFileSync(join(project, 'node_modules', '.package-lock.json'), 'utf8')) as {
    packages: Record<string, unknown>;
  };
  const names = Object.keys(lock.packages)
    .map((p) => p.replace(/^.*node_modules\//, ''))
    .sort();
  for (const heavy of HEAVY)
    assert.ok(!names.includes(heavy), `a library install pulled ${heavy}: ${names.join(', ')}`);
  assert.deepEqual(
    names,
    ['esmond-client', ...Object.keys(manifest(LIB).dependencies)].sort(),
    'a library install is the library and its own dependencies',
  );
  writeFileSync(join(project, 'esm.mts'), PROGRAM('esm'));
  writeFileSync(join(project, 'cjs.cts'), PROGRAM('cjs'));
  // The README's library examples compile as a user would paste them (type-checked, not run).
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(
    readme.indexOf('## The library'),
    readme.indexOf('\n## ', readme.indexOf('## The library') + 1),
  );
  const examples = [...section.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');
  assert.ok(examples.length >= 2, 'README library examples not found');
  examples.forEach((code, i) => {
    writeFileSync(join(project, `readme-${i}.mts`), `${code}\nexport {};\n`);
  });
  writeTsconfig(project, ['esm.mts', 'cjs.cts', ...examples.map((_, i) => `readme-${i}.mts`)]);
  const tsc = await run(process.execPath, [TSC, '-p', project], project);
  assert.equal(tsc.status, 0, `tsc failed:\n${tsc.stdout}${tsc.stderr}`);
  for (const [kind, file] of [
    ['esm', 'esm.mjs'],
    ['cjs', 'cjs.cjs'],
  ] as const) {
    const r = await run(process.execPath, [join(project, 'out', file), archive.url], project);
    assert.equal(r.status, 0, `${file}: ${r.stderr}`);
    const out = JSON.parse(r.stdout) as { kind: string; points: number; foreignIsOurs: boolean };
    assert.equal(out.kind, kind);
    assert.ok(out.points > 0, `${file} read no throughput`);
    assert.equal(out.foreignIsOurs, false);
  }
});

/** A program using the archive of esmond-ps-tools and the client of esmond-client together. */
const ARCHIVE_PROGRAM = `import { openSqliteArchive, seedArchive, serveArchive } from 'esmond-ps-tools/archive';
import { createClient, type Metadata } from 'esmond-client';

const service = openSqliteArchive(process.argv[2] ?? 'archive.sqlite', { resolver: false });
const seeded = await seedArchive(service, { hosts: 2, days: 1, seed: 7, now: Math.floor(Date.now() / 1000) });
const server = await serveArchive({ service, port: 0 });
const client = createClient({ url: server.url, retries: 0 });
try {
  const found: Metadata[] = await client.searchMetadata({}).toArray();
  console.log(JSON.stringify({ seeded: seeded.metadata, found: found.length }));
} finally {
  await client.close();
  await server.close();
  await service.close();
}
`;

test('a tools user: esmond-ps-tools beside esmond-client runs its bins and its archive API', async () => {
  const tgz = tarballs.get('esmond-ps-tools')!;
  const attw = await run(ATTW, [tgz, '--profile', 'esm-only', '--entrypoints', './archive', '--format', 'ascii'], dir);
  assert.equal(attw.status, 0, `attw:\n${attw.stdout}${attw.stderr}`);
  const project = join(dir, 'tools-user');
  const modules = join(project, 'node_modules');
  for (const [name, file] of tarballs) {
    mkdirSync(join(modules, name), { recursive: true });
    assert.equal((await run('tar', ['-xzf', file, '-C', join(modules, name), '--strip-components=1'], dir)).status, 0);
  }
  const tools = manifest(join(modules, 'esmond-ps-tools'));
  // The bins load the library bundled in the tools tarball, the very version they were built with.
  const bundled = join(modules, 'esmond-ps-tools', 'node_modules', 'esmond-client');
  assert.equal(tools.dependencies['esmond-client'], manifest(bundled).version);
  assert.ok(existsSync(join(bundled, 'dist', 'query', 'client.js')), 'the tools tarball does not bundle the library');
  // Only what the two packages declare (the library's own and the tools' dependencies).
  const declared = new Set([...Object.keys(tools.dependencies), ...Object.keys(manifest(LIB).dependencies)]);
  for (const dep of declared) {
    if (existsSync(join(modules, dep))) continue;
    mkdirSync(join(modules, dep, '..'), { recursive: true });
    symlinkSync(join(ROOT, 'node_modules', dep), join(modules, dep));
  }
  writeFileSync(
    join(project, 'package.json'),
    JSON.stringify({ name: 'fresh-tools', version: '1.0.0', private: true, type: 'module' }),
  );
  const bin = (name: string): string => join(modules, 'esmond-ps-tools', (tools.bin ?? {})[name]!);
  const endpoints = await run(process.execPath, [bin('esmond-ps-get-endpoints'), '-u', archive.url], project);
  assert.equal(endpoints.status, 0, `esmond-ps-get-endpoints: ${endpoints.stderr}`);
  assert.match(endpoints.stdout, /throughput/);
  writeFileSync(join(project, 'archive.mts'), ARCHIVE_PROGRAM);
  writeTsconfig(project, ['archive.mts']);
  const tsc = await run(process.execPath, [TSC, '-p', project], project);
  assert.equal(tsc.status, 0, `tsc failed:\n${tsc.stdout}${tsc.stderr}`);
  const db = join(project, 'seeded.sqlite');
  const r = await run(process.execPath, [join(project, 'out', 'archive.mjs'), db], project);
  assert.equal(r.status, 0, `archive.mjs: ${r.stderr}`);
  const out = JSON.parse(r.stdout) as { seeded: number; found: number };
  assert.ok(out.seeded > 0);
  assert.equal(out.found, out.seeded, 'the client read back every seeded measurement');
  const users = await run(process.execPath, [bin('esmond-ps-archive'), 'add-user', 'loader', '--db', db], project);
  assert.equal(users.status, 0, `esmond-ps-archive add-user: ${users.stderr}`);
});
