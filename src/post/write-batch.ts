/**
 * The client side of our archive's batch write extension (src/model/write-batch.ts): many
 * (metadata, bulk data) items in one request, each coming back with the outcome its metadata POST
 * and bulk PUT would have had. Sent only to an archive whose write answers named the extension;
 * an archive that refuses the route (404, 405, 415) is never asked again.
 * @module
 */
import { HttpError, isHttpError, NotStoredError, ResponseError, isValidationError } from '../http/errors.js';
import type { EsmondError } from '../http/errors.js';
import type { WireNewMetadata } from '../model/wire.js';
import { WRITE_BATCH_MEDIA_TYPE, WRITE_BATCH_SEGMENT, type WireBatchItemAnswer } from '../model/write-batch.js';
import { validateKey, validateNewMetadata } from './validate.js';
import { validateBulkItem, type BulkItem, type WriteContext } from './write.js';

/** One item of a batch write: what a metadata POST and one bulk PUT would send. */
export interface BatchWriteItem {
  /** A metadata body (created, or the identical one found, as by a metadata POST), or the key of a stored metadata. */
  metadata: WireNewMetadata | string;
  /** The timestamps of one bulk PUT to that metadata. */
  data: readonly BulkItem[];
}

/** What became of one {@link BatchWriteItem}. */
export interface BatchWriteOutcome {
  /** The metadata key, once the metadata exists (also when the bulk write failed). */
  key?: string;
  /**
   * Absent: every value was stored. Otherwise the error the two requests would have thrown: a
   * `ValidationError` (not sent), an `HttpError` of the metadata POST or of the bulk PUT (its
   * `method` says which), or a `NotStoredError`.
   */
  error?: EsmondError;
}

/** Statuses of a server without the batch route: an esmond (or a proxy) answering for an unknown path. */
const NOT_OFFERED = [404, 405, 415];

/** The batch route next to the archive route (`…/perfsonar/archive/` → `…/perfsonar/batch/`). */
function batchUrl(archiveUrl: string): string {
  return `${archiveUrl.replace(/archive\/$/, '')}${WRITE_BATCH_SEGMENT}/`;
}

/** An item's outcome from its answer, with errors as the separate requests would have thrown them. */
function outcomeOf(ctx: WriteContext, answer: unknown): BatchWriteOutcome {
  const a = (typeof answer === 'object' && answer !== null ? answer : {}) as Partial<WireBatchItemAnswer>;
  const key = typeof a['metadata-key'] === 'string' ? a['metadata-key'] : undefined;
  const data = a.request === 'data';
  if (typeof a.status !== 'number' || (data ? key === undefined : a.request !== 'metadata')) {
    throw new ResponseError('batch answer item is not an item answer', {
      method: 'POST',
      url: batchUrl(ctx.archiveUrl),
    });
  }
  const init = data
    ? { method: 'PUT', url: `${ctx.archiveUrl}${key ?? ''}/`, status: a.status }
    : { method: 'POST', url: ctx.archiveUrl, status: a.status };
  const outcome: BatchWriteOutcome = key === undefined ? {} : { key };
  if (a.status >= 200 && a.status < 300) {
    if (a.stored === 0) outcome.error = new NotStoredError({ ...init, body: '' });
  } else {
    outcome.error = new HttpError({ ...init, body: JSON.stringify({ detail: a.detail ?? '' }) });
  }
  return outcome;
}

/**
 * Sends `items` as one batch; resolves with one outcome per item, in item order, or `undefined`
 * when the archive is not known to offer batches (nothing was stored: send the two requests).
 * Items the client's checks refuse are not sent; their outcome carries the `ValidationError`.
 * @throws the transport's error for the batch request (after its retries), or a ResponseError
 * for an answer that does not fit the batch.
 */
export async function writeBatchWire(
  ctx: WriteContext,
  items: readonly BatchWriteItem[],
  signal?: AbortSignal,
): Promise<BatchWriteOutcome[] | undefined> {
  if (ctx.batch?.state !== 'offered') return undefined;
  const serialize = ctx.serializeBody ?? JSON.stringify;
  const outcomes = new Array<BatchWriteOutcome>(items.length);
  const sent: number[] = [];
  let text = '';
  items.forEach((item, i) => {
    try {
      if (typeof item.metadata === 'string') validateKey(item.metadata);
      else validateNewMetadata(item.metadata);
      item.data.forEach((d, j) => {
        validateBulkItem(d, j + 1);
      });
    } catch (err) {
      if (!isValidationError(err)) throw err;
      outcomes[i] = { error: err };
      return;
    }
    // Both serializers write one line (newlines in strings are escaped).
    text += `${serialize(item.metadata)}\n${serialize({ data: item.data })}\n`;
    sent.push(i);
  });
  if (sent.length === 0) return outcomes;
  const url = batchUrl(ctx.archiveUrl);
  let answers: unknown;
  try {
    const r = await ctx.transport.sendJson({
      method: 'POST',
      url,
      text: { body: text, contentType: WRITE_BATCH_MEDIA_TYPE },
      signal,
      okStatus: [200],
    });
    answers = (r.json as { items?: unknown } | null)?.items;
  } catch (err) {
    if (!isHttpError(err) || !NOT_OFFERED.includes(err.status)) throw err;
    ctx.batch.state = 'refused';
    return undefined;
  }
  if (!Array.isArray(answers) || answers.length !== sent.length) {
    throw new ResponseError('batch answer does not have one item answer per item sent', { method: 'POST', url });
  }
  sent.forEach((i, k) => {
    outcomes[i] = outcomeOf(ctx, answers[k]);
  });
  return outcomes;
}
