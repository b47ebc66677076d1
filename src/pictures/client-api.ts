/**
 * The page's archive API served from a library client instead of forwarded bytes: what
 * `esmond-ps-view --archive opensearch|auto` uses, so the page works for every backend the
 * client reads (the client speaks OpenSearch; the page always speaks esmond). Only the two
 * reads the page makes: a metadata search and a series read, both GETs.
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SeriesType } from '../model/event-types.js';
import type { EsmondClient } from '../query/types.js';
import type { MetadataQuery } from '../model/metadata.js';
import type { ArchiveProxy } from './proxy.js';

const SEGMENTS: Readonly<Record<string, SeriesType>> = {
  base: 'base',
  aggregations: 'aggregation',
  averages: 'average',
  statistics: 'statistics',
};

/** Search filters the page sends, as {@link MetadataQuery} fields. */
const FILTERS: ReadonlyArray<
  [string, 'source' | 'destination' | 'inputSource' | 'inputDestination' | 'eventType' | 'toolName']
> = [
  ['source', 'source'],
  ['destination', 'destination'],
  ['input-source', 'inputSource'],
  ['input-destination', 'inputDestination'],
  ['event-type', 'eventType'],
  ['tool-name', 'toolName'],
];

function intParam(params: URLSearchParams, name: string): number | undefined {
  const raw = params.get(name);
  if (raw === null || !/^\d+$/.test(raw)) return undefined;
  return Number(raw);
}

function answer(req: IncomingMessage, res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
  });
  res.end(req.method === 'HEAD' ? undefined : text);
}

/** Serves the page's reads from `client` (see the module docs). */
export function createClientApi(client: EsmondClient): ArchiveProxy {
  const serve = async (req: IncomingMessage, res: ServerResponse, rest: string, search: string): Promise<void> => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      answer(req, res, 405, { detail: 'The archive proxy only reads (GET, HEAD).' });
      return;
    }
    const params = new URLSearchParams(search);
    const limit = Math.min(intParam(params, 'limit') ?? 1000, 100_000);
    const offset = intParam(params, 'offset') ?? 0;
    const parts = rest
      .split('/')
      .filter((p) => p !== '')
      .map((p) => decodeURIComponent(p));
    try {
      if (parts.length === 0) {
        const query: MetadataQuery = {};
        for (const [param, field] of FILTERS) {
          const v = params.get(param);
          if (v !== null) query[field] = v;
        }
        const out: unknown[] = [];
        let skipped = 0;
        for await (const md of client.searchMetadata(query)) {
          if (skipped++ < offset) continue;
          out.push(md.raw);
          if (out.length >= limit) break;
        }
        answer(req, res, 200, out);
        return;
      }
      const [key, eventType, segment, window] = parts;
      const summaryType = segment === undefined ? undefined : SEGMENTS[segment];
      if (key === undefined || eventType === undefined || summaryType === undefined || parts.length > 4) {
        answer(req, res, 404, { detail: 'Not found.' });
        return;
      }
      const start = intParam(params, 'time-start');
      const end = intParam(params, 'time-end');
      const points: unknown[] = [];
      let skipped = 0;
      const series = { summaryType, summaryWindow: window === undefined ? 0 : Number(window) };
      const range = {
        ...(start !== undefined ? { timeStart: start } : {}),
        ...(end !== undefined ? { timeEnd: end } : {}),
      };
      outer: for await (const page of client.dataPages(key, eventType, series, range)) {
        for (const p of page) {
          if (skipped++ < offset) continue;
          points.push(p);
          if (points.length >= limit) break outer;
        }
      }
      answer(req, res, 200, points);
    } catch (err) {
      answer(req, res, 502, { detail: `archive unreachable: ${err instanceof Error ? err.message : String(err)}` });
    }
  };
  return Object.assign(serve, { close: () => Promise.resolve() });
}
