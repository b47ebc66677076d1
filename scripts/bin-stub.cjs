#!/usr/bin/env node
// A bin as scripts/build-bins.mjs writes it (dist/bin/<name>.js, the two constants filled in):
// it runs the bin's bundle, next to it, compiled from V8's code cache of that bundle when there
// is a usable one. Compiling a bundle from its source is most of what a tool's start adds to a
// bare `node`: V8 parses all of it, then each function again when it first runs. The cache holds
// the bytecode of every function, made by the build with the same node (writeCache).
// * The cache is found by the bundle's hash (KEY), so a rebuilt bundle never meets an old cache.
// * V8 checks the cache against its own version, its flags and the source's length, and compiles
//   from the source when it rejects it; a missing or unreadable cache file does the same.
// * With source maps on (--enable-source-maps), Node's loader runs the bundle: it maps stack
//   traces of the code it loads, not of code compiled through node:vm. Without them, stack
//   traces name the bundle's file, lines and columns as when Node loads it.
'use strict';
const BUNDLE = 'name.bundle.js';
const KEY = 'bundle-hash';

const { readFileSync } = require('node:fs');
const path = require('node:path');
const { Script } = require('node:vm');

const bundle = path.join(__dirname, BUNDLE);
const cacheFile = path.join(__dirname, `${BUNDLE.replace(/\.js$/, '')}.${KEY}.v8cache`);

/**
 * The bundle as one function of CommonJS's module arguments (Node's own wrapper).
 * @param {Buffer | undefined} cachedData
 */
function compile(cachedData) {
  const source = readFileSync(bundle, 'utf8');
  return new Script(`(function (exports, require, module, __filename, __dirname) { ${source}\n})`, {
    filename: bundle,
    cachedData,
  });
}

/** @returns {Buffer | undefined} */
function readCache() {
  try {
    return readFileSync(cacheFile);
  } catch {
    return undefined;
  }
}

/**
 * Writes the code cache of every function of the bundle (the build runs it once per bin, in a
 * process of its own): compiled eagerly, so whichever path a run takes finds its bytecode; the
 * flag is back to its default before the cache is made, as V8 keys a cache by the flags.
 */
function writeCache() {
  const { setFlagsFromString } = require('node:v8');
  const { renameSync, writeFileSync } = require('node:fs');
  setFlagsFromString('--no-lazy');
  let script;
  try {
    script = compile(undefined);
  } finally {
    setFlagsFromString('--lazy');
  }
  const temporary = `${cacheFile}.${process.pid}`;
  writeFileSync(temporary, script.createCachedData());
  renameSync(temporary, cacheFile);
  return cacheFile;
}

function run() {
  if (process.sourceMapsEnabled) {
    require(bundle);
    return;
  }
  // The script's value is the wrapper function (any to TypeScript, which reads no JSDoc cast here).
  // eslint-disable-next-line @typescript-eslint/no-unsafe-assignment
  const main = /** @type {(this: unknown, ...args: unknown[]) => void} */ (compile(readCache()).runInThisContext());
  main.call(module.exports, module.exports, require, module, bundle, __dirname);
}

if (require.main === module) run();
// Required (not run): what the build and the tests use.
else module.exports = { writeCache, compile, readCache, bundle, cacheFile };
