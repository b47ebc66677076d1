/**
 * The batch write route of our archive (an extension; src/model/write-batch.ts has the wire
 * format): many (metadata, bulk data) items in one POST. Each item runs through the very service
 * calls the two requests it stands for run through (metadata create-or-find, then the bulk
 * write), so every rule, both stores and the group commit apply unchanged, and each item is
 * answered with the status and detail those requests would have got. Items run concurrently, so
 * their writes share group commits; one that fails neither blocks nor undoes the others. The
 * answer is built only after every item has settled, that is after its writes were committed.
 * @module
 */
import { WRITE_BATCH_MEDIA_TYPE, type WireBatchAnswer, type WireBatchItemAnswer } from '../model/write-batch.js';
import { pool } from '../util/pool.js';
import { mediaType, parseDrfJson } from './body.js';
import { DETAIL_KEY } from './routes.js';
import { ApiError, type ArchiveService, type RequestContext } from './types.js';

/** Items of one batch in flight at once: enough to fill a group commit (its bound is 256). */
const ITEMS_IN_FLIGHT = 256;

/** What an item's failure is answered with (the archive's own mapping of errors to answers). */
export type FailureAnswer = (err: unknown) => { status: number; detail: string };

const JSON_TYPE = 'application/json';
const NEWLINE = 0x0a;

/** One item: its two lines, not yet parsed (each is parsed where its request would be). */
interface BatchItem {
  metadata: Buffer;
  data: Buffer;
}

/** Splits a batch body into items (two lines each; one final newline is optional). */
function batchItems(contentType: string | undefined, body: Buffer): BatchItem[] {
  if (mediaType(contentType) !== WRITE_BATCH_MEDIA_TYPE) {
    throw new ApiError(415, `Unsupported media type "${contentType ?? ''}" in request.`);
  }
  const lines: Buffer[] = [];
  let start = 0;
  for (let end = body.indexOf(NEWLINE); end !== -1; end = body.indexOf(NEWLINE, start)) {
    lines.push(body.subarray(start, end));
    start = end + 1;
  }
  if (start < body.length) lines.push(body.subarray(start));
  if (lines.length % 2 !== 0) {
    throw new ApiError(
      400,
      'A batch holds two lines per item (the metadata, then its bulk data); the last item has one.',
    );
  }
  const items: BatchItem[] = [];
  for (let i = 0; i < lines.length; i += 2) items.push({ metadata: lines[i] as Buffer, data: lines[i + 1] as Buffer });
  return items;
}

/** One item: the metadata (created or found, or named by key), then its bulk write. */
async function writeItem(
  service: ArchiveService,
  item: BatchItem,
  ctx: RequestContext,
  failure: FailureAnswer,
): Promise<WireBatchItemAnswer> {
  let key: string;
  try {
    const parsed = parseDrfJson(JSON_TYPE, item.metadata, 'metadata');
    // A quoted key names a stored metadata: the item is its bulk PUT alone.
    key = typeof parsed === 'string' ? parsed : await service.createMetadataKey(parsed, ctx);
  } catch (err) {
    return { request: 'metadata', ...failure(err) };
  }
  try {
    // What the bulk PUT route makes of a key that cannot be a path segment.
    if (!DETAIL_KEY.test(key)) throw new ApiError(404, 'Not found.');
    const stored = await service.bulkWriteBody(key, JSON_TYPE, item.data, ctx);
    return { status: 201, request: 'data', 'metadata-key': key, stored };
  } catch (err) {
    return { request: 'data', 'metadata-key': key, ...failure(err) };
  }
}

/**
 * Runs a batch body; resolves once every item's writes are durable, with one answer per item.
 * @throws ApiError for a body that is no batch at all (415 for another media type, 400 for an
 * odd number of lines): nothing of it was written.
 */
export async function writeBatch(
  service: ArchiveService,
  contentType: string | undefined,
  body: Buffer,
  ctx: RequestContext,
  failure: FailureAnswer,
): Promise<WireBatchAnswer> {
  const items = batchItems(contentType, body);
  const answers = new Array<WireBatchItemAnswer>(items.length);
  await pool(items, ITEMS_IN_FLIGHT, async (item, i) => {
    answers[i] = await writeItem(service, item, ctx, failure);
  });
  return { items: answers };
}
