/**
 * JSON for tests as `unknown`, not `any`: `JSON.parse` would let a test read anything without
 * the type checker noticing. A test states the shape it expects with `as`; its own assertions
 * are what check it.
 */
import { readFileSync } from 'node:fs';

/** `text` parsed. */
export function parseJson(text: string): unknown {
  return JSON.parse(text);
}

/** The JSON file at `path` parsed. */
export function readJson(path: string): unknown {
  return parseJson(readFileSync(path, 'utf8'));
}
