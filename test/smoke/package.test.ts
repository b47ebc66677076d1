/**
 * The two packages as npm would ship them (`npm pack --dry-run`): the lean library `esmond-client`
 * (packages/esmond-client: the modules src/index.ts reaches, nothing else) and the toolkit
 * `esmond-ps-tools` (the repository root: the bins and the archive, depending on the library, which
 * it bundles, instead of carrying a copy of its modules). Every bin answers --help from the built dist/ (what
 * `npm install -g ./esmond-ps-tools-*.tgz` puts on PATH). Needs the build (`npm ci` runs it).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { basename, join, resolve } from 'node:path';
import { reachableDeclarations, typeEntries } from '../../scripts/prune-declarations.mjs';
import { INTERNAL } from '../../scripts/link-library.mjs';
import { EXTERNAL as BUNDLE_EXTERNAL } from '../../scripts/build-bins.mjs';
import { VERSION } from '../../src/http/version.js';
import { HEAVY, LIB, readManifest, ROOT } from './packages.js';

const tools = readManifest(ROOT);
/** Where the bin bundles and their vendor bundles are. */
const BIN_DIR = 'dist/bin/';
const library = readManifest(LIB);
const BUILT = 'dist/ is not built: run npm run build (npm install and npm ci do it)';

const packCache = new Map<string, Set<string>>();
/** The files `npm pack` would put in the tarball of the package in `dir`. */
function packed(dir: string): Set<string> {
  const cached = packCache.get(dir);
  if (cached) return cached;
  const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: dir, encoding: 'utf8' });
  const [info] = JSON.parse(out) as Array<{ files: Array<{ path: string }> }>;
  const files = new Set(info!.files.map((f) => f.path));
  packCache.set(dir, files);
  return files;
}

/** Bare module specifiers a built file imports (static, dynamic and require; TSDoc examples aside). */
function bareImports(file: string): string[] {
  const text = readFileSync(file, 'utf8').replace(/\/\*\*[\s\S]*?\*\//g, '');
  // `(?<!-)`: the string "--from" (a flag's name) is not an import.
  return [
    ...text.matchAll(/(?:(?<!-)\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|^import\s+)["']([^"'./][^"']*)["']/gm),
  ].map((m) => m[1]!);
}

/** `lossless-json/x` → `lossless-json`, `@resvg/resvg-js` stays. */
const packageOf = (spec: string): string =>
  spec
    .split('/')
    .slice(0, spec.startsWith('@') ? 2 : 1)
    .join('/');

test('the library package ships its entry points, only the library modules, and public declarations only', () => {
  assert.ok(existsSync(join(LIB, 'dist', 'index.js')), BUILT);
  const files = packed(LIB);
  for (const entry of [
    'dist/index.js',
    'dist/index.d.ts',
    'dist/index.cjs',
    'dist/index.d.cts',
    'dist/query/client.js',
    'package.json',
  ]) {
    assert.ok(files.has(entry), `${entry} is not packed`);
  }
  // No tool, archive, loader sink, formatter, bulk engine or web page in the library.
  for (const layer of ['bin', 'cli', 'archive', 'bulk', 'format', 'pictures', 'web']) {
    assert.deepEqual(
      [...files].filter((f) => f.startsWith(`dist/${layer}/`)),
      [],
      `dist/${layer}/ is in the library package`,
    );
  }
  assert.ok(![...files].some((f) => f.startsWith('src/') || f.startsWith('test/')), 'sources or tests packed');
  // Source maps would point at sources the package does not ship.
  assert.deepEqual(
    [...files].filter((f) => f.endsWith('.map')),
    [],
  );
  // Declarations only of what the exports reach (scripts/prune-declarations.mjs runs after tsc).
  const reachable = reachableDeclarations(typeEntries(LIB));
  const internal = [...files].filter((f) => /\.d\.c?ts$/.test(f) && !reachable.has(join(LIB, f)));
  assert.deepEqual(internal, [], 'declarations of internal modules are packed');
  assert.ok(!files.has('dist/model/ordered-json.d.ts') && !files.has('dist/http/redact.d.ts'));
});

test("the library declares exactly the packages its modules import, none of the tools' ones", () => {
  assert.ok(existsSync(join(LIB, 'dist', 'index.js')), BUILT);
  const builtins = new Set(builtinModules);
  const imported = new Set<string>();
  for (const f of packed(LIB)) {
    if (!/\.c?js$/.test(f)) continue;
    for (const spec of bareImports(join(LIB, f))) {
      // Its own name appears in messages and examples (and would resolve to itself).
      if (!spec.startsWith('node:') && !builtins.has(spec) && packageOf(spec) !== library.name)
        imported.add(packageOf(spec));
    }
  }
  assert.deepEqual(
    [...imported].sort(),
    Object.keys(library.dependencies).sort(),
    'packages/esmond-client/package.json "dependencies" differ from what its dist imports',
  );
  for (const heavy of HEAVY) assert.ok(!(heavy in library.dependencies), `the library depends on ${heavy}`);
  // Same versions as the toolkit, so a workspace install holds one copy of each.
  for (const [name, version] of Object.entries(library.dependencies)) {
    assert.equal(
      tools.dependencies[name] ?? version,
      version,
      `${name}: the library wants ${version}, the tools ${tools.dependencies[name]}`,
    );
  }
});

test('the tools package depends on the library of the same version, bundled, instead of a copy of its modules', () => {
  assert.ok(existsSync('dist/bin/esmond-ps-get.js') && existsSync(join(LIB, 'dist', 'index.js')), BUILT);
  assert.equal(library.name, 'esmond-client');
  assert.notEqual(tools.name, library.name);
  assert.deepEqual(tools.workspaces, ['packages/esmond-client']);
  assert.equal(library.version, tools.version, 'the two packages are released together');
  assert.equal(VERSION, library.version, 'src/http/version.ts VERSION');
  // Exact, and bundled: the tools import library modules through esmond-client/internal/, which
  // has no semver promise, so they ship with the very library they were built against.
  assert.equal(tools.dependencies['esmond-client'], library.version);
  assert.deepEqual(tools.bundleDependencies, ['esmond-client']);
  const toolFiles = packed(ROOT);
  const libFiles = packed(LIB);
  const BUNDLED = 'node_modules/esmond-client/';
  const bundled = new Set([...toolFiles].filter((f) => f.startsWith(BUNDLED)).map((f) => f.slice(BUNDLED.length)));
  assert.deepEqual([...bundled].sort(), [...libFiles].sort(), 'the bundled library is not the library package');
  for (const f of [
    'dist/query/client.js',
    'dist/http/transport.js',
    'dist/model/event-types.js',
    'dist/index.js',
    'dist/index.cjs',
  ]) {
    assert.ok(!toolFiles.has(f), `${f}: a second copy of a library module is in the tools package`);
  }
  // Every library module the tools import is one the library package ships, with its types where
  // a declaration imports it; and no relative import of a tools file points at a missing module.
  let internalImports = 0;
  for (const f of toolFiles) {
    if (!f.startsWith('dist/') || !/\.(c?js|d\.ts)$/.test(f)) continue;
    // The bins are bundles that inline the library modules they use: next test.
    if (f.startsWith(BIN_DIR)) continue;
    for (const spec of bareImports(f)) {
      if (!spec.startsWith(INTERNAL)) continue;
      internalImports++;
      const target = `dist/${spec.slice(INTERNAL.length)}`;
      assert.ok(
        libFiles.has(f.endsWith('.d.ts') ? target.replace(/\.js$/, '.d.ts') : target),
        `${f} imports ${spec}, which the library package does not ship`,
      );
    }
    for (const m of readFileSync(f, 'utf8').matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*)["'](\.{1,2}\/[^"']+\.js)["']/g)) {
      const rel = join(f, '..', m[1]!).replace(/\.js$/, f.endsWith('.d.ts') ? '.d.ts' : '.js');
      assert.ok(toolFiles.has(rel), `${f} imports ${m[1]}, which the tools package does not ship`);
    }
  }
  assert.ok(internalImports > 0, 'the tools import nothing from the library');
});

test('npm pack of the tools ships every bin, the archive entry point and no sources or tests', () => {
  assert.ok(existsSync('dist/bin/esmond-ps-get.js'), BUILT);
  const files = packed(ROOT);
  for (const [name, path] of Object.entries(tools.bin ?? {})) {
    assert.ok(files.has(path.replace(/^\.\//, '')), `${name}: ${path} is not packed`);
  }
  for (const entry of ['dist/archive/index.js', 'dist/archive/index.d.ts', 'dist/web/app.js', 'dist/web/app.css']) {
    assert.ok(files.has(entry), `${entry} is not packed`);
  }
  assert.ok(
    ![...files].some((f) => f.startsWith('src/') || f.startsWith('test/') || f.startsWith('packages/')),
    'sources, tests or the library workspace packed',
  );
  // Source maps only for the bin bundles, which carry their sources inside (next test).
  assert.deepEqual(
    [...files].filter((f) => f.endsWith('.map') && !f.startsWith(BIN_DIR)),
    [],
  );
  const reachable = reachableDeclarations(typeEntries(ROOT));
  const internal = [...files].filter(
    (f) => f.startsWith('dist/') && /\.d\.c?ts$/.test(f) && !reachable.has(resolve(f)),
  );
  assert.deepEqual(internal, [], 'declarations of internal modules are packed');
  assert.ok(!files.has('dist/cli/get.d.ts'));
  // The archive's declarations name no third-party package: a user's strict tsc would need its
  // @types (devDependencies here), e.g. better-sqlite3's through a storage module.
  const foreign = [...files]
    .filter((f) => f.startsWith('dist/') && /\.d\.ts$/.test(f))
    .flatMap((f) =>
      bareImports(f)
        .filter((spec) => !spec.startsWith('node:') && packageOf(spec) !== library.name)
        .map((spec) => `${f}: ${spec}`),
    );
  assert.deepEqual(foreign, [], "the tools' declarations import third-party types");
});

// A deliberate exception to "no second copy of the library": each bin is one bundle built by
// scripts/build-bins.mjs (<name>.bundle.js, run by the stub <name>.js), library modules included, because a tool that loaded them one by one
// from node_modules/esmond-client spent most of its start-up resolving and compiling modules. A
// bin is a program: none of its objects meets another copy of the library, so the two copies
// cannot disagree at run time; the library API of the package (dist/archive) still uses the
// bundled esmond-client, as the previous test checks.
test('every bin is one bundle: node builtins, its vendor bundles and only native or optional packages', () => {
  assert.ok(existsSync('dist/bin/esmond-ps-get.js'), BUILT);
  const files = packed(ROOT);
  const builtins = new Set(builtinModules);
  const stubs = new Set(Object.values(tools.bin ?? {}).map((p) => p.replace(/^\.\//, '')));
  const bundles = [...files].filter((f) => f.startsWith(BIN_DIR) && /\.c?js$/.test(f) && !stubs.has(f));
  assert.ok(files.has(`${BIN_DIR}package.json`), 'dist/bin/package.json (CommonJS bundles) is not packed');
  for (const stub of stubs) {
    // The stub loads node builtins only, and its bundle and code cache are packed beside it.
    const text = readFileSync(stub, 'utf8');
    const loaded = [...text.matchAll(/\brequire\(["']([^"']+)["']\)/g)].map((m) => m[1]!);
    assert.ok(loaded.length > 0 && loaded.every((spec) => spec.startsWith('node:')), `${stub}: ${loaded.join(' ')}`);
    const bundle = stub.replace(/\.js$/, '.bundle.js');
    assert.ok(files.has(bundle), `${bundle} (run by ${stub}) is not packed`);
    assert.ok(
      [...files].some((f) => f.startsWith(bundle.replace(/\.js$/, '.')) && f.endsWith('.v8cache')),
      `${stub}: no code cache packed`,
    );
  }
  for (const f of bundles) {
    const text = readFileSync(f, 'utf8');
    // CommonJS bundles load modules with require() and import() only (the ES-module pattern of
    // bareImports would read flag tables such as `key: "from", long: …` as imports).
    // The vendor bundles are third-party code whose comments name modules (`import('../../types/…')`
    // in JSDoc): esbuild itself fails the build on any import it cannot bundle there.
    const vendor = f.startsWith(`${BIN_DIR}vendor/`);
    const loaded = vendor ? [] : [...text.matchAll(/\b(?:require|import)\(["']([^"']+)["']\)/g)].map((m) => m[1]!);
    if (!vendor) assert.ok(loaded.length > 0, `${f} loads nothing`);
    for (const spec of loaded.filter((s) => !s.startsWith('.'))) {
      const name = packageOf(spec);
      if (spec.startsWith('node:') || builtins.has(spec)) continue;
      // Left in node_modules on purpose: native code, optional drivers, the page's build tool.
      assert.ok(BUNDLE_EXTERNAL.includes(name), `${f} loads ${spec} from node_modules instead of bundling it`);
      assert.ok(name in tools.dependencies || name === 'esbuild' || name === 'pg-native', `${f}: ${name} undeclared`);
    }
    for (const spec of loaded.filter((s) => s.startsWith('.'))) {
      const target = join(f, '..', spec);
      assert.match(target, /^dist\/bin\/vendor\/[^/]+\.cjs$/, `${f} requires ${spec}: not a vendor bundle`);
      assert.ok(files.has(target), `${f} requires ${spec}, which the tools package does not ship`);
    }
    assert.ok(!text.includes(INTERNAL), `${f} loads library modules instead of inlining them`);
    // A linked map with the sources inside (the package ships no src/): --enable-source-maps works.
    const map = `${f}.map`;
    assert.ok(files.has(map), `${map} is not packed`);
    assert.match(text, new RegExp(`//# sourceMappingURL=${basename(map).replace(/\./g, '\\.')}\n?$`));
    const { sources, sourcesContent } = JSON.parse(readFileSync(map, 'utf8')) as {
      sources: string[];
      sourcesContent?: Array<string | null>;
    };
    assert.ok(sources.length > 0 && sourcesContent?.length === sources.length && !sourcesContent.includes(null), map);
  }
  assert.ok(
    bundles.some((f) => f.startsWith(`${BIN_DIR}vendor/`)),
    'no vendor bundle',
  );
});

test('every bin is a node script that answers --help with exit 0', () => {
  assert.ok(existsSync('dist/bin/esmond-ps-get.js'), BUILT);
  assert.equal(Object.keys(tools.bin ?? {}).length, 10);
  for (const [name, path] of Object.entries(tools.bin ?? {})) {
    assert.match(readFileSync(path, 'utf8'), /^#!\/usr\/bin\/env node\n/, `${name} has no node shebang`);
    const r = spawnSync(process.execPath, [path, '--help'], { encoding: 'utf8' });
    assert.equal(r.status, 0, `${name} --help: ${r.stderr}`);
    assert.match(r.stdout, /usage/i, `${name} --help printed no usage`);
  }
});
