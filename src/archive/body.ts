/**
 * Request bodies of the embedded archive: size-limited reading and the two flavours of JSON
 * checks esmond has (DRF's parser for metadata POST, archive-api.md: Writing; the hand-written checks of the data
 * writes, archive-api.md: Writing).
 * @module
 */
import type { IncomingMessage } from 'node:http';
import { parse as parseLossless } from 'lossless-json';
import { PyFloat } from '../model/py-float.js';
import { ApiError } from './types.js';

/** Deepest nesting of arrays and objects a body may have (real bodies nest a few levels). */
export const MAX_JSON_DEPTH = 64;

/**
 * How numbers of a body are read. `data`: integers past 2^53 become BigInts (exact to 64 bits);
 * `metadata` also keeps floats as {@link PyFloat}, so a parameter posted as `20.0` is stored as
 * esmond stores it, `"20.0"`.
 */
type NumberMode = 'data' | 'metadata';

const INTEGER = /^-?\d+$/;

function numberOf(mode: NumberMode): (text: string) => unknown {
  return (text) => {
    if (INTEGER.test(text)) {
      const n = Number(text);
      return Number.isSafeInteger(n) ? n : BigInt(text);
    }
    return mode === 'metadata' ? new PyFloat(Number(text)) : Number(text);
  };
}

/**
 * Parses JSON text (syntax errors are `JSON.parse`'s, with its messages), keeps numbers as
 * {@link NumberMode} says, and refuses what no archive should store: strings (keys too) that are
 * not valid Unicode (a lone surrogate cannot be stored as UTF-8, nor found again by its value),
 * and nesting deeper than {@link MAX_JSON_DEPTH}.
 */
function parseJsonText(text: string, mode: NumberMode): unknown {
  const value = JSON.parse(text) as unknown;
  // Decoded UTF-8 holds no lone surrogate: only a `\uD800`-`\uDFFF` escape can make one.
  const unsafe = checkJsonValue(value, SURROGATE_ESCAPE.test(text));
  // An integer literal past 2^53 parses to a number past it, so without one JSON.parse already
  // gave every number exactly as the slower lossless parse would (which it then equals).
  if (mode === 'data' && !unsafe) return value;
  // Last duplicate key wins, as JSON.parse and Python's json do.
  return parseLossless(text, null, { parseNumber: numberOf(mode), onDuplicateKey: ({ newValue }) => newValue });
}

/** A lone UTF-16 surrogate: not a Unicode scalar value. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** A JSON escape of a surrogate code unit (or text that looks like one, such as `\\ud800`). */
const SURROGATE_ESCAPE = /\\u[dD][89a-fA-F]/;

/**
 * The checks of {@link parseJsonText}: nesting, and with `strings` every string and key for lone
 * surrogates. Recursion stops at {@link MAX_JSON_DEPTH}, so a hostile nesting cannot overflow
 * the stack; a walk without allocations, since it sees every value of every bulk write. True
 * when some number is past 2^53 (not every integer up to it is exact).
 */
function checkJsonValue(value: unknown, strings: boolean, depth = 0): boolean {
  if (typeof value === 'number') return value > Number.MAX_SAFE_INTEGER || value < -Number.MAX_SAFE_INTEGER;
  if (typeof value === 'string') {
    if (strings && LONE_SURROGATE.test(value))
      throw new ApiError(400, 'Strings must be valid Unicode (a lone surrogate was sent).');
    return false;
  }
  if (typeof value !== 'object' || value === null) return false;
  if (depth >= MAX_JSON_DEPTH) throw new ApiError(400, `JSON nested deeper than ${MAX_JSON_DEPTH} levels.`);
  let unsafe = false;
  if (Array.isArray(value)) {
    for (const v of value as unknown[]) if (checkJsonValue(v, strings, depth + 1)) unsafe = true;
    return unsafe;
  }
  const object = value as Record<string, unknown>;
  for (const key in object) {
    if (strings) checkJsonValue(key, strings, depth + 1);
    if (checkJsonValue(object[key], strings, depth + 1)) unsafe = true;
  }
  return unsafe;
}

/** Default request body limit: 64 MiB, far above any real bulk write. */
export const DEFAULT_MAX_BODY_BYTES = 64 * 1024 * 1024;

/** The 413 answer; the connection is closed because the rest of the body is not read. */
function tooLarge(limit: number): ApiError {
  return new ApiError(413, `Request body exceeds the limit of ${limit} bytes.`, { Connection: 'close' });
}

/**
 * The client closed the connection (or was cut by a timeout) before its request body arrived:
 * nothing to answer and nothing wrong with the server, so it is logged as one plain line.
 */
export class ClientAbortError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'ClientAbortError';
  }
}

/**
 * Reads the whole body, refusing more than `limit` bytes (checked on `Content-Length` first, so
 * an honest oversized request is refused before any byte is buffered).
 */
export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) throw tooLarge(limit);
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > limit) throw tooLarge(limit);
      chunks.push(chunk);
    }
  } catch (err) {
    if (err instanceof ApiError) throw err;
    throw new ClientAbortError(err instanceof Error ? err.message : String(err));
  }
  return Buffer.concat(chunks, size);
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function decodeText(body: Buffer): string | undefined {
  try {
    return utf8.decode(body);
  } catch {
    return undefined;
  }
}

/** The media type of a `Content-Type` value: lowercased, parameters dropped. */
export function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

/**
 * DRF-style parsing for metadata create (archive-api.md: Writing): 415 for a non-JSON media type (or none), 400
 * `JSON parse error - …` for malformed JSON. An empty JSON body parses as `{}`, as DRF does, so
 * the service answers with its "Missing …" message.
 */
export function parseDrfJson(contentType: string | undefined, body: Buffer, mode: NumberMode = 'data'): unknown {
  if (mediaType(contentType) !== 'application/json') {
    throw new ApiError(415, `Unsupported media type "${contentType ?? ''}" in request.`);
  }
  if (body.length === 0) return {};
  const text = decodeText(body);
  if (text === undefined) throw new ApiError(400, 'JSON parse error - body is not valid UTF-8');
  try {
    return parseJsonText(text, mode);
  } catch (err) {
    if (err instanceof ApiError) throw err;
    throw new ApiError(400, `JSON parse error - ${(err as Error).message}`);
  }
}

/** How much of a bad body the 400 message echoes (esmond echoes all of it; a 64 MiB echo helps nobody). */
const ECHO_LIMIT = 1024;

/** Whether a data write's `Content-Type` is JSON as esmond checks it: starting with `application/json`. */
export function isDataContentType(contentType: string | undefined): boolean {
  return (contentType ?? '').trim().toLowerCase().startsWith('application/json');
}

/**
 * The data-write checks of archive-api.md: Writing steps 2–4: content type starting with `application/json`, a
 * non-empty body, valid JSON. The echoed body is cut at {@link ECHO_LIMIT} characters.
 */
export function parseDataJson(contentType: string | undefined, body: Buffer): unknown {
  if (!isDataContentType(contentType)) {
    throw new ApiError(400, 'Must post content-type: application/json header and json-formatted payload.');
  }
  if (body.length === 0) throw new ApiError(400, 'No data payload POSTed.');
  const text = decodeText(body);
  try {
    if (text === undefined) throw new Error('not UTF-8');
    return parseJsonText(text, 'data');
  } catch (err) {
    if (err instanceof ApiError) throw err;
    const given = text ?? body.toString('latin1');
    const echo = given.length > ECHO_LIMIT ? `${given.slice(0, ECHO_LIMIT)}…` : given;
    throw new ApiError(400, `POST data payload could not be decoded to a JSON object - given: ${echo}`);
  }
}
