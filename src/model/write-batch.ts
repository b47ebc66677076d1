/**
 * The batch write extension of our archive (not part of esmond's API): many (metadata, bulk data)
 * pairs in one POST, each answered as the metadata POST and the bulk PUT it stands for would have
 * been. Shared by the archive (which offers it) and the client (which uses it only where offered).
 *
 * Wire format (README "esmond-ps-archive"): `POST {prefix}/perfsonar/batch/` with
 * `Content-Type: application/x-ndjson`, two lines per item: the metadata body exactly as a
 * metadata POST sends it (or, for a metadata already stored, its key as a JSON string), then the
 * bulk body exactly as a bulk PUT sends it (`{"data": […]}`). The answer is `200` with
 * `{"items": […]}`, one {@link WireBatchItemAnswer} per item, in item order, sent once every
 * item's writes are durable. Our archive names the extension in {@link EXTENSIONS_HEADER} on its
 * write answers; a client sends batches only after seeing it.
 * @module
 */

/** The response header our archive lists its extensions in (comma-separated). */
export const EXTENSIONS_HEADER = 'X-Esmond-Extensions';

/** The name of the batch write extension in {@link EXTENSIONS_HEADER}. */
export const WRITE_BATCH_EXTENSION = 'write-batch';

/** Media type of a batch body. */
export const WRITE_BATCH_MEDIA_TYPE = 'application/x-ndjson';

/** The batch route under `{prefix}/perfsonar/`: a sibling of `archive/`. */
export const WRITE_BATCH_SEGMENT = 'batch';

/** The answer to one item: the status and `detail` the request named by `request` was answered with. */
export interface WireBatchItemAnswer {
  /**
   * 201 when both writes succeeded; otherwise the status of the first request that failed
   * (400, 404, 409, 413, 415, 503 …), which `request` names: `metadata` (no bulk write was
   * attempted) or `data`.
   */
  status: number;
  request: 'metadata' | 'data';
  /** The metadata key, once the metadata exists (also when its bulk write failed). */
  'metadata-key'?: string;
  /** Points the bulk write stored (the `X-Esmond-Stored` of the PUT), on success. */
  stored?: number;
  /** esmond's `{"detail": …}` text of a failure. */
  detail?: string;
}

/** The body of a batch answer. */
export interface WireBatchAnswer {
  items: WireBatchItemAnswer[];
}
