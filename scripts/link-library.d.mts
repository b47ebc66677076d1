/** Declarations of link-library.mjs, for the package test. */
/** The subpath of the library package that exports its modules to the tools: `esmond-client/internal/`. */
export const INTERNAL: string;
/** Rewrites the tools' dist against the library's dist (both absolute paths). */
export function linkLibrary(toolsDist: string, libDist: string): { rewritten: number; removed: number };
