#!/usr/bin/env node
// After the tools' `tsc` (which compiles all of src/, library layers included) and their
// prune-declarations: makes the tools package depend on the library package instead of shipping a
// second copy of it. Every module of dist/ that the library package also built
// (packages/esmond-client/dist, compiled from the same sources by its own build) is deleted here,
// and every relative import of one becomes `esmond-client/internal/<path>`, a subpath the library
// exports for the tools of the same version only. Declarations follow the same rule where the
// library ships the declaration (its public entry points reach it); a library type that only the
// tools' API names (e.g. the pScheduler mapper's options in the archive's ingest) keeps its
// declaration in the tools package: types only, no second copy of any code.
// Usage: node scripts/link-library.mjs [toolsDist] [libraryDist]   (after build:lib, tsc, pruning)
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

/** The subpath of the library package that exports its modules to the tools. */
export const INTERNAL = 'esmond-client/internal/';

/** Every file under `dir`, as paths relative to it with `/` separators. */
function files(dir, base = dir) {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return files(p, base);
    return [relative(base, p).split(sep).join('/')];
  });
}

/** Relative module specifiers: `from '…'`, `import('…')`, `require('…')`, `import '…'`. */
const SPECIFIER = /(\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|\bimport\s+)(["'])(\.{1,2}\/[^"']+)\2/g;

/** Rewrites `toolsDist` against `libDist`; returns what it did. */
export function linkLibrary(toolsDist, libDist) {
  if (!existsSync(join(libDist, 'index.js'))) throw new Error(`${libDist} is not built: run npm run build:lib first`);
  const library = new Set(files(libDist));
  const isLibraryModule = (rel) => library.has(rel) && /\.c?js$/.test(rel);
  const tools = files(toolsDist);
  let rewritten = 0;
  let removed = 0;
  for (const rel of tools) {
    const declaration = /\.d\.c?ts$/.test(rel);
    const moduleOf = rel.replace(/\.d\.ts$/, '.js').replace(/\.d\.cts$/, '.cjs');
    if (isLibraryModule(moduleOf) && (!declaration || library.has(rel))) {
      rmSync(join(toolsDist, rel));
      removed++;
      continue;
    }
    if (!declaration && !/\.c?js$/.test(rel)) continue;
    const file = join(toolsDist, rel);
    const text = readFileSync(file, 'utf8');
    const out = text.replace(SPECIFIER, (whole, lead, quote, spec) => {
      const target = relative(toolsDist, resolve(dirname(file), spec))
        .split(sep)
        .join('/');
      if (!isLibraryModule(target)) return whole;
      if (declaration && !library.has(target.replace(/\.js$/, '.d.ts').replace(/\.cjs$/, '.d.cts'))) return whole;
      return `${lead}${quote}${INTERNAL}${target}${quote}`;
    });
    if (out !== text) {
      writeFileSync(file, out);
      rewritten++;
    }
  }
  return { rewritten, removed };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const toolsDist = resolve(process.argv[2] ?? 'dist');
  const libDist = resolve(process.argv[3] ?? 'packages/esmond-client/dist');
  try {
    const { rewritten, removed } = linkLibrary(toolsDist, libDist);
    console.log(
      `link-library: ${removed} library files left to esmond-client, imports rewritten in ${rewritten} files`,
    );
  } catch (e) {
    console.error(`link-library: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  }
}
