#!/usr/bin/env node
// Bundles each bin (src/bin/*.ts) into one file, dist/bin/<name>.js, with esbuild, so a tool
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
// Linked source maps (with the sources inside, since the package ships no src/): run a tool with
// `node --enable-source-maps` for stack traces in src/*.ts.
// Usage: node scripts/build-bins.mjs [outDir]   (after tsc, which it overwrites in dist/bin)
import { build } from 'esbuild';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

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
    entryPoints: entries,
    outdir: outDir,
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
  return [...Object.keys(bins.metafile.outputs), ...Object.keys(vendor.metafile.outputs)].filter(
    (f) => !f.endsWith('.map'),
  );
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
