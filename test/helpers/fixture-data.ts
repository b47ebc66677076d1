/**
 * Where the reference data the tests read lives: `test/fixtures/` inside the repository (copied
 * from upstream esmond and pScheduler; origins and licences in `test/fixtures/SOURCES.md`).
 * Holds the esmond fixtures, test_data series and docs examples, pScheduler results and archiver
 * vectors, and the bwctl/GridFTP samples.
 * @module
 */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** `test/fixtures`. */
export const FIXTURE_DATA = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures');
/** `test/fixtures/samples` (bwctl and GridFTP inputs). */
export const FIXTURE_SAMPLES = join(FIXTURE_DATA, 'samples');
