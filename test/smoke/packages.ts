/**
 * What both package tests know of the two packages: where they are, their manifests, and what a
 * library user must never get.
 * @module
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The repository root: the esmond-ps-tools package. */
export const ROOT = resolve(import.meta.dirname, '..', '..');
/** The lean library package. */
export const LIB = join(ROOT, 'packages', 'esmond-client');

/** The members of a package.json the tests read. */
export interface Manifest {
  name: string;
  version: string;
  bin?: Record<string, string>;
  dependencies: Record<string, string>;
  workspaces?: string[];
  bundleDependencies?: string[];
}

/** The package.json of the package in `dir`. */
export function readManifest(dir: string): Manifest {
  return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest;
}

/** What a library user must not get: the CLI's, the archive's and the pictures' dependencies. */
export const HEAVY = [
  'better-sqlite3',
  'pg',
  'chrono-node',
  'commander',
  'cli-progress',
  'pino',
  'proxy-addr',
  'lossless-json',
  '@resvg/resvg-js',
  'asciichart',
  'uplot',
  'playwright-core',
];
