/**
 * Golden files of CLI output (test/golden): compare, or write them with UPDATE_GOLDEN=1 after a
 * deliberate change.
 * @module
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const GOLDEN = join(process.cwd(), 'test', 'golden');

/** Compares `actual` with `test/golden/<file>` (writes it instead under UPDATE_GOLDEN). */
export function checkGolden(file: string, actual: string): void {
  const path = join(GOLDEN, file);
  if (process.env.UPDATE_GOLDEN) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, actual);
    return;
  }
  assert.ok(existsSync(path), `golden file ${file} missing (run with UPDATE_GOLDEN=1)`);
  assert.equal(actual, readFileSync(path, 'utf8'), file);
}
