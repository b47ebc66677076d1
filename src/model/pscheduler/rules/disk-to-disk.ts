/**
 * The rules of `disk-to-disk` tests: the throughput of the transfer (the spec becomes
 * `pscheduler-disk-to-disk-*` parameters, as for raw records).
 * @module
 */
import { MappingError } from '../iso.js';
import type { TypeRules } from './common.js';

export const DISK_TO_DISK: TypeRules = {
  eventTypes: () => ['failures', 'throughput'],
  fieldMap: { parallel: 'bw-parallel-streams' },
  extraData: (_spec, result, add) => {
    if (result.throughput !== undefined && result.throughput !== null) {
      const v = Number(result.throughput);
      if (!Number.isFinite(v)) throw new MappingError('disk-to-disk result "throughput" is not a number');
      add('throughput', v);
    }
  },
};
