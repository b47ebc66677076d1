/**
 * Node.js built-ins loaded where they are first needed, not with the file that uses them. An
 * `import` at the top of a file loads the module (and what it loads) with the file, that is at
 * the start of every tool that reaches the file, `--help` included; a few, like node:http and
 * node:zlib, take milliseconds each.
 * @module
 */
import { createRequire } from 'node:module';

const load = createRequire(import.meta.url);

/** Node's node:http module. */
export const nodeHttp = (): typeof import('node:http') => load('node:http') as typeof import('node:http');

/** Node's node:zlib module. */
export const nodeZlib = (): typeof import('node:zlib') => load('node:zlib') as typeof import('node:zlib');

/** Node's node:dns/promises module. */
export const nodeDnsPromises = (): typeof import('node:dns/promises') =>
  load('node:dns/promises') as typeof import('node:dns/promises');

/**
 * A monotonic clock in ms, like `performance.now()` but without loading node:perf_hooks (which
 * the `performance` global does on first use, a few ms of a short tool run).
 */
export const monotonicMs = (): number => Number(process.hrtime.bigint()) / 1e6;
