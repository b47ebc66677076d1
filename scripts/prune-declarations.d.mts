/** Declarations of prune-declarations.mjs, for the package test. */
/** The declaration files reachable from `entries` (absolute paths). */
export function reachableDeclarations(entries: readonly string[]): Set<string>;
/** Type entry points named in `root`/package.json "exports" (absolute paths). */
export function typeEntries(root: string): string[];
