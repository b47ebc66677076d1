/**
 * Writes to the archive: metadata create-or-find, single points, bulk PUT in batches, and a
 * batching writer. Payloads are validated first; writes are retried only when the retry policy
 * says `retryWrites` (they are not idempotent: a retried bulk PUT can end in 409).
 * @module
 */
import { NotStoredError, ResponseError, ValidationError } from '../http/errors.js';
import type { TextResponse, Transport } from '../http/transport.js';
import type { WireBulkBody, WireMetadata, WireNewMetadata, WirePoint } from '../model/wire.js';
import { validateKey, validateNewMetadata, validatePoint, validateTs, validateWriteEventType } from './validate.js';
import { EXTENSIONS_HEADER, WRITE_BATCH_EXTENSION } from '../model/write-batch.js';

/**
 * What a client knows of our archive's batch write extension: `unknown` until an archive answered
 * a write, then `offered` (the answer named it) or `refused` (it did not, or the batch route was
 * refused: an esmond without it), for good.
 */
export type WriteBatchState = 'unknown' | 'offered' | 'refused';

/** What the write functions need from a client. */
export interface WriteContext {
  transport: Transport;
  /** Absolute archive URL ending in `/perfsonar/archive/`. */
  archiveUrl: string;
  /** How request bodies are written (the transport's serializer), for batch bodies. @defaultValue JSON.stringify */
  serializeBody?: ((body: unknown) => string) | undefined;
  /** The client's knowledge of the batch write extension; without it the client never batches. */
  batch?: { state: WriteBatchState };
}

const EXTENSIONS = EXTENSIONS_HEADER.toLowerCase();

/** Learns from a write's answer whether the archive offers batch writes (the first answer decides). */
function learnExtensions(ctx: WriteContext, r: TextResponse): void {
  if (ctx.batch === undefined || ctx.batch.state !== 'unknown') return;
  const v = r.headers[EXTENSIONS];
  const names = (Array.isArray(v) ? v.join(',') : (v ?? '')).split(',');
  ctx.batch.state = names.some((n) => n.trim() === WRITE_BATCH_EXTENSION) ? 'offered' : 'refused';
}

/** One timestamp of a bulk write. */
export type BulkItem = WireBulkBody['data'][number];

/** Timestamps per bulk PUT unless the caller says otherwise. */
export const DEFAULT_BATCH_SIZE = 500;

/** Success statuses of writes: esmond answers 201; 200/204 from other servers are fine too. */
const WRITE_OK = [200, 201, 204] as const;

/**
 * Our archive answers a write that stored nothing with 201 (as esmond does) plus
 * `X-Esmond-Stored: 0`; that is a failure, not a success.
 * @throws NotStoredError when the header says so.
 */
export function checkStored(r: TextResponse, method: string): TextResponse {
  const v = r.headers['x-esmond-stored'];
  if ((Array.isArray(v) ? v[0] : v)?.trim() === '0')
    throw new NotStoredError({ method, url: r.url, status: r.status, body: r.text });
  return r;
}

/**
 * POSTs a metadata object (archive-api.md: Writing) and returns the archive's answer, the full metadata
 * (new or the identical existing one).
 * @throws ValidationError before sending; HttpError for non-2xx; ResponseError for a non-metadata body.
 */
export async function postMetadataWire(
  ctx: WriteContext,
  body: WireNewMetadata,
  signal?: AbortSignal,
): Promise<WireMetadata> {
  validateNewMetadata(body);
  const r = await ctx.transport.sendJson({ method: 'POST', url: ctx.archiveUrl, body, signal, okStatus: WRITE_OK });
  learnExtensions(ctx, r);
  checkStored(r, 'POST');
  const j = r.json;
  if (
    typeof j !== 'object' ||
    j === null ||
    Array.isArray(j) ||
    typeof (j as Record<string, unknown>)['metadata-key'] !== 'string'
  ) {
    throw new ResponseError('metadata POST answer is not a metadata object', {
      method: 'POST',
      url: r.url,
      status: r.status,
      body: r.text,
    });
  }
  return j as WireMetadata;
}

/** POSTs one point to `{key}/{et}/base` (R12). */
export async function postPointWire(
  ctx: WriteContext,
  metadataKey: string,
  eventType: string,
  point: WirePoint,
  signal?: AbortSignal,
): Promise<void> {
  validateKey(metadataKey);
  validateWriteEventType(eventType);
  validatePoint(point);
  const r = await ctx.transport.send({
    method: 'POST',
    url: `${ctx.archiveUrl}${metadataKey}/${eventType}/base`,
    body: { ts: point.ts, val: point.val },
    signal,
    okStatus: WRITE_OK,
  });
  learnExtensions(ctx, r);
  checkStored(r, 'POST');
}

/** Checks one timestamp of a bulk body (`position` counts from 1) before it is sent. */
export function validateBulkItem(item: unknown, position: number): asserts item is BulkItem {
  const where = `bulk item ${position}`;
  if (typeof item !== 'object' || item === null) throw new ValidationError(`${where} must be an object {ts, val}`);
  const o = item as Record<string, unknown>;
  validateTs(o['ts'], `${where} ts`);
  const vals = o['val'];
  if (!Array.isArray(vals)) throw new ValidationError(`${where}: val must be a list of {event-type, val}`);
  for (const v of vals) {
    if (typeof v !== 'object' || v === null)
      throw new ValidationError(`${where}: each value must be {event-type, val}`);
    const r = v as Record<string, unknown>;
    validateWriteEventType(r['event-type']);
    if (r['val'] === undefined) throw new ValidationError(`${where}: value of ${r['event-type']} is missing`);
  }
}

/**
 * Bulk write (R4), streamed: items are validated and sent in PUTs of at most `batchSize`
 * timestamps, one request at a time, so a huge iterable never sits in memory. Items of a batch
 * are validated before that batch is sent; earlier batches stay written if a later one fails.
 */
export async function putBulkWire(
  ctx: WriteContext,
  metadataKey: string,
  data: Iterable<BulkItem>,
  options: { batchSize?: number | undefined; signal?: AbortSignal | undefined } = {},
): Promise<void> {
  validateKey(metadataKey);
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new ValidationError(`batchSize must be a positive integer: ${batchSize}`, 'batchSize');
  const url = `${ctx.archiveUrl}${metadataKey}/`;
  let batch: BulkItem[] = [];
  let position = 0;
  const send = async (): Promise<void> => {
    const body: WireBulkBody = { data: batch };
    batch = [];
    const r = await ctx.transport.send({ method: 'PUT', url, body, signal: options.signal, okStatus: WRITE_OK });
    learnExtensions(ctx, r);
    checkStored(r, 'PUT');
  };
  for (const item of data) {
    validateBulkItem(item, ++position);
    batch.push(item);
    if (batch.length >= batchSize) await send();
  }
  if (batch.length > 0) await send();
}
