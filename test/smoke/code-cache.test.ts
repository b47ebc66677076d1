/**
 * The bins' V8 code caches (scripts/bin-stub.cjs, written by scripts/build-bins.mjs): the cache
 * the build wrote is the one V8 accepts; a bin prints the same through the real archive with its
 * cache, with a cache that is garbage, cut short or another bundle's, and with none; and stack
 * traces stay what they were: lines of the bundle as Node's own loader reports them, and with
 * --enable-source-maps lines of src/*.ts. The corrupt and missing cases run on a copy of dist/bin.
 * Needs the build.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startArchive, type TestArchive } from '../helpers/archive.js';
import { ROOT } from './packages.js';

const NOW_MS = Date.UTC(2026, 10, 25, 12);
const BIN = join(ROOT, 'dist', 'bin');
const ARGS = ['-s', '10.0.1.10', '-d', '10.0.2.10', '-e', 'throughput', '-o', 'csv', '-I'];
const WINDOW = ['-S', '2026-11-24T10:00:00Z', '-E', '2026-11-25T12:00:00Z'];

let archive: TestArchive;
let dir: string;

before(async () => {
  assert.ok(existsSync(join(BIN, 'esmond-ps-get.js')), 'dist/ is not built: run npm run build');
  archive = await startArchive({ seed: { hosts: 2, days: 1, seed: 3 }, now: () => NOW_MS });
  dir = mkdtempSync(join(tmpdir(), 'esmond-code-cache-'));
  // A hook that keeps the stack of the tool's first write to stdout (for the stack-trace cases).
  writeFileSync(
    join(dir, 'stack.cjs'),
    `const write = process.stdout.write;
let kept = false;
process.stdout.write = function (...args) {
  if (!kept) { kept = true; require('node:fs').writeFileSync(process.env.STACK_OUT, new Error('here').stack); }
  return write.apply(this, args);
};`,
  );
});
after(async () => {
  await archive.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A copy of dist/bin's esmond-ps-get (stub, bundle, cache), vendor bundles and metadata cache, in a new folder. */
function copyOfBins(name: string): string {
  const to = join(dir, name);
  const wanted = (f: string): boolean =>
    f === BIN ||
    /[\\/](vendor|package\.json$|esmond-ps-get\.|esmond-ps-get-metadata\.bundle\.)/.test(f.slice(BIN.length));
  cpSync(BIN, to, { recursive: true, filter: wanted });
  return to;
}

/** The code cache file of `bin` in `binDir`. */
function cacheOf(binDir: string, bin: string): string {
  const f = readdirSync(binDir).find((n) => n.startsWith(`${bin}.bundle.`) && n.endsWith('.v8cache'));
  assert.ok(f !== undefined, `no code cache of ${bin} in ${binDir}`);
  return join(binDir, f);
}

/** Whether V8 rejects the cache the stub in `binDir` finds for `bin` (undefined: no cache to try). */
function rejected(binDir: string, bin: string): boolean | undefined {
  const out = execFileSync(
    process.execPath,
    [
      '-e',
      `const s = require(process.argv[1]); const c = s.readCache();
       console.log(c === undefined ? 'none' : String(s.compile(c).cachedDataRejected));`,
      join(binDir, `${bin}.js`),
    ],
    { encoding: 'utf8' },
  ).trim();
  return out === 'none' ? undefined : out === 'true';
}

/** What esmond-ps-get in `binDir` prints for the one-page query (not blocking: the archive is in this process). */
async function getOutput(binDir: string): Promise<string> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [join(binDir, 'esmond-ps-get.js'), '-u', archive.url, ...ARGS, ...WINDOW],
    { encoding: 'utf8', env: { ...process.env, TZ: 'UTC' } },
  );
  return stdout;
}

/** The stack at the first stdout write of `node ...args` (Node options first), e.g. of `--help`. */
function stackOf(args: string[]): string {
  const out = join(dir, `stack-${Math.random().toString(36).slice(2)}.txt`);
  execFileSync(process.execPath, ['--require', join(dir, 'stack.cjs'), ...args], {
    encoding: 'utf8',
    env: { ...process.env, STACK_OUT: out },
  });
  return readFileSync(out, 'utf8');
}

test('every bin has a code cache, and V8 accepts the one the build wrote', () => {
  const stubs = readdirSync(BIN).filter((f) => f.endsWith('.js') && !f.includes('.bundle.'));
  assert.equal(stubs.length, 10, stubs.join(' '));
  for (const stub of stubs) assert.equal(rejected(BIN, stub.replace(/\.js$/, '')), false, stub);
});

test('the bundles have no import(): node:vm would need a loader of its own for it', () => {
  for (const f of readdirSync(BIN).filter((n) => n.endsWith('.bundle.js'))) {
    assert.doesNotMatch(readFileSync(join(BIN, f), 'utf8'), /\bimport\(/, f);
  }
});

test('a bin prints the same with its cache, a corrupt or foreign cache, and none', async () => {
  const expected = await getOutput(BIN);
  // A header and rows: two empty outputs would prove nothing.
  assert.ok(expected.trim().split('\n').length >= 2, expected);

  const garbage = copyOfBins('garbage');
  const cache = cacheOf(garbage, 'esmond-ps-get');
  writeFileSync(cache, Buffer.alloc(readFileSync(cache).length, 0x5a));
  assert.equal(rejected(garbage, 'esmond-ps-get'), true);
  assert.equal(await getOutput(garbage), expected);

  const short = copyOfBins('short');
  const shortCache = cacheOf(short, 'esmond-ps-get');
  writeFileSync(shortCache, readFileSync(shortCache).subarray(0, 4096));
  assert.equal(rejected(short, 'esmond-ps-get'), true);
  assert.equal(await getOutput(short), expected);

  const foreign = copyOfBins('foreign');
  cpSync(cacheOf(foreign, 'esmond-ps-get-metadata'), cacheOf(foreign, 'esmond-ps-get'));
  assert.equal(rejected(foreign, 'esmond-ps-get'), true);
  assert.equal(await getOutput(foreign), expected);

  const none = copyOfBins('none');
  rmSync(cacheOf(none, 'esmond-ps-get'));
  assert.equal(rejected(none, 'esmond-ps-get'), undefined);
  assert.equal(await getOutput(none), expected);
});

/** The frames of `stack` in the bundle of esmond-ps-get, `line:column` each. */
function bundleFrames(stack: string): string[] {
  return [...stack.matchAll(/esmond-ps-get\.bundle\.js:(\d+):(\d+)/g)].map((m) => `${m[1]}:${m[2]}`);
}

test('stack traces name the lines of the bundle that Node itself names, with the cache or without', () => {
  const byNode = bundleFrames(stackOf([join(BIN, 'esmond-ps-get.bundle.js'), '--help']));
  assert.ok(byNode.length >= 2, byNode.join(' '));
  assert.deepEqual(bundleFrames(stackOf([join(BIN, 'esmond-ps-get.js'), '--help'])), byNode);
  const none = copyOfBins('no-cache-stack');
  rmSync(cacheOf(none, 'esmond-ps-get'));
  assert.deepEqual(bundleFrames(stackOf([join(none, 'esmond-ps-get.js'), '--help'])), byNode);
});

test('with --enable-source-maps, stack traces name the TypeScript sources', () => {
  const stack = stackOf(['--enable-source-maps', join(BIN, 'esmond-ps-get.js'), '--help']);
  assert.match(stack, /src\/cli\/[\w-]+\.ts:\d+:\d+/);
  assert.doesNotMatch(stack, /esmond-ps-get\.bundle\.js/);
});
