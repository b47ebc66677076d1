/**
 * The bulk file encoder: the rows of esmond-ps-get for one series, in one of the file formats
 * of the format registry, without the final newline of `print` (the original's output layouts; the original get-bulk's algorithm). The text comes from the format module's
 * point encoder, the same code esmond-ps-get prints through; the encoder keeps no state between
 * calls (see {@link SeriesEncoder}).
 * @module
 */
import { columnsFor, createPointEncoder, familyOf, formatterFor, type RowContext } from '../format/index.js';
import type { WirePoint } from '../model/wire.js';
import type { HostnameCache } from '../util/hostnames.js';
import type { BulkFormat, SeriesEncoder, SeriesJob } from './types.js';

/** How rows are written and names shown. Rows are labelled with the series read (`job.selector`). */
export interface EncoderOptions {
  format: BulkFormat;
  /** Host names for source/destination/hop ip; absent with `--ip`. */
  hostnames?: HostnameCache;
}

/** Collects packet-trace hop addresses of a page (they are shown as host names too). */
function hopAddresses(points: readonly WirePoint[]): Set<string> {
  const out = new Set<string>();
  for (const p of points) {
    if (!Array.isArray(p.val)) continue;
    for (const hop of p.val as unknown[]) {
      const ip = hop !== null && typeof hop === 'object' ? (hop as Record<string, unknown>)['ip'] : undefined;
      if (typeof ip === 'string' && ip !== '') out.add(ip);
    }
  }
  return out;
}

/** The encoder of one series. */
export function createSeriesEncoder(job: SeriesJob, opts: EncoderOptions): SeriesEncoder {
  const summaryType = job.selector.summaryType ?? 'base';
  const family = familyOf(job.eventType, summaryType);
  const columns = columnsFor(family, { format: opts.format });
  const cache = opts.hostnames;
  const labels = new Map<string, string>();
  if (job.metadata.source) labels.set(job.metadata.source, job.sourceLabel);
  if (job.metadata.destination) labels.set(job.metadata.destination, job.destinationLabel);
  const ctx: RowContext = {
    metadata: job.metadata,
    eventType: job.eventType,
    summaryType,
    summaryWindow: job.selector.summaryWindow ?? 0,
    format: opts.format,
    family,
    ...(cache ? { hostnames: (v: string) => labels.get(v) ?? cache.lookup(v) } : {}),
  };
  const points = createPointEncoder(opts.format, columns, ctx);
  const formatter = formatterFor(opts.format);
  return {
    begin: () => formatter.begin(columns),
    ...(cache && family === 'packet_trace'
      ? {
          async prepare(page: readonly WirePoint[]): Promise<void> {
            await Promise.all([...hopAddresses(page)].map((ip) => cache.resolve(ip)));
          },
        }
      : {}),
    encode(page, memory) {
      const before = memory.rows;
      const text = points.encode(page, memory);
      return { text, rows: memory.rows - before };
    },
    end: () => formatter.end,
  };
}
