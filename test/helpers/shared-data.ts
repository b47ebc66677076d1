/**
 * Where the project's shared reference data lives: `shared/` beside the repository (as laid out
 * for developers and CI), or `$ESMOND_SHARED` when set. Holds the upstream esmond fixtures and
 * series, pScheduler results and archiver vectors, and the bwctl/GridFTP samples.
 * @module
 */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The `shared/` folder. */
export const SHARED_DIR = process.env['ESMOND_SHARED'] ?? join(repoRoot, '..', 'shared');
/** `shared/data`. */
export const SHARED_DATA = process.env['ESMOND_SHARED_DATA'] ?? join(SHARED_DIR, 'data');
/** `shared/samples` (bwctl and GridFTP inputs). */
export const SHARED_SAMPLES = join(SHARED_DIR, 'samples');
