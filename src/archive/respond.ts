/**
 * Writing answers the way esmond does (archive-api.md: Responses): `Content-Type` exactly `application/json` (no
 * charset: the reference client compares it with `==`), compact JSON, CORS open, and data pages
 * streamed from a lazy iterator with backpressure.
 * @module
 */
import type { ServerResponse } from 'node:http';
import type { DataPage } from './types.js';
import { plainPointJson } from './point-json.js';

/** Headers every answer carries. */
export const BASE_HEADERS: Readonly<Record<string, string>> = {
  'Content-Type': 'application/json',
  'Access-Control-Allow-Origin': '*',
  Vary: 'Accept',
};

/** Sends a complete JSON answer with `Content-Length` (HEAD requests get the headers only). */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { ...BASE_HEADERS, ...headers, 'Content-Length': String(Buffer.byteLength(text)) });
  res.end(text);
}

/**
 * Chunk size of streamed data pages: big enough to amortise writes, small enough to stay flat.
 * Checked after every item: V8 places a string of 128 KiB or more in its large-object space
 * (an allocation of its own), so a socket write of a whole chunk of big points (1 000
 * statistics are about 250 KiB) costs several times what 64 KiB pieces of the same text cost.
 */
const CHUNK_CHARS = 64 * 1024;

/** Resolves true when the socket can take more, false when the client went away. */
function drained(res: ServerResponse): Promise<boolean> {
  return new Promise((resolve) => {
    const done = (ok: boolean) => {
      res.off('drain', onDrain);
      res.off('close', onClose);
      resolve(ok);
    };
    const onDrain = () => {
      done(true);
    };
    const onClose = () => {
      done(false);
    };
    res.on('drain', onDrain);
    res.on('close', onClose);
  });
}

/**
 * Streams `items` (chunks of a page, each item written by `encode`) as one JSON array, waiting for `drain` between writes so a
 * huge page never sits in memory. The first chunk is pulled before the headers go out, so an
 * error the source raises at once (the database is down, say) still becomes a proper error
 * answer (the caller's catch). An error later, when the status is already sent, destroys the
 * socket: a cut-off body is detectable, a well-formed wrong one is not.
 */
export async function streamJsonArray<T>(
  res: ServerResponse,
  items: AsyncIterable<readonly T[]>,
  encode: (item: T) => string,
  headers: Readonly<Record<string, string>>,
  headOnly: boolean,
): Promise<void> {
  if (headOnly) {
    res.writeHead(200, { ...BASE_HEADERS, ...headers });
    res.end();
    return;
  }
  const it = items[Symbol.asyncIterator]();
  let step = await it.next();
  res.writeHead(200, { ...BASE_HEADERS, ...headers });
  let buf = '[';
  let first = true;
  try {
    while (step.done !== true) {
      let accepted = true;
      for (const item of step.value) {
        buf += (first ? '' : ',') + encode(item);
        first = false;
        if (buf.length >= CHUNK_CHARS) {
          accepted = res.write(buf) && accepted;
          buf = '';
        }
      }
      // Backpressure once per chunk of items: the socket holds at most one chunk's text beyond
      // its high-water mark.
      if (!accepted && !(await drained(res))) return;
      step = await it.next();
    }
  } finally {
    // Releases the source when the loop ends early (client gone, or an error).
    if (step.done !== true) await it.return?.();
  }
  res.end(`${buf}]`);
}

/**
 * A data page as one streamed JSON array (see {@link streamJsonArray}): its ready JSON text when
 * the page has it, else each point written by {@link plainPointJson}.
 */
export function streamPoints(
  res: ServerResponse,
  page: DataPage,
  headers: Readonly<Record<string, string>>,
  headOnly: boolean,
): Promise<void> {
  if (page.json !== undefined) return streamJsonArray(res, page.json, (text) => text, headers, headOnly);
  return streamJsonArray(res, page.points, plainPointJson, headers, headOnly);
}
