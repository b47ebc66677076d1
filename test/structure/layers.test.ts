// The import rules README "Layout" draws, checked on the source: each layer imports only the layers
// below it, and no module imports itself back through a cycle. A new folder under src/ must be
// given its place here (the test names it), so the drawing and the code cannot drift apart.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const SRC = resolve(import.meta.dirname, '..', '..', 'src');

/** Which top-level folders (or root files) of src/ each one may import, besides itself. */
const ALLOWED: Record<string, readonly string[]> = {
  model: [],
  http: ['model', 'util'],
  format: ['model', 'util'],
  post: ['model', 'http', 'util'],
  // The OpenSearch backend (query/opensearch) maps documents with the pScheduler mapping in model/pscheduler, as the archive does.
  query: ['model', 'http', 'post', 'util'],
  bulk: ['model', 'http', 'query', 'format', 'util'],
  loaders: ['model', 'http', 'query', 'post', 'util'],
  // The archive shares only the model with the clients (wire types, summaries, the pScheduler mapping), plus util/.
  archive: ['model', 'util'],
  // Server side of the pictures (mesh summary, metrics, the page's assets, the read-only proxy,
  // SVG and terminal charts): a client of the archive API like the tools, sharing the page's pure types and colouring from web/.
  pictures: ['model', 'http', 'query', 'format', 'web', 'util'],
  // Browser code, plus the pure mesh types, health rules and value readers it shares with pictures/.
  web: ['model'],
  // Node-side helpers every layer but the browser's shares (timeout, pool, DNS, atomic writes): nothing of ours.
  util: [],
  // createClient: the choice between the backends of query/ (esmond, OpenSearch, auto), above them.
  'client.ts': ['query'],
  'index.ts': ['model', 'http', 'query', 'post', 'format', 'bulk', 'util', 'client.ts'],
  cli: [
    'model',
    'http',
    'query',
    'post',
    'format',
    'bulk',
    'loaders',
    'archive',
    'web',
    'pictures',
    'index.ts',
    'client.ts',
    'util',
  ],
  bin: ['cli'],
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return sourceFiles(p);
    return /\.(ts|tsx|mts)$/.test(name) && !name.endsWith('.d.ts') ? [p] : [];
  });
}

/** Relative specifiers a file imports (static, re-exports and dynamic `import()`), resolved to .ts paths. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specs = [...text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)['"](\.{1,2}\/[^'"]+)['"]/g)].map(
    (m) => m[1]!,
  );
  return specs.map((s) => resolve(dirname(file), s.replace(/\.js$/, '.ts')));
}

const layerOf = (file: string): string => {
  const rel = relative(SRC, file);
  return rel.includes('/') ? rel.split('/')[0]! : rel;
};

const files = sourceFiles(SRC);
const graph = new Map(files.map((f) => [f, importsOf(f)]));

describe('source layers (README "Layout")', () => {
  test('every folder of src/ has a place in the layer table', () => {
    const unknown = [...new Set(files.map(layerOf))].filter((l) => !(l in ALLOWED) && !l.endsWith('.ts'));
    assert.deepEqual(unknown, []);
  });

  test('no import crosses the layers', () => {
    const wrong: string[] = [];
    for (const [file, deps] of graph) {
      const from = layerOf(file);
      const allowed = ALLOWED[from] ?? [];
      for (const dep of deps) {
        const to = layerOf(dep);
        if (to === from) continue;
        const relDep = relative(SRC, dep);
        if (!allowed.some((a) => a === to || a === relDep || relDep.startsWith(`${a}/`)))
          wrong.push(`${relative(SRC, file)} -> ${relDep}`);
      }
    }
    assert.deepEqual(wrong, []);
  });

  test('no import cycle between modules', () => {
    const state = new Map<string, 'open' | 'done'>();
    const cycles: string[] = [];
    const visit = (f: string, path: string[]): void => {
      if (state.get(f) === 'done') return;
      if (state.get(f) === 'open') {
        cycles.push([...path.slice(path.indexOf(f)), f].map((p) => relative(SRC, p)).join(' -> '));
        return;
      }
      state.set(f, 'open');
      for (const d of graph.get(f) ?? []) if (graph.has(d)) visit(d, [...path, f]);
      state.set(f, 'done');
    };
    for (const f of graph.keys()) visit(f, []);
    assert.deepEqual(cycles, []);
  });
});
