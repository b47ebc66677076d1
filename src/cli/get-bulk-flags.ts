/**
 * esmond-ps-get-bulk's own flags (listed in query-flags.ts's `BULK_FLAGS`), typed and
 * checked: the validation step get-bulk runs before the reading tools' shared one.
 * @module
 */
import type { FlagValues } from './flags.js';
import type { QueryKey } from './query-flags.js';

/** get-bulk's own flags, typed. */
export interface BulkFlags {
  force: boolean;
  resume: boolean;
  quiet: boolean;
  safeNames: boolean;
  report?: string;
  checkpoint?: string;
  concurrency?: number;
  window?: number;
  pageSize?: number;
}

/** get-bulk's flags from the parsed command line, or the one-line problem of a value out of range. */
export function bulkFlagsOf(v: FlagValues<QueryKey>): BulkFlags | { problem: string } {
  const flags: BulkFlags = {
    force: v.flag('force'),
    resume: v.flag('resume'),
    quiet: v.flag('quiet'),
    safeNames: v.flag('safeNames'),
  };
  const report = v.string('report');
  if (report !== undefined) flags.report = report;
  const checkpoint = v.string('checkpoint');
  if (checkpoint !== undefined) flags.checkpoint = checkpoint;
  const concurrency = v.int('concurrency');
  if (concurrency !== undefined) {
    if (concurrency < 1 || concurrency > 16) return { problem: '--concurrency must be from 1 to 16' };
    flags.concurrency = concurrency;
  }
  const pageSize = v.int('pageSize');
  if (pageSize !== undefined) {
    if (pageSize < 1 || pageSize > 10000) return { problem: '--page-size must be from 1 to 10000' };
    flags.pageSize = pageSize;
  }
  const window = v.int('window');
  if (window !== undefined) {
    if (window < 1) return { problem: '--window must be at least 1 second' };
    flags.window = window;
  }
  return flags;
}
