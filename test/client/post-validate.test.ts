import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { validateNewMetadata, validatePoint, validateKey } from '../../src/post/validate.js';
import { ValidationError } from '../../src/http/errors.js';

const ok = {
  'subject-type': 'point-to-point',
  source: '10.1.1.1',
  destination: '2001:db8::2',
  'measurement-agent': '10.1.1.1',
  'tool-name': 'bwctl/iperf3',
  'time-duration': 0,
  'ip-transport-protocol': 'tcp',
  'event-types': [
    { 'event-type': 'failures' },
    { 'event-type': 'packet-retransmits', summaries: [] },
    {
      'event-type': 'throughput',
      summaries: [
        { 'summary-type': 'aggregation', 'summary-window': 3600 },
        { 'summary-type': 'average', 'summary-window': '86400' },
      ],
    },
    {
      'event-type': 'histogram-owdelay',
      summaries: [
        { 'summary-type': 'base', 'summary-window': 0 },
        { 'summary-type': 'statistics', 'summary-window': 0 },
      ],
    },
  ],
};

describe('validateNewMetadata', () => {
  test('accepts the spec example, including falsy parameters (B25)', () => {
    assert.doesNotThrow(() => {
      validateNewMetadata(ok);
    });
    assert.doesNotThrow(() => {
      validateNewMetadata({
        'subject-type': 'network-element',
        source: '::1',
        'measurement-agent': '::1',
        'event-types': [],
      });
    });
  });
  const bad: Array<[string, Record<string, unknown>, RegExp]> = [
    ['subject type', { 'subject-type': 'p2p' }, /subject-type must be/],
    ['hostname source', { source: 'host.example.net' }, /source must be an IP address/],
    ['missing destination', { destination: undefined }, /needs destination/],
    ['bad agent', { 'measurement-agent': '10.0.0.256' }, /measurement-agent must be an IP/],
    ['metadata-key', { 'metadata-key': 'abc' }, /metadata-key/],
    [
      'unknown event type',
      { 'event-types': [{ 'event-type': 'histogram-delay' }] },
      /Unknown event type: histogram-delay/,
    ],
    [
      'duplicate event type',
      { 'event-types': [{ 'event-type': 'throughput' }, { 'event-type': 'throughput' }] },
      /listed twice/,
    ],
    [
      'summary not allowed',
      {
        'event-types': [
          { 'event-type': 'packet-loss-rate', summaries: [{ 'summary-type': 'average', 'summary-window': 60 }] },
        ],
      },
      /not allowed/,
    ],
    [
      'bad window',
      {
        'event-types': [
          { 'event-type': 'throughput', summaries: [{ 'summary-type': 'average', 'summary-window': '1.5' }] },
        ],
      },
      /window/,
    ],
    [
      'negative window',
      {
        'event-types': [
          { 'event-type': 'throughput', summaries: [{ 'summary-type': 'average', 'summary-window': -60 }] },
        ],
      },
      /window/,
    ],
    ['event-types not a list', { 'event-types': {} }, /must be a list/],
    ['null parameter', { 'ip-tos': null }, /ip-tos has no value/],
    ['tool-name not a string', { 'tool-name': 3 }, /tool-name must be a string/],
  ];
  for (const [name, patch, msg] of bad) {
    test(`rejects: ${name}`, () => {
      // Keys the patch sets to undefined are left out.
      const removed = new Set(
        Object.entries(patch)
          .filter(([, v]) => v === undefined)
          .map(([k]) => k),
      );
      const body: Record<string, unknown> = Object.fromEntries(
        Object.entries({ ...ok, ...patch }).filter(([k]) => !removed.has(k)),
      );
      assert.throws(
        () => {
          validateNewMetadata(body);
        },
        (e: unknown) => e instanceof ValidationError && msg.test(e.message),
      );
    });
  }
  test('network-element may not carry a destination', () => {
    assert.throws(() => {
      validateNewMetadata({ ...ok, 'subject-type': 'network-element' });
    }, /no destination/);
  });
});

describe('points and keys', () => {
  test('points need an integer ts and a val (B24)', () => {
    assert.doesNotThrow(() => {
      validatePoint({ ts: 60, val: 0 });
    });
    assert.doesNotThrow(() => {
      validatePoint({ ts: 60, val: null });
    });
    assert.throws(() => {
      validatePoint({ val: 1 });
    }, /ts must be an integer/);
    assert.throws(() => {
      validatePoint({ ts: '60', val: 1 });
    }, ValidationError);
    assert.throws(() => {
      validatePoint({ ts: 60 });
    }, /needs a val/);
  });
  test('keys are plain path segments', () => {
    assert.doesNotThrow(() => {
      validateKey('0CB19291FB6D40EAA1955376772BF5D2');
    });
    assert.throws(() => {
      validateKey('../x');
    }, ValidationError);
    assert.throws(() => {
      validateKey('');
    }, ValidationError);
  });
});
