/**
 * OpenSearch backend export rate: `dataPages()` of the OpenSearch backend against the
 * baseline of the same run — raw `_search` page fetches (undici, search_after) and `JSON.parse`
 * of each page, nothing else. Both read the same pre-serialised pages from a static in-process
 * server (an OpenSearch 2.3 without point in time), so the ratio is the backend's own cost:
 * mapping each run as the esmond archiver would, normalising values, paging. Goal ≥ 0.7×.
 *
 * Measured 2026-12-06 on the shared 2-core machine at load average 18.5 (20 000 iperf3 UDP runs):
 * backend 2,605 / 2,558 / 2,628 points/s for throughput / packet-loss-rate /
 * throughput-subintervals against raw 4,390 / 4,131 / 5,110 docs/s → 0.59× / 0.62× / 0.51×
 * (was 0.27–0.42× before the backend mapped only what the event type reads and skipped the
 * envelope reader's document walk). That server ignored `_source.excludes` and the baseline
 * fetched whole documents.
 *
 * Since 2026-12-07 the static server applies the `_source` filter as OpenSearch does, the
 * baseline fetches exactly the pages the backend gets, and each side counts its best of three
 * alternating rounds (the machine is shared). At load average 21–23: before the change below
 * 0.38× / 0.40× / 0.62×; after it (the next page fetched while the current one is mapped; a
 * series read maps only the point: no reference parameters, no address table, run identity
 * only on a timestamp tie) 13,765 / 9,615 / 2,816 points/s against 19,905 / 13,764 / 3,950
 * docs/s → 0.69× / 0.70× / 0.71×. What is left is mostly the pScheduler mapper building the
 * metadata half of each record, which a series read throws away (a point-only entry point in
 * the mapper would remove it).
 * @module
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';
import { createClient } from '../src/query/client.js';
import { SOURCE_FIELDS, unneededResultPaths } from '../src/query/opensearch/documents.js';
import { envelopeFor, logstashDocument } from '../test/helpers/logstash.js';
import { pickSource } from '../test/helpers/opensearch-stand-in.js';

const T0 = 1_700_000_000;
const RUNS = 20_000;
const PAGE = 1000;
const ROUNDS = 3;

function rate(n: number, ms: number): number {
  return (n / ms) * 1000;
}

/** The `_source` the backend asks for when it reads `eventType` (the baseline asks for the same). */
function sourceFor(eventType: string): unknown {
  const excludes = unneededResultPaths(eventType);
  return excludes.length === 0 ? [...SOURCE_FIELDS] : { includes: [...SOURCE_FIELDS], excludes };
}

export default async function bench(report: (line: string) => void): Promise<void> {
  const throughput = JSON.parse(
    readFileSync(
      fileURLToPath(new URL('../test/fixtures/pscheduler/results/throughput-iperf3-udp-result.json', import.meta.url)),
      'utf8',
    ),
  ) as Record<string, unknown>;
  const docs = Array.from({ length: RUNS }, (_, k) =>
    logstashDocument(envelopeFor(throughput, T0 + k * 60, k, '10.0.0.1'), '10.0.0.1'),
  );
  const key = (docs[0]!.pscheduler as Record<string, unknown>).test_checksum as string;
  // Pre-serialised pages per `_source` filter (as OpenSearch applies it), keyed by the search_after that asks for them.
  const pagesBySource = new Map<string, Map<string, Buffer>>();
  const pagesFor = (source: unknown): Map<string, Buffer> => {
    const id = JSON.stringify(source ?? null);
    let pages = pagesBySource.get(id);
    if (pages) return pages;
    pages = new Map();
    for (let i = 0, after = 'null'; i < RUNS; i += PAGE) {
      const hits = docs.slice(i, i + PAGE).map((d, j) => {
        const ps = d.pscheduler as Record<string, unknown>;
        return {
          _index: '.ds-pscheduler_throughput-000001',
          _id: String(i + j),
          _source: pickSource(d, source),
          sort: [Date.parse(String(ps.start_time)), ps.run_id],
        };
      });
      pages.set(
        after,
        Buffer.from(
          JSON.stringify({
            took: 1,
            timed_out: false,
            _shards: { total: 1, successful: 1, skipped: 0, failed: 0 },
            hits: { hits },
          }),
        ),
      );
      after = JSON.stringify(hits[hits.length - 1]!.sort);
    }
    pagesBySource.set(id, pages);
    return pages;
  };
  const EVENT_TYPES = ['throughput', 'packet-loss-rate', 'throughput-subintervals'];
  for (const et of EVENT_TYPES) pagesFor(sourceFor(et));
  const empty = Buffer.from(JSON.stringify({ _shards: { failed: 0 }, hits: { hits: [] } }));
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.url?.includes('point_in_time') === true) {
        res.writeHead(400, { 'content-type': 'application/json' });
        res.end('{"error":{"type":"illegal_argument_exception","reason":"no point in time before 2.4"},"status":400}');
        return;
      }
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { search_after?: unknown; _source?: unknown };
      res.writeHead(200, { 'content-type': 'application/json; charset=UTF-8' });
      res.end(pagesFor(body._source).get(JSON.stringify(body.search_after ?? null)) ?? empty);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/opensearch`;
  try {
    const raw = async (eventType: string): Promise<{ docs: number; bytes: number }> => {
      let n = 0;
      let bytes = 0;
      let after: unknown;
      for (;;) {
        const body = {
          size: PAGE,
          query: { bool: { filter: [{ term: { 'pscheduler.test_checksum.keyword': key } }] } },
          sort: [{ 'pscheduler.start_time': 'asc' }, { 'pscheduler.run_id.keyword': 'asc' }],
          _source: sourceFor(eventType),
          ...(after === undefined ? {} : { search_after: after }),
        };
        const r = await request(`${base}/pscheduler_*/_search`, {
          method: 'POST',
          body: JSON.stringify(body),
          headers: { 'content-type': 'application/json' },
        });
        const text = await r.body.text();
        bytes += text.length;
        const page = JSON.parse(text) as { hits: { hits: Array<{ sort: unknown[] }> } };
        const hits = page.hits.hits;
        n += hits.length;
        if (hits.length < PAGE) return { docs: n, bytes };
        after = hits[hits.length - 1]!.sort;
      }
    };
    const backend = async (eventType: string): Promise<number> => {
      const client = createClient({ url: base, archive: 'opensearch' });
      let n = 0;
      try {
        for await (const page of client.dataPages(key, eventType)) n += page.length;
      } finally {
        await client.close();
      }
      return n;
    };
    await raw('throughput'); // warm-up
    await backend('throughput');
    // The machine is shared: each side is timed ROUNDS times, alternating, and its best time counts.
    for (const et of EVENT_TYPES) {
      let tRaw = Infinity;
      let tBackend = Infinity;
      let nRaw = 0;
      let bytes = 0;
      for (let round = 0; round < ROUNDS; round++) {
        const t0 = performance.now();
        ({ docs: nRaw, bytes } = await raw(et));
        tRaw = Math.min(tRaw, performance.now() - t0);
        const t1 = performance.now();
        const nBackend = await backend(et);
        tBackend = Math.min(tBackend, performance.now() - t1);
        if (nBackend !== nRaw) throw new Error(`backend read ${nBackend} points, raw ${nRaw}`);
      }
      const ratio = rate(nRaw, tBackend) / rate(nRaw, tRaw);
      report(
        `opensearch export ${et}: backend ${Math.round(rate(nRaw, tBackend)).toLocaleString('en-US')} points/s, raw _search+JSON.parse of the same pages (${Math.round(bytes / nRaw).toLocaleString('en-US')} bytes/doc) ${Math.round(rate(nRaw, tRaw)).toLocaleString('en-US')} docs/s → ${ratio.toFixed(2)}× (goal ≥ 0.7×, best of ${ROUNDS})`,
      );
    }
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) =>
      server.close(() => {
        resolve();
      }),
    );
  }
}
