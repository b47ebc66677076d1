/**
 * The one test our parsers (loaders, the OpenSearch reader) make of untyped JSON before reading members from it.
 * @module
 */

/** A parsed JSON object whose members are not checked yet. */
export type JsonObject = Record<string, unknown>;

/** A JSON object: not null, not an array (which `typeof` alone would let through). */
export function isJsonObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
