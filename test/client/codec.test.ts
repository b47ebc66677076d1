import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeMetadata, encodeMetadataQuery } from '../../src/query/codec.js';
import { ResponseError, ValidationError } from '../../src/http/errors.js';

const K = '2355e337a7214611ab1bc5db51e40424';
const esmond = {
  url: `http://h/esmond/perfsonar/archive/${K}/`,
  'metadata-key': K,
  'subject-type': 'point-to-point',
  'event-types': [
    {
      'base-uri': `/esmond/perfsonar/archive/${K}/failures/base`,
      'event-type': 'failures',
      'time-updated': null,
      summaries: [],
    },
    {
      'base-uri': `/esmond/perfsonar/archive/${K}/histogram-rtt/base`,
      'event-type': 'histogram-rtt',
      'time-updated': 1398798910,
      summaries: [
        {
          uri: `/esmond/perfsonar/archive/${K}/histogram-rtt/statistics/0`,
          'summary-type': 'statistics',
          'summary-window': '0',
          'time-updated': 1398798910,
        },
        {
          uri: `/esmond/perfsonar/archive/${K}/histogram-rtt/aggregations/86400`,
          'summary-type': 'aggregation',
          'summary-window': '86400',
          'time-updated': 1398798910,
        },
      ],
    },
  ],
  source: '2001:400:501:1150::3',
  destination: '2001:400:1601:1150::3',
  'measurement-agent': '198.129.254.30',
  'tool-name': 'bwctl/ping',
  'input-source': 'sacr-pt1.es.net',
  'input-destination': 'bois-pt1-v6.es.net',
  'ip-packet-interval': '1',
  'sample-size': '100',
  uri: `/esmond/perfsonar/archive/${K}/`,
  'metadata-count-total': 1,
  'metadata-previous-page': null,
  'metadata-next-page': null,
};

const E = 'c4de6bd9bb9b4fcbb18defed2a053ca88dcb4affe3b5b55ba6ba7cada98a7e01';
const elmond = {
  'metadata-key': E,
  uri: `/esmond/perfsonar/archive/${E}`,
  url: `https://h/esmond/perfsonar/archive/esmond/perfsonar/archive/${E}`,
  'subject-type': 'point-to-point',
  source: '10.0.0.1',
  destination: '10.0.0.2',
  'measurement-agent': '10.0.0.1',
  'tool-name': 'pscheduler/powstream',
  'time-duration': 21.5,
  'sample-size': 600,
  'mode-flip': false,
  'pscheduler-test-type': 'latency',
  'event-types': [
    {
      'event-type': 'histogram-owdelay',
      'base-uri': `/esmond/perfsonar/archive/${E}/histogram-owdelay/base/0`,
      'time-updated': 1700000000,
      summaries: [
        {
          'event-type': 'histogram-owdelay',
          'summary-type': 'statistics',
          'summary-window': 300,
          uri: `/esmond/perfsonar/archive/${E}/histogram-owdelay/statistics/300`,
        },
      ],
    },
  ],
};

describe('decodeMetadata', () => {
  test('esmond object: every field, params as strings, windows as numbers, paging keys kept only in raw', () => {
    const m = decodeMetadata(esmond);
    assert.equal(m.key, K);
    assert.equal(m.subjectType, 'point-to-point');
    assert.equal(m.source, '2001:400:501:1150::3');
    assert.equal(m.inputDestination, 'bois-pt1-v6.es.net');
    assert.equal(m.toolName, 'bwctl/ping');
    assert.deepEqual(m.parameters, { 'ip-packet-interval': '1', 'sample-size': '100' });
    assert.deepEqual(Object.keys(m.parameters), ['ip-packet-interval', 'sample-size']);
    assert.equal(m.eventTypes[0]?.timeUpdated, null);
    assert.deepEqual(
      m.eventTypes[1]?.summaries.map((s) => [s.summaryType, s.summaryWindow, s.timeUpdated]),
      [
        ['statistics', 0, 1398798910],
        ['aggregation', 86400, 1398798910],
      ],
    );
    assert.equal(m.raw['metadata-count-total'], 1);
    assert.equal(m.raw, esmond);
  });

  test('elmond object: number window and params, no summary time-updated, 64-hex key, base/0', () => {
    const m = decodeMetadata(elmond);
    assert.equal(m.key.length, 64);
    assert.deepEqual(m.parameters, {
      'time-duration': '21.5',
      'sample-size': '600',
      'mode-flip': 'false',
      'pscheduler-test-type': 'latency',
    });
    const et = m.eventTypes[0];
    assert.equal(et?.baseUri.endsWith('/base/0'), true);
    assert.deepEqual(et.summaries[0], {
      summaryType: 'statistics',
      summaryWindow: 300,
      uri: `/esmond/perfsonar/archive/${E}/histogram-owdelay/statistics/300`,
      timeUpdated: null,
    });
    assert.equal(m.inputSource, undefined);
  });

  test('wrong shapes are ResponseErrors, not crashes', () => {
    assert.throws(() => decodeMetadata([]), ResponseError);
    assert.throws(() => decodeMetadata({ 'event-types': [] }), /metadata-key/);
    assert.throws(() => decodeMetadata({ 'metadata-key': 'k', 'event-types': {} }), ResponseError);
    assert.throws(
      () =>
        decodeMetadata({
          'metadata-key': 'k',
          'event-types': [
            {
              'event-type': 'x',
              'base-uri': '/',
              summaries: [{ 'summary-type': 'average', uri: '/', 'summary-window': 'day' }],
            },
          ],
        }),
      /summary-window/,
    );
  });
});

describe('encodeMetadataQuery', () => {
  test('original parameter order, free-form filters after, time separately', () => {
    const q = encodeMetadataQuery({
      timeStart: 1,
      timeEnd: 2,
      filters: [
        ['ip-transport-protocol', 'tcp'],
        ['time-duration', '20'],
      ],
      summaryWindow: 86400,
      eventType: 'throughput',
      source: '10.0.0.1',
      destination: '10.0.0.2',
      toolName: 'bwctl/iperf3',
      measurementAgent: '10.0.0.3',
      summaryType: 'average',
    });
    assert.deepEqual(q.filters, [
      ['source', '10.0.0.1'],
      ['destination', '10.0.0.2'],
      ['measurement-agent', '10.0.0.3'],
      ['event-type', 'throughput'],
      ['tool-name', 'bwctl/iperf3'],
      ['summary-type', 'average'],
      ['summary-window', '86400'],
      ['ip-transport-protocol', 'tcp'],
      ['time-duration', '20'],
    ]);
    assert.deepEqual(q.time, [
      ['time-start', '1'],
      ['time-end', '2'],
    ]);
  });
  test('bad input is a ValidationError (B23, B24)', () => {
    assert.throws(() => encodeMetadataQuery({ timeStart: 5, timeEnd: 4 }), ValidationError);
    assert.throws(() => encodeMetadataQuery({ timeStart: 1.5 }), ValidationError);
    assert.throws(() => encodeMetadataQuery({ filters: [['limit', '3']] }), ValidationError);
    assert.throws(() => encodeMetadataQuery({ summaryWindow: -1 }), ValidationError);
  });
});
