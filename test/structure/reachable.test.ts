// Test-only code stays out of src/: every source file is reached by imports from an entry point
// (the package's two entries, the bins, the page's script). A module only tests import belongs
// under test/ (fixtures loaders, reproductions of other programs' behaviour).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const SRC = resolve(import.meta.dirname, '..', '..', 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return sourceFiles(p);
    return /\.(ts|cts|mts)$/.test(name) && !/\.d\.c?ts$/.test(name) ? [p] : [];
  });
}

/** Relative specifiers a file imports (static, re-exports, dynamic `import()`), as .ts paths. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specs = [
    ...text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|\brequire\s*\(\s*)['"](\.{1,2}\/[^'"]+)['"]/g),
  ].map((m) => m[1]!);
  return specs.map((s) =>
    resolve(
      dirname(file),
      s.replace(/\.c?js$/, (x) => (x === '.cjs' ? '.cts' : '.ts')),
    ),
  );
}

test('every file of src/ is reachable from an entry point', () => {
  const files = sourceFiles(SRC);
  const entries = files.filter((f) => {
    const rel = relative(SRC, f);
    return (
      rel === 'index.ts' ||
      rel === 'index.cts' ||
      rel === 'archive/index.ts' ||
      rel.startsWith('bin/') ||
      rel === 'web/main.ts'
    );
  });
  const seen = new Set<string>();
  const todo = [...entries];
  while (todo.length > 0) {
    const f = todo.pop()!;
    if (seen.has(f)) continue;
    seen.add(f);
    todo.push(...importsOf(f));
  }
  assert.deepEqual(
    files.filter((f) => !seen.has(f)).map((f) => relative(SRC, f)),
    [],
  );
});
