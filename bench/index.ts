/**
 * Benchmark runner: imports every `bench/*.bench.ts` (default export
 * `async (report: (line: string) => void) => void`) and runs them one after another, so they
 * never compete for the CPU. Never part of the test suite.
 *
 *   npm run bench                 # all benchmarks
 *   npm run bench -- archive      # only files whose name contains "archive"
 * @module
 */
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The shape every bench file exports. */
export type Bench = (report: (line: string) => void) => Promise<void>;

const here = dirname(fileURLToPath(import.meta.url));
const filters = process.argv.slice(2).filter((a) => a !== '--');
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)))
  .sort();

if (files.length === 0) {
  console.error(filters.length === 0 ? 'no bench/*.bench.ts files' : `no benchmark matches ${filters.join(', ')}`);
  process.exit(1);
}

let failed = 0;
for (const file of files) {
  const name = file.replace(/\.bench\.ts$/, '');
  const began = performance.now();
  console.log(`# ${name}`);
  try {
    const mod = (await import(pathToFileURL(join(here, file)).href)) as { default?: unknown };
    if (typeof mod.default !== 'function') throw new Error(`${file} has no default export function`);
    await (mod.default as Bench)((line) => {
      console.log(line);
    });
    console.log(`# ${name} done in ${((performance.now() - began) / 1000).toFixed(1)} s`);
  } catch (err) {
    failed++;
    console.error(`# ${name} FAILED: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  }
}
process.exit(failed === 0 ? 0 : 1);
