#!/usr/bin/env node
// After `tsc`: removes from dist/ every .d.ts that no entry point's types reach (the CLI's, the
// loaders' …), so the package documents its public API only. Entry points: package.json "exports".
// Usage: node scripts/prune-declarations.mjs [distDir]   (prints what it removed)
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/** Every .d.ts / .d.cts under `dir`. */
function declarations(dir) {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return declarations(p);
    return /\.d\.c?ts$/.test(name) ? [p] : [];
  });
}

/** The declaration files reachable from `entries` through relative imports, exports and import() types. */
export function reachableDeclarations(entries) {
  const seen = new Set();
  const todo = entries.map((e) => resolve(e));
  while (todo.length > 0) {
    const file = todo.pop();
    if (seen.has(file)) continue;
    seen.add(file);
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(
      /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|\bimport\s+)["'](\.{1,2}\/[^"']+)["']/g,
    )) {
      const target = resolve(dirname(file), m[1]).replace(/\.c?js$/, (ext) => (ext === '.cjs' ? '.d.cts' : '.d.ts'));
      todo.push(target);
    }
  }
  return seen;
}

/** Type entry points named in package.json "exports" (subpath patterns such as `./internal/*.js` name none). */
export function typeEntries(root) {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const out = [];
  const walk = (v) => {
    if (typeof v === 'string') {
      if (/\.d\.c?ts$/.test(v) && !v.includes('*')) out.push(join(root, v));
    } else if (v !== null && typeof v === 'object') for (const x of Object.values(v)) walk(x);
  };
  walk(pkg.exports);
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const root = process.cwd();
  const dist = resolve(process.argv[2] ?? 'dist');
  const keep = reachableDeclarations(typeEntries(root));
  let removed = 0;
  for (const f of declarations(dist)) {
    if (!keep.has(f)) {
      rmSync(f);
      removed++;
    }
  }
  console.log(
    `prune-declarations: kept ${keep.size} .d.ts reachable from the exports, removed ${removed} (${relative(root, dist)})`,
  );
}
