/**
 * `GET /pictures/routes.json?key=K&start=S&end=E`: the route changes of one traceroute test over a
 * time range, for the pair view's longer ranges. A month of traces every 10 minutes is 4 000+
 * traces (megabytes of hops); the page needs only the runs of identical paths. The server streams
 * the traces page by page and keeps only the runs (bounded), so neither side holds the month.
 * @module
 */
import type { ArchiveReader } from './archive-reader.js';
import { RouteRunBuilder, type RouteChanges } from '../web/route-runs.js';
import { pathOf } from '../web/values.js';

/** Runs sent at most (the newest); the hop chart draws two points per run. */
export const MAX_RUNS = 2000;
/** Traces read at most for one answer (a year of traces every 10 minutes is 52 560). */
export const MAX_TRACES = 60_000;
/** Longest range accepted, seconds. */
const MAX_SPAN = 400 * 86400;

/** A parsed request, or the reason it is refused. */
export type RoutesRequest = { key: string; start: number; end: number } | { error: string };

/** Validates the query string of a routes request. */
export function parseRoutesRequest(params: URLSearchParams): RoutesRequest {
  const key = params.get('key') ?? '';
  const start = Number(params.get('start'));
  const end = Number(params.get('end'));
  if (!/^[A-Za-z0-9_.-]{1,128}$/.test(key)) return { error: 'key: expected a metadata key' };
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end < start) {
    return { error: 'start, end: expected UNIX seconds with start ≤ end' };
  }
  if (end - start > MAX_SPAN) return { error: `the range is longer than ${MAX_SPAN / 86400} days` };
  return { key, start, end };
}

/** Reads the traces of `key` in [start, end] and reduces them to their route changes. */
export async function readRouteChanges(
  reader: ArchiveReader,
  req: { key: string; start: number; end: number },
): Promise<RouteChanges> {
  const runs = new RouteRunBuilder(MAX_RUNS);
  let read = 0;
  for await (const page of reader.dataPages(
    req.key,
    'packet-trace',
    {},
    { timeStart: req.start, timeEnd: req.end, pageSize: 1000 },
  )) {
    for (const p of page) {
      runs.add(p.ts, Array.isArray(p.val) ? pathOf(p.val) : []);
      if (++read >= MAX_TRACES) return runs.result(true);
    }
  }
  return runs.result();
}
