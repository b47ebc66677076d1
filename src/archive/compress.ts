/**
 * Compressed answers for clients that ask (`Accept-Encoding: br` or `gzip`): a 10 000-point page
 * shrinks about 5× with gzip level 1 and about 9× with brotli quality 2, which is what a bulk
 * export over a slow link waits for. {@link compressWhenAsked} wraps one `ServerResponse` before
 * the handler writes to it, so the code that writes answers (respond.ts) stays as it is: the
 * first `writeHead` decides, and the body then flows through a node:zlib stream (run on libuv's
 * thread pool, not the event loop) with backpressure passed on both ways.
 *
 * Only 200 JSON answers of at least {@link COMPRESS_MIN_BYTES} are compressed: errors, writes'
 * 201s and tiny bodies go out as they are. A streamed answer (no `Content-Length`) is held until
 * that many bytes have come, then decided. A request without `Accept-Encoding` (the Python
 * client, curl) is not touched at all: same bytes, same headers as before.
 * @module
 */
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { constants, createBrotliCompress, createGzip, type BrotliCompress, type Gzip } from 'node:zlib';

/** Smallest body worth compressing, bytes: below a few packets the saving cannot pay for the work. */
export const COMPRESS_MIN_BYTES = 4096;

/**
 * Brotli quality and gzip level, chosen for throughput (bench/wan.bench.ts measures them on a
 * 10 000-point page): brotli 2 compresses about as fast as gzip 1 and about twice as small on
 * measurement series; higher settings cost more CPU than a 20 Mbit/s link saves.
 */
export const BROTLI_QUALITY = 2;
export const GZIP_LEVEL = 1;
/** Brotli window, log2 bytes: 256 KiB bounds a response's compressor memory (the default is 4 MiB). */
const BROTLI_WINDOW_BITS = 18;

/** Codings the archive writes, in its order of preference. */
export type ContentCoding = 'br' | 'gzip';

/**
 * The coding to answer with for an `Accept-Encoding` header, or `undefined` for none. Honours
 * `q=0` (refused) and the highest q-value; among equals, brotli. `*` stands for any coding not named.
 */
export function chooseCoding(accept: string | string[] | undefined): ContentCoding | undefined {
  if (accept === undefined) return undefined;
  const q = new Map<string, number>();
  for (const part of (Array.isArray(accept) ? accept.join(',') : accept).split(',')) {
    const [name = '', ...params] = part.split(';').map((s) => s.trim().toLowerCase());
    if (name === '') continue;
    const qp = params.find((p) => p.startsWith('q='));
    const value = qp === undefined ? 1 : Number(qp.slice(2));
    q.set(name === 'x-gzip' ? 'gzip' : name, Number.isFinite(value) ? value : 0);
  }
  const weight = (c: ContentCoding): number => q.get(c) ?? q.get('*') ?? 0;
  const best = (['br', 'gzip'] as const).reduce((a, b) => (weight(b) > weight(a) ? b : a));
  return weight(best) > 0 ? best : undefined;
}

/** A compressor for `coding`; `sizeHint` (bytes, when known) lets brotli size its buffers. */
function compressor(coding: ContentCoding, sizeHint: number | undefined): BrotliCompress | Gzip {
  if (coding === 'gzip') return createGzip({ level: GZIP_LEVEL });
  const params: Record<number, number> = {
    [constants.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY,
    [constants.BROTLI_PARAM_LGWIN]: BROTLI_WINDOW_BITS,
    [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
  };
  if (sizeHint !== undefined) params[constants.BROTLI_PARAM_SIZE_HINT] = sizeHint;
  return createBrotliCompress({ params });
}

/** The value of header `name` (any case) in `headers`, else as already set on `res`. */
function headerOf(res: ServerResponse, headers: OutgoingHttpHeaders, name: string): string | undefined {
  for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() === name) return v === undefined ? v : String(v);
  const set = res.getHeader(name);
  return set === undefined ? undefined : String(set);
}

/** `headers` without `name` (any case). */
function without(headers: OutgoingHttpHeaders, name: string): OutgoingHttpHeaders {
  return Object.fromEntries(Object.entries(headers).filter(([k]) => k.toLowerCase() !== name));
}

/** `headers` with `Accept-Encoding` added to `Vary` (caches must not serve one coding to another client). */
function varied(res: ServerResponse, headers: OutgoingHttpHeaders): OutgoingHttpHeaders {
  const vary = headerOf(res, headers, 'vary');
  return {
    ...without(headers, 'vary'),
    Vary: vary === undefined || vary === '' ? 'Accept-Encoding' : `${vary}, Accept-Encoding`,
  };
}

type Chunk = string | Buffer;

/** The chunk of a `write`/`end` call, whatever overload was used (callbacks are not used by the archive). */
function chunkOf(args: readonly unknown[]): Chunk | undefined {
  const c = args[0];
  return typeof c === 'string' || Buffer.isBuffer(c) ? c : undefined;
}

/**
 * Makes `res` compress its body when `req` asks for it and the answer qualifies (see the module
 * docs), when at least `minBytes` long. Call it once, before anything is written; HEAD requests
 * and requests that ask for no coding leave `res` untouched.
 */
export function compressWhenAsked(
  req: IncomingMessage,
  res: ServerResponse,
  minBytes: number = COMPRESS_MIN_BYTES,
): void {
  if (req.method === 'HEAD') return;
  const coding = chooseCoding(req.headers['accept-encoding']);
  if (coding === undefined) return;

  const writeHead = res.writeHead.bind(res);
  const write = res.write.bind(res);
  const end = res.end.bind(res);
  /** Puts the original methods back: the rest of the answer goes out as written. */
  const restore = (): void => {
    res.writeHead = writeHead;
    res.write = write;
    res.end = end;
  };

  let pending: { status: number; headers: OutgoingHttpHeaders; chunks: Chunk[]; bytes: number } | undefined;

  /** Sends the headers for a compressed body and routes the rest of the body through `z`. */
  const startCompressing = (status: number, headers: OutgoingHttpHeaders, sizeHint: number | undefined) => {
    const z = compressor(coding, sizeHint);
    restore();
    writeHead(status, { ...varied(res, without(headers, 'content-length')), 'Content-Encoding': coding });
    z.on('data', (out: Buffer) => {
      if (!write(out)) z.pause();
    });
    res.on('drain', () => z.resume());
    z.on('drain', () => res.emit('drain'));
    z.once('end', () => end());
    z.once('error', (e) => res.destroy(e));
    res.once('close', () => z.destroy());
    res.write = ((...args: unknown[]) => {
      const c = chunkOf(args);
      return c === undefined ? true : z.write(c);
    }) as ServerResponse['write'];
    res.end = ((...args: unknown[]) => {
      const c = chunkOf(args);
      if (c === undefined) z.end();
      else z.end(c);
      return res;
    }) as ServerResponse['end'];
    return z;
  };

  /** Sends what was held back uncompressed (a small streamed answer). */
  const flushPlain = (p: NonNullable<typeof pending>, last: Chunk | undefined): void => {
    restore();
    writeHead(p.status, varied(res, p.headers));
    for (const c of p.chunks) write(c);
    if (last === undefined) end();
    else end(last);
  };

  res.writeHead = (status: number, ...rest: unknown[]) => {
    // A second writeHead while the body is held back (an error before any byte went out) starts over.
    pending = undefined;
    const headers = (rest.find((r) => typeof r === 'object' && r !== null && !Array.isArray(r)) ??
      {}) as OutgoingHttpHeaders;
    const type = headerOf(res, headers, 'content-type')?.split(';')[0]?.trim().toLowerCase();
    const already = headerOf(res, headers, 'content-encoding');
    if (status !== 200 || type !== 'application/json' || already !== undefined || typeof rest[0] === 'string') {
      restore();
      return writeHead(status, ...(rest as [OutgoingHttpHeaders]));
    }
    const length = headerOf(res, headers, 'content-length');
    if (length !== undefined) {
      if (Number(length) < minBytes) {
        restore();
        return writeHead(status, varied(res, headers));
      }
      startCompressing(status, headers, Number(length));
      return res;
    }
    pending = { status, headers, chunks: [], bytes: 0 };
    return res;
  };

  res.write = ((...args: unknown[]) => {
    const c = chunkOf(args);
    if (pending === undefined) {
      // Written before any writeHead (implicit headers): not ours to change.
      restore();
      return c === undefined ? true : write(c);
    }
    if (c === undefined) return true;
    pending.chunks.push(c);
    pending.bytes += Buffer.byteLength(c);
    if (pending.bytes < minBytes) return true;
    const p = pending;
    pending = undefined;
    const z = startCompressing(p.status, p.headers, undefined);
    let ok = true;
    for (const held of p.chunks) ok = z.write(held);
    return ok;
  }) as ServerResponse['write'];

  res.end = ((...args: unknown[]) => {
    const c = chunkOf(args);
    const p = pending;
    if (p === undefined) {
      restore();
      return c === undefined ? end() : end(c);
    }
    pending = undefined;
    const total = p.bytes + (c === undefined ? 0 : Buffer.byteLength(c));
    if (total < minBytes) {
      flushPlain(p, c);
      return res;
    }
    const z = startCompressing(p.status, p.headers, total);
    for (const held of p.chunks) z.write(held);
    if (c === undefined) z.end();
    else z.end(c);
    return res;
  }) as ServerResponse['end'];
}
