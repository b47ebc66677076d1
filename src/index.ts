/**
 * esmond-client: a typed client for perfSONAR esmond measurement archives (esmond 4.x and
 * perfSONAR 5's elmond), successor of the Python `esmond_client`.
 *
 * - {@link createClient} returns an {@link EsmondClient}: metadata search and data reads as async
 *   iterables (every page, streamed; points sharing a timestamp are never dropped or repeated),
 *   and validated writes.
 * - Every failure is an {@link EsmondError}: {@link HttpError}, {@link NetworkError},
 *   {@link TimeoutError}, {@link ResponseError}, {@link ValidationError} (bad arguments or
 *   options: nothing was sent), {@link NotStoredError} or {@link DataWriterError}; an aborted
 *   `signal` rejects with its own reason instead. A failed request is
 *   never reported as "no data". GETs are retried with backoff on 408/429/5xx and network errors.
 *
 * @example
 * ```ts
 * import { createClient, isHttpError } from 'esmond-client';
 *
 * const client = createClient({ url: 'https://ps.example.net/esmond' });
 * try {
 *   for await (const m of client.searchMetadata({ source: '10.0.0.1', eventType: 'throughput' })) {
 *     for await (const p of client.data<number>(m, 'throughput', {}, { timeStart: 1700000000, timeEnd: 1700086400 })) {
 *       console.log(m.destination, new Date(p.ts * 1000).toISOString(), p.val);
 *     }
 *   }
 * } catch (e) {
 *   if (isHttpError(e)) console.error(e.message); // "Request failed with status 503 Service Unavailable: GET https://…"
 *   else throw e;
 * } finally {
 *   await client.close();
 * }
 * ```
 * @packageDocumentation
 */
export { createClient } from './client.js';
export type {
  CallOptions,
  ClientOptions,
  Credentials,
  DataQuery,
  DataWriter,
  DataWriterOptions,
  EsmondClient,
  EventTypeName,
  EventTypeInfo,
  Metadata,
  MetadataQuery,
  MetadataResults,
  RetryPolicy,
  SeriesSelector,
  SummaryInfo,
  TimeValue,
} from './query/types.js';
export type { RetryInfo } from './http/transport.js';
export {
  DataWriterError,
  EsmondError,
  HttpError,
  NetworkError,
  NotStoredError,
  ResponseError,
  TimeoutError,
  ValidationError,
  isDataWriterError,
  isEsmondError,
  isHttpError,
  isNetworkError,
  isNotStoredError,
  isResponseError,
  isTimeoutError,
  isValidationError,
} from './http/errors.js';
export type { EsmondErrorKind, TimeoutPhase } from './http/errors.js';
export { DEFAULT_RETRY } from './http/retry.js';
export { VERSION } from './http/version.js';
export { resolveArchiveUrl } from './query/url.js';
export { decodeMetadata } from './query/codec.js';
export {
  ALLOWED_SUMMARIES,
  DATA_TYPES,
  EVENT_TYPE_NAMES,
  EVENT_TYPES,
  SUMMARY_TYPES,
  SUMMARY_TYPE_BY_SEGMENT,
  SUMMARY_URL_SEGMENT,
  dataTypeOf,
  isEventType,
  summaryAllowed,
} from './model/event-types.js';
export type { DataType, EventType, EventValue, SeriesType, SummaryType } from './model/event-types.js';
export type {
  HistogramStatistics,
  HistogramValue,
  PercentageValue,
  SubintervalValue,
  WireBulkBody,
  WireError,
  WireEventType,
  WireMetadata,
  WireNewEventType,
  WireNewMetadata,
  WirePoint,
  WireSummary,
} from './model/wire.js';
