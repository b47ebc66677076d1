#!/usr/bin/env node
// Bundles the web page (src/web/main.ts + uPlot + CSS) into dist/web/app.js and app.css with
// esbuild, so the installed package serves it without a CDN or a network. Same settings as the
// in-memory build src/pictures/assets.ts does when run from the sources.
import { build } from 'esbuild';
import { mkdirSync } from 'node:fs';

mkdirSync('dist/web', { recursive: true });
await build({
  bundle: true,
  format: 'iife',
  target: 'es2020',
  minify: true,
  legalComments: 'none',
  entryPoints: ['src/web/main.ts'],
  outdir: 'dist/web',
  entryNames: 'app',
});
