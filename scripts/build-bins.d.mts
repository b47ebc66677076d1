/** Declarations of build-bins.mjs, for the package test. */
/** Packages bundled on their own into dist/bin/vendor/<file>. */
export const VENDOR: Record<string, { file: string; entry: string }>;
/** Packages the bundles leave in node_modules: native code, optional drivers, the build tool. */
export const EXTERNAL: string[];
/** Builds the bins and their vendor bundles into `outDir`; resolves to the files written. */
export function buildBins(outDir: string): Promise<string[]>;
