/**
 * A new user's project: the packed tarball unpacked into `node_modules/esmond-client` of an empty
 * folder (what `npm install ./esmond-client-*.tgz` lays out; npm itself would fetch the
 * dependencies from the registry, which tests never reach, so the one the library loads, undici,
 * is linked from this checkout), then two small programs, one ES module and one CommonJS, are
 * type-checked with strict `tsc` (NodeNext) and run against the real archive. Needs the build.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startArchive, type TestArchive } from '../helpers/archive.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');

/** Runs a command without blocking this process (it serves the archive the programs read). */
async function run(cmd: string, args: string[], cwd: string): Promise<{ status: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(cmd, args, { cwd, encoding: 'utf8' });
    return { status: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code?: unknown; stdout?: string; stderr?: string };
    return { status: typeof err.code === 'number' ? err.code : 1, stdout: err.stdout ?? '', stderr: err.stderr ?? String(e) };
  }
}

const PROGRAM = (kind: 'esm' | 'cjs'): string => `${kind === 'esm' ? "import { createClient, isHttpError, isTimeoutError, type EventType, type Metadata } from 'esmond-client';" : "import esmond = require('esmond-client');\nconst { createClient, isHttpError, isTimeoutError } = esmond;\ntype EventType = esmond.EventType;\ntype Metadata = esmond.Metadata;"}

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

before(async () => {
  assert.ok(existsSync(join(ROOT, 'dist', 'index.cjs')), 'dist/ is not built: run npm run build');
  dir = mkdtempSync(join(tmpdir(), 'esmond-fresh-'));
  archive = await startArchive({ seed: { hosts: 2, days: 1 } });
});
after(async () => {
  await archive.close();
  rmSync(dir, { recursive: true, force: true });
});

test('a fresh project type-checks and runs the library from ESM and from CommonJS', async () => {
  const packed = await run('npm', ['pack', ROOT, '--ignore-scripts', '--silent', '--pack-destination', dir], dir);
  assert.equal(packed.status, 0, packed.stderr);
  const tgz = readdirSync(dir).find((f) => f.endsWith('.tgz'));
  assert.ok(tgz !== undefined, 'npm pack made no tarball');
  // @arethetypeswrong/cli on the very tarball: the library resolves with the right types from
  // require() and import (node16, bundlers, node10); the archive entry is ESM-only by design.
  const attw = join(ROOT, 'node_modules', '.bin', 'attw');
  for (const args of [['--profile', 'node16', '--entrypoints', '.'], ['--profile', 'esm-only', '--entrypoints', './archive']]) {
    const r = await run(attw, [join(dir, tgz), ...args, '--format', 'ascii'], dir);
    assert.equal(r.status, 0, `attw ${args.join(' ')}:\n${r.stdout}${r.stderr}`);
  }
  const pkgDir = join(dir, 'node_modules', 'esmond-client');
  mkdirSync(pkgDir, { recursive: true });
  assert.equal((await run('tar', ['-xzf', join(dir, tgz), '-C', pkgDir, '--strip-components=1'], dir)).status, 0);
  symlinkSync(join(ROOT, 'node_modules', 'undici'), join(dir, 'node_modules', 'undici'));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'fresh', version: '1.0.0', private: true }));
  writeFileSync(join(dir, 'esm.mts'), PROGRAM('esm'));
  writeFileSync(join(dir, 'cjs.cts'), PROGRAM('cjs'));
  // The README's library examples compile as a user would paste them (type-checked, not run).
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## The library'), readme.indexOf('\n## ', readme.indexOf('## The library') + 1));
  const examples = [...section.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');
  assert.ok(examples.length >= 2, 'README library examples not found');
  examples.forEach((code, i) => {
    writeFileSync(join(dir, `readme-${i}.mts`), `${code}\nexport {};\n`);
  });
  writeFileSync(
    join(dir, 'tsconfig.json'),
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
      files: ['esm.mts', 'cjs.cts', ...examples.map((_, i) => `readme-${i}.mts`)],
    }),
  );
  const tsc = await run(process.execPath, [TSC, '-p', dir], dir);
  assert.equal(tsc.status, 0, `tsc failed:\n${tsc.stdout}${tsc.stderr}`);
  for (const [kind, file] of [['esm', 'esm.mjs'], ['cjs', 'cjs.cjs']] as const) {
    const r = await run(process.execPath, [join(dir, 'out', file), archive.url], dir);
    assert.equal(r.status, 0, `${file}: ${r.stderr}`);
    const out = JSON.parse(r.stdout) as { kind: string; points: number; foreignIsOurs: boolean };
    assert.equal(out.kind, kind);
    assert.ok(out.points > 0, `${file} read no throughput`);
    assert.equal(out.foreignIsOurs, false);
  }
});
