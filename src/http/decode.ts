/**
 * Reading a response body as it arrives, decompressing `gzip` and `br` on the fly (node:zlib
 * streams, so a compressed page is never held twice), with a limit on the DECODED size: a few
 * kilobytes of gzip can expand to gigabytes, and the limit must catch that before it is in memory.
 * @module
 */
import { pipeline, type Readable } from 'node:stream';
import { nodeZlib } from '../util/builtin.js';

/** What the client asks for: both codings node:zlib decodes as a stream. */
export const ACCEPT_ENCODING = 'gzip, br';

/**
 * Default limit of one decoded response body, bytes. Far above any page the tools ask for (a
 * 10 000-point page is well under 10 MB), well below what a JavaScript string can hold.
 */
export const DEFAULT_MAX_BODY_BYTES = 256 * 1024 * 1024;

/** Why a body could not be read: the decoder rejected it, or it grew past the limit. */
export class BodyDecodeError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'BodyDecodeError';
  }
}

/** The decoder of a `Content-Encoding`, `undefined` for an identity body; throws for one we never asked for. */
function decoderFor(encoding: string | string[] | undefined): NodeJS.ReadWriteStream | undefined {
  const codings = (Array.isArray(encoding) ? encoding.join(',') : (encoding ?? ''))
    .split(',')
    .map((c) => c.trim().toLowerCase())
    .filter((c) => c !== '' && c !== 'identity');
  if (codings.length === 0) return undefined;
  if (codings.length > 1) throw new BodyDecodeError(`unsupported Content-Encoding: ${codings.join(', ')}`);
  switch (codings[0]) {
    case 'gzip':
    case 'x-gzip':
      return nodeZlib().createGunzip();
    case 'br':
      return nodeZlib().createBrotliDecompress();
    default:
      throw new BodyDecodeError(`unsupported Content-Encoding: ${codings[0] ?? ''}`);
  }
}

/**
 * Reads `body` to the end, decoded per `encoding`. `arm('body')` is called for every chunk that
 * arrives (the caller's per-chunk timeout). Errors of the connection (reset, abort) are rethrown
 * as they are; a body the decoder rejects (corrupt, truncated) or one that decodes to more than
 * `maxBytes` becomes a {@link BodyDecodeError}, and `controller` is aborted so the rest of the
 * body is not downloaded.
 */
export async function readDecodedBody(
  body: Readable,
  encoding: string | string[] | undefined,
  maxBytes: number,
  arm: (phase: 'body') => void,
  controller: AbortController,
): Promise<Buffer> {
  const onChunk = (): void => {
    arm('body');
  };
  const abort = (): void => {
    controller.abort();
  };
  let decoder: NodeJS.ReadWriteStream | undefined;
  try {
    decoder = decoderFor(encoding);
  } catch (e) {
    abort(); // the body is never read: it must not pin the pooled connection
    throw e;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  const tooBig = (): BodyDecodeError =>
    new BodyDecodeError(
      `response body larger than the limit of ${maxBytes} bytes${decoder === undefined ? '' : ' once decoded'}`,
    );
  if (decoder === undefined) {
    onChunk();
    for await (const chunk of body) {
      const b = chunk as Buffer;
      size += b.length;
      if (size > maxBytes) {
        abort();
        throw tooBig();
      }
      chunks.push(b);
      onChunk();
    }
    return Buffer.concat(chunks);
  }
  // The connection's own failure (reset, our timeout's abort) is told apart from the decoder's.
  let sourceError: unknown;
  body.on('error', (e: unknown) => {
    sourceError ??= e;
  });
  body.on('data', onChunk);
  pipeline(body, decoder, () => {
    // Errors surface through the iteration below.
  });
  onChunk();
  try {
    for await (const chunk of decoder) {
      const b = chunk as Buffer;
      size += b.length;
      if (size > maxBytes) throw tooBig();
      chunks.push(b);
    }
  } catch (e) {
    // The connection failed first (the decoder then only saw its end): that failure is the story.
    if (sourceError !== undefined && !(e instanceof BodyDecodeError))
      throw sourceError instanceof Error ? sourceError : e;
    abort();
    if (e instanceof BodyDecodeError) throw e;
    throw new BodyDecodeError(`corrupt ${String(encoding)} body: ${e instanceof Error ? e.message : String(e)}`, {
      cause: e,
    });
  }
  return Buffer.concat(chunks);
}
