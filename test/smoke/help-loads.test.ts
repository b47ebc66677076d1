/**
 * Every built bin's `--help` (and each esmond-ps-archive subcommand's) loads none of the heavy
 * modules: no HTTP client or server, no database driver, no date parser, no image renderer.
 * They load where a run first needs them; help is text. A `--require` hook in the tool's own
 * process lists what was loaded: the packages and vendor bundles required, and Node's own
 * module list (which also sees a built-in loaded from inside another built-in). Needs the build.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readManifest, ROOT } from './packages.js';

/** Required packages and files (by the specifier they were asked for), or built-ins Node loaded. */
const HEAVY_REQUIRES = [
  /^undici$/,
  /vendor\/undici/,
  /vendor\/chrono/,
  /^chrono-node/,
  /^better-sqlite3$/,
  /^pg$/,
  /^@resvg\//,
];
const HEAVY_BUILTINS = ['http', 'https', 'http2', 'tls', 'zlib'];

const HOOK = `
const Module = require('node:module');
const load = Module._load;
const asked = new Set();
Module._load = function (request, ...rest) { asked.add(request); return load.call(this, request, ...rest); };
process.on('exit', () => {
  require('node:fs').writeFileSync(process.env.LOADED_OUT, JSON.stringify({ asked: [...asked], builtins: process.moduleLoadList }));
});
`;

let dir: string;
before(() => {
  assert.ok(existsSync(join(ROOT, 'dist', 'bin', 'esmond-ps-get.js')), 'dist/ is not built: run npm run build');
  dir = mkdtempSync(join(tmpdir(), 'esmond-help-loads-'));
  writeFileSync(join(dir, 'hook.cjs'), HOOK);
});
after(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** What `node dist/bin/<name>.js ...args` loaded, and what it printed. */
function loadedBy(name: string, args: string[]): { heavy: string[]; out: string } {
  const out = join(dir, `${name}.json`);
  const stdout = execFileSync(
    process.execPath,
    ['--require', join(dir, 'hook.cjs'), join(ROOT, 'dist', 'bin', `${name}.js`), ...args],
    { encoding: 'utf8', cwd: dir, env: { ...process.env, LOADED_OUT: out } },
  );
  const seen = JSON.parse(readFileSync(out, 'utf8')) as { asked: string[]; builtins: string[] };
  const heavy = [
    ...seen.asked.filter((r) => HEAVY_REQUIRES.some((re) => re.test(r))),
    ...seen.builtins.filter((m) => HEAVY_BUILTINS.some((b) => m === `NativeModule ${b}`)),
  ];
  return { heavy, out: stdout };
}

const bins = Object.keys(readManifest(ROOT).bin ?? {});
const ARCHIVE_COMMANDS = ['serve', 'add-user', 'disable-user', 'list-users', 'seed', 'import'];

test('the package has bins to check', () => {
  assert.ok(bins.length >= 10, bins.join(' '));
});

for (const name of bins) {
  test(`${name} --help loads no heavy module`, () => {
    const { heavy, out } = loadedBy(name, ['--help']);
    assert.match(out, /^Usage: /m);
    assert.deepEqual(heavy, []);
  });
}

for (const command of ARCHIVE_COMMANDS) {
  test(`esmond-ps-archive ${command} --help loads no heavy module`, () => {
    const { heavy, out } = loadedBy('esmond-ps-archive', [command, '--help']);
    assert.match(out, new RegExp(`^Usage: esmond-ps-archive ${command}`, 'm'));
    assert.deepEqual(heavy, []);
  });
}

test('the check sees a heavy module when a run loads one (list-users opens the SQLite file)', () => {
  const { heavy } = loadedBy('esmond-ps-archive', ['list-users', '--db', join(dir, 'a.sqlite'), '--create']);
  assert.ok(heavy.includes('better-sqlite3'), heavy.join(' '));
});
