#!/usr/bin/env node
// Bundles each bin (src/bin/*.ts) into one file, dist/bin/<name>.bundle.js, with esbuild, so a tool
// starts by compiling one file instead of resolving and loading some fifty ES modules, and
// loads its heavy parts only on the path that needs them:
// * CommonJS output (dist/bin/package.json says so): esbuild turns every `import` into a
//   `require()` where the importing module first runs, so a module reached through `await
//   import()` (the client and undici, the date parser and chrono-node) costs nothing until then.
//   ES-module output would hoist every import of a package left outside the bundle to the top.
// * The library's modules (model, http, query, post) are inlined like the rest of src/: the bins
//   are programs, nothing of theirs is shared with another copy of the library, and loading the
//   library's modules one by one from node_modules/esmond-client is the start-up cost this removes.
//   dist/archive (the `esmond-ps-tools/archive` API) still uses esmond-client (link-library.mjs).
// * The big pure-JS packages are bundled once each into dist/bin/vendor/*.cjs, shared by every
//   bin and required on first use (undici through scripts/undici-lean.mjs: Agent and request only).
// * Native and optional packages stay in node_modules (better-sqlite3, @resvg/resvg-js, pg,
//   esbuild), required on first use; the other dependencies are inlined.
// * Each bin is a stub, dist/bin/<name>.js (scripts/bin-stub.cjs), that runs its bundle,
//   <name>.bundle.js, compiled from a V8 code cache the build writes beside it with the node that
//   runs the build, <name>.bundle.<hash>.v8cache: parsing and compiling the bundle was most of
//   what a tool's start adds to a bare node. The stub explains when the cache is not used.
// * Every file is ASCII: one other character (esbuild keeps them in comments and regular
//   expressions) makes V8 hold the whole file as two-byte text (escapeNonAscii).
// Linked source maps (with the sources inside, since the package ships no src/): run a tool with
// `node --enable-source-maps` for stack traces in src/*.ts.
// Usage: node scripts/build-bins.mjs [outDir]   (after tsc, which it overwrites in dist/bin)
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');

/** Packages bundled on their own into vendor/<file>, each loaded by the first module needing it. */
export const VENDOR = {
  undici: { file: 'undici.cjs', entry: join(root, 'scripts', 'undici-lean.mjs') },
  'chrono-node/en': { file: 'chrono-node-en.cjs', entry: 'chrono-node/en' },
};

/** Left in node_modules: native code, optional drivers, the build tool itself. */
export const EXTERNAL = ['better-sqlite3', '@resvg/resvg-js', 'pg', 'pg-native', 'esbuild'];

const COMMON = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: 'linked',
  sourcesContent: true,
  logLevel: 'warning',
  legalComments: 'inline',
};

/**
 * undici's client.js requires its HTTP/2 module (and with it node:http2 and node:tls, some 10 ms
 * of a start) at the top, though only a TLS connection that negotiated h2 ever uses it: the
 * vendor bundle requires it on that first use. The build fails if undici's line changes.
 */
const lazyHttp2 = {
  name: 'lazy-http2',
  setup(b) {
    b.onLoad({ filter: /undici[\\/]lib[\\/]dispatcher[\\/]client\.js$/ }, (args) => {
      const eager = "const connectH2 = require('./client-h2.js')";
      const text = readFileSync(args.path, 'utf8');
      if (!text.includes(eager)) throw new Error(`${args.path}: no "${eager}" to make lazy`);
      return {
        contents: text.replace(
          eager,
          "const connectH2 = (client, socket) => require('./client-h2.js')(client, socket)",
        ),
        loader: 'js',
      };
    });
  },
};

/** Builds the bins and their vendor files into `outDir`; returns the files written. */
export async function buildBins(outDir) {
  const entries = readdirSync(join(root, 'src', 'bin'))
    .filter((f) => f.endsWith('.ts'))
    .map((f) => join(root, 'src', 'bin', f));
  // tsc's ES-module shims (and anything older) go: the bundles replace them.
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'package.json'), '{ "type": "commonjs" }\n');
  const vendorFilter = new RegExp(
    `^(${Object.keys(VENDOR)
      .map((n) => n.replace(/[/.-]/g, '\\$&'))
      .join('|')})$`,
  );
  const bins = await build({
    ...COMMON,
    // <name>.bundle.js: <name>.js is the stub that runs it (writeStubs).
    entryPoints: Object.fromEntries(entries.map((e) => [`${basename(e, '.ts')}${BUNDLE_SUFFIX}`, e])),
    outdir: outDir,
    // import() as require(): the stub compiles a bundle through node:vm, where import() would
    // need a loader of its own; every package a bundle loads that way is CommonJS.
    supported: { 'dynamic-import': false },
    external: EXTERNAL,
    // src/pictures/assets.ts finds the built page next to its own module (dist/bin/../web/).
    define: { 'import.meta.url': '__bundle_url' },
    // "use strict" first: a banner before esbuild's own directive would leave the bundle sloppy.
    banner: { js: `'use strict';\nconst __bundle_url = require('node:url').pathToFileURL(__filename).href;` },
    plugins: [
      {
        name: 'vendor',
        setup(b) {
          b.onResolve({ filter: vendorFilter }, (args) => ({
            path: `./vendor/${VENDOR[args.path].file}`,
            external: true,
          }));
        },
      },
    ],
    metafile: true,
  });
  const vendor = await build({
    ...COMMON,
    entryPoints: Object.fromEntries(Object.values(VENDOR).map((v) => [v.file.replace(/\.cjs$/, ''), v.entry])),
    outdir: join(outDir, 'vendor'),
    outExtension: { '.js': '.cjs' },
    external: EXTERNAL,
    plugins: [lazyHttp2],
    metafile: true,
  });
  const built = [...Object.keys(bins.metafile.outputs), ...Object.keys(vendor.metafile.outputs)].filter(
    (f) => !f.endsWith('.map'),
  );
  for (const f of built) escapeNonAscii(f);
  const bundles = Object.keys(bins.metafile.outputs).filter((f) => f.endsWith(`${BUNDLE_SUFFIX}.js`));
  const stubs = writeStubs(bundles);
  return [...built, ...stubs, ...writeCodeCaches(stubs)];
}

/** What a bin's bundle is called after its name: `<name>.bundle.js`, run by `<name>.js`. */
const BUNDLE_SUFFIX = '.bundle';

/**
 * Replaces each non-ASCII character left in a built file by its `\\uXXXX` escape. esbuild escapes
 * them in strings and names but keeps them in comments and regular expressions, where the escape
 * means the same. One such character makes V8 hold the whole file as two-byte text, twice the
 * memory to read and scan. (A column after one on the same line moves in the source map.)
 */
function escapeNonAscii(file) {
  const text = readFileSync(file, 'utf8');
  const ascii = text.replace(/[^\0-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  if (ascii !== text) writeFileSync(file, ascii);
}

/**
 * `<name>.js` for each `<name>.bundle.js`: scripts/bin-stub.cjs with the bundle's file name and
 * hash filled in. The bundle's `#!` line becomes a comment: the stub is the script, and the
 * bundle is compiled as a function body, where `#!` is not allowed.
 */
function writeStubs(bundles) {
  const template = readFileSync(join(root, 'scripts', 'bin-stub.cjs'), 'utf8');
  return bundles.map((file) => {
    const text = readFileSync(file, 'utf8');
    const source = text.startsWith('#!') ? `//${text.slice(2)}` : text;
    writeFileSync(file, source);
    const key = createHash('sha256').update(source).digest('hex').slice(0, 16);
    const stub = fill(fill(template, 'BUNDLE', basename(file)), 'KEY', key);
    const out = file.replace(new RegExp(`${BUNDLE_SUFFIX.replace('.', '\\.')}\\.js$`), '.js');
    writeFileSync(out, stub, { mode: 0o755 });
    return out;
  });
}

/** `template` with the string constant `name` set to `value`; throws if the template lacks it. */
function fill(template, name, value) {
  const line = new RegExp(`^const ${name} = '[^']*';$`, 'm');
  if (!line.test(template)) throw new Error(`scripts/bin-stub.cjs: no "const ${name} = '…';" line to fill`);
  return template.replace(line, `const ${name} = '${value}';`);
}

/** Each stub's code cache, made by a node of the same version as this build's (the one running it). */
function writeCodeCaches(stubs) {
  const r = spawnSync(
    process.execPath,
    [
      '-e',
      'for (const s of process.argv.slice(1)) console.log(require(s).writeCache());',
      ...stubs.map((s) => resolve(s)),
    ],
    { encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(`code caches: ${r.stderr || `exit ${r.status}`}`);
  return r.stdout.trim().split('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const outDir = resolve(process.argv[2] ?? join(root, 'dist', 'bin'));
  try {
    const files = await buildBins(outDir);
    console.log(`build-bins: ${files.length} files in ${relative(root, outDir)} (bins and vendor bundles)`);
  } catch (e) {
    console.error(`build-bins: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  }
}
