/**
 * The archive core's data reads (archive-api.md: Reading data): summary listings and data pages of one series,
 * produced lazily a chunk at a time so a large page is streamed, not buffered.
 * @module
 */
import { SUMMARY_TYPE_BY_SEGMENT, dataTypeOf, type DataType, type SeriesType } from '../model/event-types.js';
import type { WirePoint, WireSummary } from '../model/wire.js';
import { parseIntText } from '../model/pyparse.js';
import { ApiError, type ArchiveService, type RequestContext } from './types.js';
import type { ArchiveStore } from './storage/store.js';
import { lastValues, linkHeader, pageLinks, parsePaging, timeWindow } from './search.js';
import { renderSummaries } from './metadata-json.js';
import { cellValue, iterateCells } from './series.js';
import { iteratePointTexts } from './point-json.js';

export const NOT_FOUND = (): ApiError => new ApiError(404, 'Not found.');

/** The JSON summary type of a URL segment (`averages` → `average`), own keys only. */
export function seriesTypeOf(segment: string): SeriesType | undefined {
  return Object.prototype.hasOwnProperty.call(SUMMARY_TYPE_BY_SEGMENT, segment)
    ? SUMMARY_TYPE_BY_SEGMENT[segment]
    : undefined;
}

function checkEventType(eventType: string): DataType {
  const dataType = dataTypeOf(eventType);
  if (dataType === undefined) throw new ApiError(400, `Unsupported event type '${eventType}' provided`);
  return dataType;
}

function checkSegment(segment: string): SeriesType {
  const summaryType = seriesTypeOf(segment);
  if (summaryType === undefined) throw new ApiError(400, `Invalid summary type '${segment}'`);
  return summaryType;
}

/** Summary listings and data pages over a store. */
export class DataReads {
  constructor(private readonly store: ArchiveStore) {}

  async summaryListing(key: string, eventType: string, segment: string, ctx: RequestContext): Promise<WireSummary[]> {
    checkEventType(eventType);
    const summaryType = checkSegment(segment);
    const rows = (await this.store.eventTypeRows(key, eventType)).filter((r) => r.summaryType === summaryType);
    if (rows.length === 0) throw NOT_FOUND();
    return renderSummaries(ctx, key, rows);
  }

  /** The data page of one series (see {@link ArchiveService.readData}). */
  readonly readData: ArchiveService['readData'] = async (key, eventType, segment, window, params, ctx) => {
    const dataType = checkEventType(eventType);
    const summaryType = checkSegment(segment);
    const w = window === undefined ? 0 : parseIntText(window);
    if (w === undefined) throw new ApiError(400, 'Summary window parameter must be an integer');
    const values = lastValues(params);
    const { begin, end } = timeWindow(values, ctx.now, 'data');
    const { limit, offset } = parsePaging(values);
    const row = (await this.store.eventTypeRows(key, eventType)).find(
      (r) => r.summaryType === summaryType && r.window === w,
    );
    const hasMore = row !== undefined && (await this.store.hasCellBeyond(row.seriesId, begin, end, offset + limit));
    const link = linkHeader(pageLinks(ctx.requestUrl, limit, offset, hasMore));
    const store = this.store;
    const seriesId = row?.seriesId;
    const range = { from: begin, to: end, skip: offset, take: limit };
    /** The page's chunks (none without a series), handing the event loop over between them. */
    async function* chunks<T>(read: (seriesId: number) => AsyncIterable<T[]>): AsyncGenerator<T[]> {
      if (seriesId === undefined) return;
      let first = true;
      for await (const chunk of read(seriesId)) {
        // Between chunks, other requests get their turn: a big export never holds the event
        // loop for more than one chunk's work.
        if (!first) await new Promise((resolve) => setImmediate(resolve));
        first = false;
        yield chunk;
      }
    }
    const points: AsyncIterable<WirePoint[]> = {
      [Symbol.asyncIterator]: () =>
        chunks(async function* (id) {
          for await (const cells of iterateCells(store, id, begin, end, offset, limit)) {
            yield cells.map((cell) => ({ ts: cell.ts, val: cellValue(dataType, summaryType, cell) }));
          }
        }),
    };
    const json: AsyncIterable<string[]> = {
      [Symbol.asyncIterator]: () =>
        chunks((id) => iteratePointTexts(store, { seriesId: id, dataType, summaryType }, range)),
    };
    return link === undefined ? { points, json } : { points, json, link };
  };
}
