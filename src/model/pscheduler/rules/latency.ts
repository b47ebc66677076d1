/**
 * The rules of `latency` and `latencybg` tests (powstream, owping): one-way delay histograms,
 * loss, duplicates and reorders.
 * @module
 */
import { addRate, type TypeRules } from './common.js';

export const LATENCY: TypeRules = {
  eventTypes: () => [
    'failures',
    'packet-count-sent',
    'histogram-owdelay',
    'histogram-ttl',
    'packet-duplicates',
    'packet-loss-rate',
    'packet-count-lost',
    'packet-reorders',
    'time-error-estimates',
  ],
  fieldMap: {
    'packet-count': 'sample-size',
    'bucket-width': 'sample-bucket-width',
    'packet-interval': 'time-probe-interval',
    'packet-timeout': 'time-probe-timeout',
    'ip-tos': 'ip-tos',
    flip: 'mode-flip',
    'packet-padding': 'ip-packet-padding',
    'single-participant-mode': 'mode-single-participant',
  },
  dataFieldMap: {
    'histogram-latency': 'histogram-owdelay',
    'histogram-ttl': 'histogram-ttl',
    'packets-sent': 'packet-count-sent',
    'packets-lost': 'packet-count-lost',
    'packets-reordered': 'packet-reorders',
    'packets-duplicated': 'packet-duplicates',
    'max-clock-error': 'time-error-estimates',
  },
  extraData: (_spec, result, add) => {
    addRate(add, 'packet-loss-rate', result, 'packets-lost', 'packets-sent');
  },
};
