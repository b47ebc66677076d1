// A clone must run its tests, benchmarks and scripts with nothing beside it: no file of ours may
// reach for the developers' reference folder next to the repository or the variable that used to
// point at it. (The needles are assembled so that this file does not match itself.)
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const ROOT = join(import.meta.dirname, '..');
const NEEDLES = ['..' + '/shared', 'ESMOND' + '_SHARED', "'..', " + "'shared'"];
const SCANNED = ['src', 'test', 'bench', 'scripts', '.ci'];
const CODE = /\.(ts|mts|cts|js|mjs|cjs|json|sh)$|^run$/;

function* files(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) {
      if (name !== 'fixtures' && name !== 'golden' && name !== 'node_modules') yield* files(p);
    } else if (CODE.test(name)) yield p;
  }
}

/** Every code file below the SCANNED folders that exist in this checkout. */
function* scannedFiles(): Generator<string> {
  for (const top of SCANNED) {
    let exists = true;
    try {
      statSync(join(ROOT, top));
    } catch {
      exists = false;
    }
    if (exists) yield* files(join(ROOT, top));
  }
}

describe('the repository is self-contained', () => {
  test('no source, test, bench or script file reads the reference folder beside the repository', () => {
    const hits: string[] = [];
    for (const f of scannedFiles()) {
      const text = readFileSync(f, 'utf8');
      for (const n of NEEDLES) if (text.includes(n)) hits.push(`${relative(ROOT, f)}: ${n}`);
    }
    assert.deepEqual(hits, []);
  });

  test('comments and test names explain themselves: no section numbers of outside documents, no issue or helper numbers', () => {
    // B-numbers (docs/differences.md) and R-numbers (docs/archive-api.md) point inside the repository.
    const outside = [
      new RegExp('\u00a7' + ' ?\\d'),
      new RegExp('\\b[Ii]ssue' + ' ?\\d'),
      new RegExp('\\bhelper' + ' [A-Z]\\b'),
      new RegExp('\\b' + 'OR' + 'IG' + '\\b'),
    ];
    const hits: string[] = [];
    for (const f of scannedFiles()) {
      readFileSync(f, 'utf8')
        .split('\n')
        .forEach((line, i) => {
          for (const re of outside)
            if (re.test(line)) hits.push(`${relative(ROOT, f)}:${String(i + 1)}: ${line.trim()}`);
        });
    }
    assert.deepEqual(hits, []);
  });

  test('every fixture file is listed in test/fixtures/SOURCES.md', () => {
    const fixtures = join(ROOT, 'test', 'fixtures');
    const sources = readFileSync(join(fixtures, 'SOURCES.md'), 'utf8');
    const unlisted = [
      ...(function* walk(d: string): Generator<string> {
        for (const name of readdirSync(d)) {
          const p = join(d, name);
          if (statSync(p).isDirectory()) yield* walk(p);
          else yield relative(fixtures, p);
        }
      })(fixtures),
    ].filter((f) => f !== 'SOURCES.md' && !f.startsWith('samples/') && !sources.includes(`\`${f}\``));
    assert.deepEqual(unlisted, []);
  });
});
