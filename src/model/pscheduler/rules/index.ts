/**
 * Which record class the esmond archiver uses for a run: the rules of its test type (one module
 * each), or the raw record (`pscheduler-raw` only) for other types and the `raw-only` policy.
 * @module
 */
import { MappingError } from '../iso.js';
import type { FormattingPolicy } from '../types.js';
import type { TypeRules } from './common.js';
import { DISK_TO_DISK } from './disk-to-disk.js';
import { LATENCY } from './latency.js';
import { RTT } from './rtt.js';
import { THROUGHPUT } from './throughput.js';
import { TRACE } from './trace.js';

export type { AddValue, TypeRules } from './common.js';

/** The raw record: the whole result as `pscheduler-raw`, the spec as parameters. */
const RAW: TypeRules = { eventTypes: () => ['pscheduler-raw'], fieldMap: {} };

/** The mapped test types and their rules. */
const MAPPED: ReadonlyMap<string, TypeRules> = new Map([
  ['latency', LATENCY],
  ['latencybg', LATENCY],
  ['throughput', THROUGHPUT],
  ['trace', TRACE],
  ['rtt', RTT],
  ['disk-to-disk', DISK_TO_DISK],
]);

/**
 * The record class for a test type under a policy: its rules, whether it is the raw record, and
 * whether it is disk-to-disk (whose ends are URLs and whose spec is kept as parameters too).
 * @throws MappingError for an unknown type under `mapped-only`.
 */
export function rulesFor(testType: string, policy: FormattingPolicy): { rules: TypeRules; raw: boolean; d2d: boolean } {
  if (policy !== 'raw-only') {
    const rules = MAPPED.get(testType);
    if (rules !== undefined) return { rules, raw: false, d2d: rules === DISK_TO_DISK };
    if (policy === 'mapped-only') {
      throw new MappingError(
        `Unable to store result because 'mapped-only' policy is being used and the test is of an unrecognized type ${testType}`,
      );
    }
  }
  return { rules: RAW, raw: true, d2d: false };
}
