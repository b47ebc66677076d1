/**
 * The rules of `trace` tests (traceroute, tracepath, paris-traceroute): the first path's hops,
 * the path MTU, and every path for paris-traceroute.
 * @module
 */
import { isoDurationSeconds, MappingError } from '../iso.js';
import { floatSeconds, isObj, truthy, type AddValue, type Obj, type TypeRules } from './common.js';

function traceData(spec: Obj, result: Obj, add: AddValue): void {
  const paths = result.paths;
  if (!Array.isArray(paths)) throw new MappingError('trace result has no "paths" list');
  const all: Obj[][] = [];
  let first: Obj[] | undefined;
  let mtu: unknown = undefined; // carried over from hop to hop, across paths too
  let pmtu: number | undefined;
  for (const path of paths) {
    if (!Array.isArray(path)) throw new MappingError('trace result "paths" must be a list of lists of hops');
    const hops = path.map((hop, i): Obj => {
      if (!isObj(hop)) throw new MappingError(`trace hop ${i + 1} is not an object`);
      const out: Obj = { ttl: i + 1, query: 1 };
      if (truthy(hop.error)) {
        out.success = 0;
        out['error-message'] = hop.error;
      } else out.success = 1;
      if (truthy(hop.ip)) out.ip = hop.ip;
      if (truthy(hop.hostname)) out.hostname = hop.hostname;
      if (truthy(hop.as)) out.as = hop.as;
      if (hop.rtt !== undefined && hop.rtt !== null)
        out.rtt = isoDurationSeconds(hop.rtt, `trace hop ${i + 1} rtt`) * 1000;
      if (hop.mtu !== undefined && hop.mtu !== null) {
        out.mtu = hop.mtu;
        mtu = hop.mtu;
        if (typeof hop.mtu === 'number' && (pmtu === undefined || pmtu > hop.mtu)) pmtu = hop.mtu;
      } else if (mtu !== undefined) out.mtu = mtu;
      return out;
    });
    all.push(hops);
    if (first === undefined && hops.length > 0) first = hops;
  }
  if (first !== undefined) add('packet-trace', first);
  if (pmtu !== undefined) add('path-mtu', pmtu);
  if (spec.algorithm === 'paris-traceroute' && all.length > 0) add('packet-trace-multi', all);
}

export const TRACE: TypeRules = {
  eventTypes: (spec) => [
    'failures',
    'packet-trace',
    'path-mtu',
    ...(spec.algorithm === 'paris-traceroute' ? ['packet-trace-multi'] : []),
  ],
  fieldMap: {
    algorithm: 'trace-algorithm',
    'first-ttl': 'trace-first-ttl',
    fragment: 'ip-fragment',
    hops: 'trace-max-ttl',
    length: 'ip-packet-size',
    'probe-type': 'ip-transport-protocol',
    queries: 'trace-num-queries',
    tos: 'ip-tos',
  },
  extraMetadata: (spec, parameters) => {
    if (truthy(spec.sendwait)) parameters['time-probe-interval'] = floatSeconds(spec.sendwait, 'spec sendwait');
    if (truthy(spec.wait)) parameters['time-test-timeout'] = floatSeconds(spec.wait, 'spec wait');
  },
  extraData: traceData,
};
