/**
 * The rules of `rtt` tests (ping, twping): round-trip time and reverse TTL histograms, loss,
 * duplicates and reorders in both directions.
 * @module
 */
import { formatFixed2, isoDurationSeconds, MappingError } from '../iso.js';
import { addRate, floatSeconds, isObj, truthy, type AddValue, type Obj, type TypeRules } from './common.js';

function rttData(_spec: Obj, result: Obj, add: AddValue): void {
  const rtts: Record<string, number> = {};
  const ttls: Record<string, number> = {};
  const trips = result.roundtrips ?? [];
  if (!Array.isArray(trips)) throw new MappingError('rtt result "roundtrips" must be a list');
  trips.forEach((rt, i) => {
    if (!isObj(rt)) throw new MappingError(`rtt round trip ${i + 1} is not an object`);
    if (truthy(rt.rtt)) {
      const key = formatFixed2(isoDurationSeconds(rt.rtt, `round trip ${i + 1} rtt`) * 1000);
      rtts[key] = (rtts[key] ?? 0) + 1;
    }
    if (truthy(rt.ttl)) {
      const key = String(rt.ttl);
      ttls[key] = (ttls[key] ?? 0) + 1;
    }
  });
  if (Object.keys(rtts).length > 0) add('histogram-rtt', rtts);
  if (Object.keys(ttls).length > 0) add('histogram-ttl-reverse', ttls);
  addRate(add, 'packet-loss-rate-bidir', result, 'lost', 'sent');
}

export const RTT: TypeRules = {
  eventTypes: () => [
    'failures',
    'packet-count-sent',
    'histogram-rtt',
    'histogram-ttl-reverse',
    'packet-duplicates-bidir',
    'packet-loss-rate-bidir',
    'packet-count-lost-bidir',
    'packet-reorders-bidir',
  ],
  fieldMap: {
    count: 'sample-size',
    flowlabel: 'ip-packet-flowlabel',
    tos: 'ip-tos',
    length: 'ip-packet-size',
    ttl: 'ip-ttl',
  },
  extraMetadata: (spec, parameters) => {
    if (truthy(spec.interval)) parameters['time-probe-interval'] = floatSeconds(spec.interval, 'spec interval');
    if (truthy(spec.timeout)) parameters['time-test-timeout'] = floatSeconds(spec.timeout, 'spec timeout');
    if (truthy(spec.deadline)) parameters['time-probe-timeout'] = floatSeconds(spec.deadline, 'spec deadline');
  },
  dataFieldMap: {
    sent: 'packet-count-sent',
    lost: 'packet-count-lost-bidir',
    duplicates: 'packet-duplicates-bidir',
    reorders: 'packet-reorders-bidir',
  },
  extraData: rttData,
};
