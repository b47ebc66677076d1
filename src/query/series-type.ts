/**
 * The one reading of a caller's summary type, shared by the esmond and the OpenSearch backends.
 * @module
 */
import { ValidationError } from '../http/errors.js';
import { SUMMARY_TYPE_BY_SEGMENT, SUMMARY_URL_SEGMENT, type SeriesType } from '../model/event-types.js';

/** JSON summary name (or its URL form) → JSON name; `undefined` → `base`; `ValidationError` otherwise. */
export function seriesType(st: string | undefined): SeriesType {
  if (st === undefined) return 'base';
  if (Object.prototype.hasOwnProperty.call(SUMMARY_URL_SEGMENT, st)) return st as SeriesType;
  const byUrl = SUMMARY_TYPE_BY_SEGMENT[st];
  if (byUrl !== undefined) return byUrl;
  throw new ValidationError(
    `Invalid summary type: ${st} (expected base, aggregation, average or statistics)`,
    'summaryType',
  );
}

/** {@link seriesType} of a summary a caller asks for: `base` is no summary (`ValidationError`). */
export function summaryTypeOf(st: string): Exclude<SeriesType, 'base'> {
  const t = seriesType(st);
  if (t === 'base') throw new ValidationError('base is not a summary type', 'summaryType');
  return t;
}
