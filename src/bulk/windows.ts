/**
 * Time-window chunking of data requests. Each window is read with the client's own paging; the
 * window size adapts so that a window holds about one page, which keeps every request small for
 * the archive (esmond scans the requested range; perfSONAR 5 refuses more than 10 000 rows per
 * request) and makes a failed window cheap to redo.
 * @module
 */

/** Bounds of the adaptive window, seconds. */
export const MIN_WINDOW_SECONDS = 60;
export const MAX_WINDOW_SECONDS = 366 * 86400;

/** Share of a page a window aims at, so that a busier stretch still fits in one request. */
export const TARGET_FILL = 0.8;

/** The inclusive window `[from, to]` that starts at `from`, clipped to `end`. */
export function windowAt(from: number, seconds: number, end: number): [number, number] {
  return [from, Math.min(end, from + Math.max(1, Math.floor(seconds)) - 1)];
}

/**
 * The next window size after a window of `seconds` gave `points` points in `pages` requests,
 * with `pageSize` points per request. Grows ×4 at most on empty or sparse windows and shrinks
 * ×8 at most on dense ones (a smooth reaction to a one-off burst). `fill` is the share of a page
 * aimed at (above 1 over a long link: see rtt.ts).
 */
export function nextWindowSeconds(
  seconds: number,
  points: number,
  pageSize: number,
  maxSeconds = MAX_WINDOW_SECONDS,
  fill = TARGET_FILL,
): number {
  const ideal = points === 0 ? seconds * 4 : (seconds * pageSize * fill) / points;
  const bounded = Math.min(seconds * 4, Math.max(seconds / 8, ideal));
  return Math.round(Math.min(maxSeconds, Math.max(MIN_WINDOW_SECONDS, bounded)));
}
