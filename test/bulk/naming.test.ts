import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { baseFileName, uniqueFileNames, utcDate } from '../../src/bulk/naming.js';
import { nextWindowSeconds, windowAt, MIN_WINDOW_SECONDS } from '../../src/bulk/windows.js';

describe('bulk file names', () => {
  test('original form <src>_<dst>_<etype>_<start>_<end>.<ext> with UTC dates of the query range', () => {
    const name = baseFileName({
      source: 'perfsonar.ascr.doe.gov',
      destination: 'anl-owamp.es.net',
      eventType: 'failures',
      timeStart: Date.UTC(2015, 2, 15, 23, 59) / 1000,
      timeEnd: Date.UTC(2015, 3, 2) / 1000,
      extension: 'csv',
    });
    assert.equal(name, 'perfsonar.ascr.doe.gov_anl-owamp.es.net_failures_2015-03-15_2015-04-02.csv');
    assert.equal(utcDate(1699920000), '2023-11-14');
  });

  test('network-element metadata (no destination) gets an empty destination part (B3)', () => {
    const name = baseFileName({
      source: '10.0.0.1',
      destination: '',
      eventType: 'ntp-offset',
      timeStart: 0,
      timeEnd: 86400,
      extension: 'json',
    });
    assert.equal(name, '10.0.0.1__ntp-offset_1970-01-01_1970-01-02.json');
  });

  test('path separators from server-supplied hosts never leave the output directory', () => {
    const name = baseFileName({
      source: '../../etc',
      destination: 'a\\b',
      eventType: 'x',
      timeStart: 0,
      timeEnd: 0,
      extension: 'csv',
    });
    assert.ok(!name.includes('/') && !name.includes('\\'), name);
  });

  const parts = (
    source: string,
    destination: string,
    eventType = 'throughput',
  ): Parameters<typeof baseFileName>[0] => ({
    source,
    destination,
    eventType,
    timeStart: Date.UTC(2024, 4, 1) / 1000,
    timeEnd: Date.UTC(2024, 4, 2) / 1000,
    extension: 'csv',
  });

  test('unique names keep the original form; colliding ones get their tool name after the event type', () => {
    const names = uniqueFileNames([
      { parts: parts('a', 'b', 'failures'), metadataKey: 'aaaaaaaa1111', toolName: 'pscheduler/ping' },
      { parts: parts('a', 'b', 'failures'), metadataKey: 'bbbbbbbb2222', toolName: 'pscheduler/iperf3' },
      { parts: parts('a', 'c', 'failures'), metadataKey: 'cccccccc3333', toolName: 'pscheduler/ping' },
    ]);
    assert.deepEqual(names, [
      'a_b_failures_pscheduler-ping_2024-05-01_2024-05-02.csv',
      'a_b_failures_pscheduler-iperf3_2024-05-01_2024-05-02.csv',
      'a_c_failures_2024-05-01_2024-05-02.csv',
    ]);
  });

  test('the same tool twice: the 8-char key as well, the whole key when 8 characters are not enough', () => {
    let names = uniqueFileNames([
      { parts: parts('a', 'b'), metadataKey: 'aaaaaaaa1111', toolName: 'bwctl/iperf3' },
      { parts: parts('a', 'b'), metadataKey: 'bbbbbbbb2222', toolName: 'bwctl/iperf3' },
      { parts: parts('a', 'b'), metadataKey: 'cccccccc3333', toolName: 'pscheduler/iperf3' },
    ]);
    assert.deepEqual(names, [
      'a_b_throughput_bwctl-iperf3_2024-05-01_2024-05-02_aaaaaaaa.csv',
      'a_b_throughput_bwctl-iperf3_2024-05-01_2024-05-02_bbbbbbbb.csv',
      'a_b_throughput_pscheduler-iperf3_2024-05-01_2024-05-02.csv',
    ]);
    names = uniqueFileNames([
      { parts: parts('a', 'b'), metadataKey: '12345678aa', toolName: '' },
      { parts: parts('a', 'b'), metadataKey: '12345678bb', toolName: '' },
    ]);
    assert.deepEqual(names, [
      'a_b_throughput_2024-05-01_2024-05-02_12345678aa.csv',
      'a_b_throughput_2024-05-01_2024-05-02_12345678bb.csv',
    ]);
  });

  test('a suffixed name that equals another plain name still ends up unique', () => {
    const names = uniqueFileNames([
      { parts: parts('x', 'y'), metadataKey: 'k1', toolName: '' },
      { parts: parts('x', 'y'), metadataKey: 'k2', toolName: '' },
      {
        parts: { ...parts('x', 'y'), eventType: 'throughput_2024-05-01_2024-05-02_k1.csv#' },
        metadataKey: 'k3',
        toolName: '',
      },
    ]);
    assert.equal(new Set(names).size, 3);
  });

  test('--safe-names: no ":" in IPv6 names', () => {
    const names = uniqueFileNames([{ parts: parts('2001:db8::1', '2001:db8::2'), metadataKey: 'k', toolName: '' }], {
      safe: true,
    });
    assert.deepEqual(names, ['2001-db8--1_2001-db8--2_throughput_2024-05-01_2024-05-02.csv']);
    assert.equal(
      uniqueFileNames([{ parts: parts('2001:db8::1', 'b'), metadataKey: 'k', toolName: '' }])[0],
      '2001:db8::1_b_throughput_2024-05-01_2024-05-02.csv',
    );
  });
});

describe('time windows', () => {
  test('windows are inclusive, contiguous and clipped to the end', () => {
    assert.deepEqual(windowAt(100, 50, 1000), [100, 149]);
    assert.deepEqual(windowAt(990, 50, 1000), [990, 1000]);
  });

  test('dense windows shrink towards one page, empty ones grow, within bounds', () => {
    assert.equal(nextWindowSeconds(86400, 20000, 10000), 86400 * 0.4);
    assert.equal(nextWindowSeconds(86400, 0, 10000), 86400 * 4);
    assert.equal(nextWindowSeconds(86400, 10_000_000, 1000), 86400 / 8);
    assert.equal(nextWindowSeconds(60, 1_000_000, 1000), MIN_WINDOW_SECONDS);
  });
});
