/**
 * Bulk export of an esmond archive (the engine of esmond-ps-get-bulk): plan series, export
 * each to its own file with chunked, retried, resumable requests, and report completeness.
 *
 * @example
 * ```ts
 * const report = await exportBulk({
 *   createClient: (extra) => createClient({ url: 'http://archive.example.net', ...extra }),
 *   query: { eventType: 'throughput' },
 *   timeStart: 1700000000, timeEnd: 1702592000,
 *   format: 'csv', outDir: '/data/export', ip: true, fingerprint: 'my-export',
 *   progress: lineProgress(process.stderr),
 * });
 * if (report.failures > 0) console.error('incomplete, run again with resume: true');
 * ```
 * @module
 */
export { CHECKPOINT_NAME, fingerprintOf } from './checkpoint.js';
export { createSeriesEncoder, type EncoderOptions } from './encoder.js';
export { CheckpointMismatchError, exportBulk, type ExportBulkOptions } from './export.js';
export { HostnameCache, systemReverseLookup, type ReverseLookup } from './hostnames.js';
export { baseFileName, uniqueFileNames, utcDate } from './naming.js';
export { PART_SUFFIX } from './part-file.js';
export { planSeries, type PlanOptions, type PlannedJob } from './plan.js';
export { createProgress, lineProgress, type ProgressSink } from './progress.js';
export { buildReport, renderReport } from './report.js';
export { BULK_DEFAULTS, runBulk, type BulkRunOptions } from './run.js';
export type { BulkFormat, BulkReport, SeriesJob, SeriesReport, SeriesState, SeriesStatus } from './types.js';
