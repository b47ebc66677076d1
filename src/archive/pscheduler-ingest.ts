/**
 * Ingest of pScheduler results into the embedded archive: an http-archiver envelope (or the
 * esmond archiver's input, or a list of either) is mapped exactly as pScheduler's esmond archiver
 * maps it and written through the same core methods the esmond write API uses, so a perfSONAR
 * node can archive straight into this archive.
 * @module
 */
import {
  declaredValues,
  hostsOf,
  mapPschedulerDocument,
  MappingError,
  recordInputFromDocument,
  tableLookup,
  type AddressLookup,
  type EnvelopeDefaults,
  type HostAddresses,
  type MappedRecord,
} from '../model/pscheduler/map.js';
import { ApiError, type ArchiveService, type RequestContext, type Resolver } from './types.js';

/** Counts of one ingest. */
export interface IngestCounts {
  /** Runs read from the body. */
  results: number;
  /** Distinct metadata the runs were stored under (created or found). */
  metadata: number;
  /** Values written (one per event type and run; duplicates already stored are not counted). */
  points: number;
}

/** Options of {@link ingestPschedulerResult}. */
export interface IngestOptions {
  /** Host names → addresses; without it only IP literals resolve. */
  lookup?: AddressLookup;
  /** Archive-spec settings for envelopes that carry none (measurement agent, policy, summaries). */
  defaults?: EnvelopeDefaults;
  /** Declare the event types the archiver sends but leaves undeclared (packet-rtt, …). */
  declareAll?: boolean;
}

/** Most runs one request may carry. */
const MAX_RESULTS = 10_000;

function documentsOf(body: unknown): unknown[] {
  const docs = Array.isArray(body) ? body : [body];
  if (docs.length === 0) throw new ApiError(400, 'No pScheduler result in request.');
  if (docs.length > MAX_RESULTS) throw new ApiError(400, `At most ${MAX_RESULTS} pScheduler results per request.`);
  return docs;
}

/** Maps every document first, so a bad one rejects the request before anything is written. */
function mapAll(docs: unknown[], options: IngestOptions): MappedRecord[] {
  return docs.map((doc, i) => {
    try {
      return mapPschedulerDocument(doc, options);
    } catch (err) {
      if (err instanceof MappingError) {
        throw new ApiError(400, docs.length > 1 ? `Result ${i + 1}: ${err.message}` : err.message);
      }
      throw err;
    }
  });
}

/**
 * Writes one run's values: one bulk write, or — when some value is already stored (409) — value
 * by value, skipping the duplicates, as the archiver treats 409 as success.
 */
async function writeValues(
  service: ArchiveService,
  key: string,
  record: MappedRecord,
  ctx: RequestContext,
): Promise<number> {
  const values = declaredValues(record);
  if (values.length === 0) return 0;
  const { ts } = record.point;
  try {
    await service.bulkWrite(key, { data: [{ ts, val: values }] }, ctx);
    return values.length;
  } catch (err) {
    if (!(err instanceof ApiError) || err.status !== 409) throw err;
  }
  let written = 0;
  for (const v of values) {
    try {
      await service.writePoint(key, v['event-type'], 'base', { ts, val: v.val }, ctx);
      written += 1;
    } catch (err) {
      if (!(err instanceof ApiError) || err.status !== 409) throw err;
    }
  }
  return written;
}

/**
 * Stores pScheduler results: one run (envelope or archiver input) or a list of runs.
 * @throws ApiError 400 with a one-line reason when a run cannot be mapped (nothing is written
 * then); the service's own ApiErrors (metadata or value validation) pass through.
 */
export async function ingestPschedulerResult(
  service: ArchiveService,
  body: unknown,
  ctx: RequestContext,
  options: IngestOptions = {},
): Promise<IngestCounts> {
  const records = mapAll(documentsOf(body), options);
  const keys = new Set<string>();
  let points = 0;
  for (const record of records) {
    const { metadata } = await service.createMetadata(record.metadata, ctx);
    const key = metadata['metadata-key'];
    keys.add(key);
    points += await writeValues(service, key, record, ctx);
  }
  return { results: records.length, metadata: keys.size, points };
}

/**
 * Like {@link ingestPschedulerResult}, but resolves the host names the runs mention first
 * (spec source/dest, lead participant, measurement agent), so runs naming hosts rather than IP
 * addresses can be stored. Names that do not resolve make the run fail with a clear 400.
 */
export async function ingestPschedulerResultResolved(
  service: ArchiveService,
  body: unknown,
  ctx: RequestContext,
  resolver: Resolver,
  options: Omit<IngestOptions, 'lookup'> = {},
): Promise<IngestCounts> {
  const hosts = new Set<string>();
  for (const doc of documentsOf(body)) {
    try {
      for (const h of hostsOf(recordInputFromDocument(doc, options.defaults))) hosts.add(h);
    } catch {
      // Malformed documents are reported by the synchronous pass with their reason.
    }
  }
  const table = new Map<string, HostAddresses>();
  await Promise.all(
    [...hosts].map(async (host) => {
      const [v4, v6] = await Promise.all([
        resolver(host, 4).catch(() => undefined),
        resolver(host, 6).catch(() => undefined),
      ]);
      table.set(host, { v4, v6 });
    }),
  );
  return ingestPschedulerResult(service, body, ctx, { ...options, lookup: tableLookup(table) });
}
