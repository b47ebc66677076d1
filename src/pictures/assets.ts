/**
 * The page's script and stylesheet. A built package carries them prebuilt (`dist/web/`, made
 * by `scripts/build-web.mjs` with esbuild, uPlot included: no CDN, works offline); run from the
 * sources (tests, `tsx`), they are bundled in memory with the same esbuild settings on first use.
 * @module
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

/** The bundled page. */
export interface PageAssets {
  js: string;
  css: string;
}

/** esbuild settings shared with `scripts/build-web.mjs`. */
export const WEB_BUILD = {
  bundle: true,
  format: 'iife',
  target: 'es2020',
  minify: true,
  legalComments: 'none',
} as const;

let cached: Promise<PageAssets> | undefined;

/** Loads (or builds, once per process) the page's assets. */
export function loadPageAssets(): Promise<PageAssets> {
  cached ??= load().catch((err: unknown) => {
    cached = undefined;
    throw err;
  });
  return cached;
}

async function load(): Promise<PageAssets> {
  const built = new URL('../web/', import.meta.url);
  try {
    const [js, css] = await Promise.all([
      readFile(new URL('app.js', built), 'utf8'),
      readFile(new URL('app.css', built), 'utf8'),
    ]);
    return { js, css };
  } catch {
    return buildFromSources(fileURLToPath(new URL('main.ts', built)));
  }
}

async function buildFromSources(entry: string): Promise<PageAssets> {
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    ...WEB_BUILD,
    entryPoints: [entry],
    outdir: 'out',
    write: false,
    entryNames: 'app',
  });
  const text = (ext: string): string => result.outputFiles.find((f) => f.path.endsWith(ext))?.text ?? '';
  return { js: text('.js'), css: text('.css') };
}
