/**
 * Listing tests (= esmond metadata) in OpenSearch: a `composite` aggregation on the test checksum
 * with the newest document of each test (reading OpenSearch directly), paged by `after_key`, so any
 * number of tests is listed in bounded pages, in key order (as esmond orders metadata). Filters
 * the documents can answer go to OpenSearch (a test matches when any of its runs does); the
 * exact esmond semantics are then checked on the built metadata.
 * @module
 */
import { ResponseError, ValidationError } from '../../http/errors.js';
import { isJsonObject, type JsonObject } from '../../model/json-object.js';
import { decodeMetadata, encodeMetadataQuery } from '../codec.js';
import { planWindow } from '../time-cursor.js';
import type { DataQuery, Metadata, MetadataQuery } from '../types.js';
import { checksumOf, mapOpenSearchDocument, SOURCE_FIELDS } from './documents.js';
import { wireMetadata, testTypesOf } from './metadata.js';
import { INDEX, search, type OpenSearchTarget } from './search.js';
import { hostAddresses, type HostLookup } from './hosts.js';

/** Tests per aggregation page (each carries one whole document). */
export const DEFAULT_TEST_PAGE_SIZE = 500;

/** An OpenSearch query plus the exact check on each built metadata. */
export interface TestFilter {
  query: JsonObject;
  accept: (md: Metadata) => boolean;
}

/** `{start, end}` in UNIX seconds from esmond's time parameters (`time-range` alone: up to now). */
export function timeBounds(q: DataQuery | MetadataQuery): { start: number | undefined; end: number | undefined } {
  const plan = planWindow(q);
  let start: number | undefined;
  let end: number | undefined;
  for (const [k, v] of plan.first) {
    if (k === 'time-start') start = Number(v);
    else if (k === 'time-end') end = Number(v);
    else if (k === 'time-range') start = Math.floor(Date.now() / 1000) - Number(v);
  }
  return { start, end };
}

/** Builds the OpenSearch filter and the exact check of a metadata query. */
export async function metadataFilter(q: MetadataQuery, hosts: HostLookup): Promise<TestFilter> {
  encodeMetadataQuery(q); // the same validation as the esmond backend
  const filter: JsonObject[] = [];
  const checks: Array<(md: Metadata) => boolean> = [];
  for (const [value, field, pick] of [
    [q.source, 'meta.source.ip', (md: Metadata) => md.source],
    [q.destination, 'meta.destination.ip', (md: Metadata) => md.destination],
    [q.measurementAgent, 'meta.observer.ip', (md: Metadata) => md.measurementAgent],
  ] as const) {
    if (value === undefined) continue;
    const addresses = await hostAddresses(value, q.dnsMatchRule, hosts);
    const set = new Set(addresses.map((a) => a.toLowerCase()));
    // The agent of a mapped metadata is the lead participant, which Logstash may record in the
    // other address family: filter it exactly here only.
    if (field !== 'meta.observer.ip') filter.push({ terms: { [field]: addresses } });
    checks.push((md) => set.has((pick(md) ?? '').toLowerCase()));
  }
  if (q.toolName !== undefined) {
    filter.push({ term: { 'pscheduler.tool.keyword': q.toolName.replace(/^pscheduler\//, '') } });
    checks.push((md) => md.toolName === q.toolName);
  }
  if (q.metadataKey !== undefined) filter.push({ term: { 'pscheduler.test_checksum.keyword': q.metadataKey } });
  if (q.eventType !== undefined) {
    const types = testTypesOf(q.eventType);
    if (types !== undefined) filter.push({ terms: { 'test.type.keyword': types } });
    const et = q.eventType;
    checks.push((md) => {
      const e = md.eventTypes.find((x) => x.eventType === et);
      if (e === undefined) return false;
      if (q.summaryType === undefined && q.summaryWindow === undefined) return true;
      return e.summaries.some(
        (s) =>
          (q.summaryType === undefined || s.summaryType === q.summaryType) &&
          (q.summaryWindow === undefined || s.summaryWindow === q.summaryWindow),
      );
    });
  } else if (q.summaryType !== undefined || q.summaryWindow !== undefined) {
    checks.push((md) =>
      md.eventTypes.some((e) =>
        e.summaries.some(
          (s) =>
            (q.summaryType === undefined || s.summaryType === q.summaryType) &&
            (q.summaryWindow === undefined || s.summaryWindow === q.summaryWindow),
        ),
      ),
    );
  }
  for (const [value, pick] of [
    [q.inputSource, (md: Metadata) => md.inputSource],
    [q.inputDestination, (md: Metadata) => md.inputDestination],
    [q.subjectType, (md: Metadata) => md.subjectType],
    [q.metadataKey, (md: Metadata) => md.key],
  ] as const) {
    if (value !== undefined) checks.push((md) => pick(md) === value);
  }
  for (const [k, v] of q.filters ?? []) {
    if (k === 'pscheduler-test-type') filter.push({ term: { 'test.type.keyword': v } });
    checks.push((md) => (md.parameters[k] ?? md.raw[k]) === v);
  }
  const { start, end } = timeBounds(q);
  if (start !== undefined || end !== undefined) {
    const range: JsonObject = { format: 'epoch_second' };
    if (start !== undefined) range.gte = start;
    if (end !== undefined) range.lte = end;
    filter.push({ range: { 'pscheduler.start_time': range } });
  }
  return { query: { bool: { filter } }, accept: (md) => checks.every((c) => c(md)) };
}

function aggregationOf(r: { json: unknown; url: string; status: number; text: string }): {
  buckets: unknown[];
  after: unknown;
} {
  const body = isJsonObject(r.json) ? r.json : {};
  const aggs = isJsonObject(body.aggregations) ? body.aggregations : {};
  const tests = isJsonObject(aggs.tests) ? aggs.tests : undefined;
  if (tests === undefined || !Array.isArray(tests.buckets)) {
    throw new ResponseError('OpenSearch answer has no tests aggregation', {
      method: 'POST',
      url: r.url,
      status: r.status,
      body: r.text,
    });
  }
  return { buckets: tests.buckets, after: tests.after_key };
}

/** The metadata of one aggregation bucket, or undefined when its newest run cannot be mapped. */
function bucketMetadata(bucket: unknown, base: string): Metadata | undefined {
  const b = isJsonObject(bucket) ? bucket : {};
  const newest: unknown =
    isJsonObject(b.newest) && isJsonObject(b.newest.hits) && Array.isArray(b.newest.hits.hits)
      ? b.newest.hits.hits[0]
      : undefined;
  const source = isJsonObject(newest) && isJsonObject(newest._source) ? newest._source : undefined;
  if (source === undefined) return undefined;
  const key = checksumOf(source);
  if (key === undefined) return undefined;
  let record;
  try {
    record = mapOpenSearchDocument(source);
  } catch {
    return undefined; // like elmond, a test whose newest run lacks what a metadata needs is skipped
  }
  const updated = record.point.ts;
  return decodeMetadata(wireMetadata(record.metadata, { key, updated, base }), {
    method: 'POST',
    url: `${base}/${INDEX}/_search`,
  });
}

/** Every test matching `filter`, in checksum order, `pageSize` tests per request. */
export async function* listTests(
  target: OpenSearchTarget,
  filter: TestFilter,
  pageSize = DEFAULT_TEST_PAGE_SIZE,
  signal?: AbortSignal,
): AsyncGenerator<Metadata> {
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 10_000)
    throw new ValidationError(`pageSize must be an integer from 1 to 10000: ${pageSize}`, 'pageSize');
  let after: unknown;
  for (;;) {
    const composite: JsonObject = {
      size: pageSize,
      sources: [{ key: { terms: { field: 'pscheduler.test_checksum.keyword' } } }],
    };
    if (after !== undefined) composite.after = after;
    const body: JsonObject = {
      size: 0,
      query: filter.query,
      aggs: {
        tests: {
          composite,
          aggs: {
            newest: {
              top_hits: {
                size: 1,
                sort: [{ 'pscheduler.start_time': { order: 'desc' } }],
                _source: { includes: [...SOURCE_FIELDS] },
              },
            },
          },
        },
      },
    };
    const r = await search(target, `${INDEX}/_search`, body, signal, [['ignore_unavailable', 'true']]);
    const { buckets, after: next } = aggregationOf(r);
    for (const bucket of buckets) {
      const md = bucketMetadata(bucket, target.base);
      if (md !== undefined && filter.accept(md)) yield md;
    }
    if (buckets.length < pageSize || next === undefined) return;
    after = next;
  }
}
