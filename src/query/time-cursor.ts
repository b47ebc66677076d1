/**
 * Time-cursor paging of a data series (archive-api.md: Reading data), without the original client's bug: it
 * restarted each page at `last ts + 1`, which silently dropped every point that shared the last
 * timestamp of a full page. Here the next page starts *at* the last ts and skips the points of
 * that ts already yielded; a page made entirely of one ts falls back to offset paging for it.
 *
 * Pure: the HTTP request is a callback, so the algorithm is tested without a server.
 * @module
 */
import { ValidationError } from '../http/errors.js';
import type { WirePoint } from '../model/wire.js';
import { checkTime } from './codec.js';

/** Time window of a data read (archive-api.md: Reading data); unset fields are left to the server. */
export interface TimeWindowQuery {
  time?: number | Date | undefined;
  timeStart?: number | Date | undefined;
  timeEnd?: number | Date | undefined;
  timeRange?: number | undefined;
}

/** A fetched page: points in ascending ts, and whether the server says more follow (`Link: rel="next"`). */
export interface FetchedPage<V> {
  points: WirePoint<V>[];
  more: boolean;
  /** The server's clock when it answered (its `Date` header), UNIX seconds, when known. */
  serverTime?: number | undefined;
}

/** Fetches one page for the given query parameters. */
export type PageFetcher<V> = (params: Array<[string, string]>) => Promise<FetchedPage<V>>;

/** Largest page elmond accepts (it answers 400 above). */
export const MAX_PAGE_SIZE = 10_000;
/** Points per request unless the caller says otherwise. */
export const DEFAULT_PAGE_SIZE = 1000;

/** Parameters of the first request, and the fixed end used on later ones (if known). */
export interface PagingPlan {
  first: Array<[string, string]>;
  end: number | undefined;
  /**
   * When `end` is left to the server (`now`, or `now + 3600`, archive-api.md: Reading data): seconds after the server's
   * clock at the first answer where the window ends. Later pages send that end explicitly, or
   * each would move it to its own `now + 3600`.
   */
  endAfterServerNow?: number | undefined;
}

/** Where esmond ends a window whose end it picks (archive-api.md: Reading data): `now`, or `now + 3600` with a start or a range. */
const OPEN_END_SLACK = 3600;

/**
 * Turns the caller's time parameters into explicit bounds where the server's precedence rules
 * allow it, so later pages can move `time-start` while keeping the same end. `time-range` alone
 * and no parameters at all depend on the server's clock, so they are sent as given.
 */
export function planWindow(q: TimeWindowQuery): PagingPlan {
  const t = q.time === undefined ? undefined : checkTime('time', q.time);
  const s = q.timeStart === undefined ? undefined : checkTime('timeStart', q.timeStart);
  const e = q.timeEnd === undefined ? undefined : checkTime('timeEnd', q.timeEnd);
  const r = q.timeRange === undefined ? undefined : checkTime('timeRange', q.timeRange);
  if (r !== undefined && r < 0) throw new ValidationError('timeRange must not be negative', 'timeRange');
  let start: number | undefined;
  let end: number | undefined;
  if (t !== undefined) [start, end] = [t, t];
  else if (s !== undefined && e !== undefined) [start, end] = [s, e];
  else if (s !== undefined && r !== undefined) [start, end] = [s, s + r];
  else if (e !== undefined && r !== undefined) [start, end] = [e - r, e];
  else if (s !== undefined) start = s;
  else if (e !== undefined) end = e;
  else if (r !== undefined)
    return { first: [['time-range', String(r)]], end: undefined, endAfterServerNow: OPEN_END_SLACK };
  if (start !== undefined && end !== undefined && start > end) {
    throw new ValidationError(`Time window starts (${start}) after it ends (${end})`, 'timeStart');
  }
  const first: Array<[string, string]> = [];
  if (start !== undefined) first.push(['time-start', String(start)]);
  if (end !== undefined) first.push(['time-end', String(end)]);
  if (end === undefined) return { first, end, endAfterServerNow: start === undefined ? 0 : OPEN_END_SLACK };
  return { first, end };
}

/** Checks a page size: a positive integer the servers accept. */
export function checkPageSize(n: number | undefined): number {
  const size = n ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE) {
    throw new ValidationError(`pageSize must be an integer from 1 to ${MAX_PAGE_SIZE}: ${String(n)}`, 'pageSize');
  }
  return size;
}

/** Thrown (and wrapped by the caller into a ResponseError) when the server breaks the paging contract. */
export class PagingContractError extends Error {
  override name = 'PagingContractError';
}

/**
 * Yields every point of the window, page by page, each exactly once and in ascending ts.
 * Empty pages are not yielded.
 */
export async function* timeCursorPages<V>(
  plan: PagingPlan,
  pageSize: number,
  fetch: PageFetcher<V>,
): AsyncGenerator<WirePoint<V>[], void, undefined> {
  const limit: [string, string] = ['limit', String(pageSize)];
  let end = plan.end;
  const from = (start: number): Array<[string, string]> => {
    const p: Array<[string, string]> = [['time-start', String(start)]];
    if (end !== undefined) p.push(['time-end', String(end)]);
    p.push(limit);
    return p;
  };
  let params: Array<[string, string]> = [...plan.first, limit];
  let cursor: number | undefined; // time-start of this request, after the first
  let skip = 0; // points at ts === cursor already yielded by the previous page
  for (;;) {
    const fetched = await fetch(params);
    const { more, serverTime } = fetched;
    let points = fetched.points;
    if (end === undefined && plan.endAfterServerNow !== undefined) {
      // Pin the end the server chose for the first page (its clock, or ours without a Date header).
      end = (serverTime ?? Math.floor(Date.now() / 1000)) + plan.endAfterServerNow;
    }
    checkAscending(points, cursor);
    let drop = 0;
    while (drop < skip && drop < points.length && points[drop]?.ts === cursor) drop++;
    // What the next request needs of this page, read before the page is handed out.
    const count = points.length;
    const first = points[0]?.ts;
    const last = points.at(-1)?.ts;
    let lastRun = 0;
    for (let i = count - 1; i >= 0 && points[i]?.ts === last; i--) lastRun++;
    let page = count > drop ? (drop === 0 ? points : points.slice(drop)) : undefined;
    // This frame lives on while the next page is fetched: it lets go of this page once the
    // caller has it, or the page would outlive young-generation GCs and be promoted.
    // eslint-disable-next-line no-useless-assignment -- lets go of the page (see above)
    points = [];
    if (page !== undefined) yield page;
    // eslint-disable-next-line no-useless-assignment -- lets go of the page (see above)
    page = undefined;
    const full = count >= pageSize || more;
    if (!full || last === undefined) return;
    if (first === last) {
      // The whole page is one timestamp, so moving time-start cannot make progress: walk that
      // timestamp with offsets until it runs out, then continue just after it. Every point of
      // this page has been yielded (the skipped ones earlier), so the offset is the page length.
      yield* sameTimestampPages(last, count, pageSize, fetch);
      if (end !== undefined && last + 1 > end) return;
      cursor = last + 1;
      skip = 0;
    } else {
      cursor = last;
      skip = lastRun;
    }
    params = from(cursor);
  }
}

/** Offset paging over one timestamp (`time-start = time-end = ts`). */
async function* sameTimestampPages<V>(
  ts: number,
  alreadyYielded: number,
  pageSize: number,
  fetch: PageFetcher<V>,
): AsyncGenerator<WirePoint<V>[], void, undefined> {
  let offset = alreadyYielded;
  for (;;) {
    const { points, more } = await fetch([
      ['time-start', String(ts)],
      ['time-end', String(ts)],
      ['limit', String(pageSize)],
      ['offset', String(offset)],
    ]);
    for (const p of points) {
      if (p.ts !== ts) throw new PagingContractError(`asked for ts ${ts} only, got a point at ${p.ts}`);
    }
    if (points.length > 0) yield points;
    offset += points.length;
    if (points.length === 0 || (points.length < pageSize && !more)) return;
  }
}

/** The cursor algorithm relies on ascending order and on `time-start` being honoured. */
function checkAscending(points: readonly unknown[], cursor: number | undefined): void {
  let prev = cursor ?? -Infinity;
  for (const p of points) {
    if (typeof p !== 'object' || p === null || !('ts' in p) || typeof p.ts !== 'number') {
      // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-conversion -- JSON.stringify(undefined) is undefined, whatever the type says
      throw new PagingContractError(`point without a numeric ts: ${String(JSON.stringify(p)).slice(0, 80)}`);
    }
    if (!(p.ts >= prev)) {
      throw new PagingContractError(
        cursor !== undefined && p.ts < cursor
          ? `asked for time-start ${cursor}, got a point at ${p.ts}`
          : `points are not in ascending ts order (${p.ts} after ${prev})`,
      );
    }
    prev = p.ts;
  }
}
