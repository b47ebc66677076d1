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
    const name = baseFileName({ source: '10.0.0.1', destination: '', eventType: 'ntp-offset', timeStart: 0, timeEnd: 86400, extension: 'json' });
    assert.equal(name, '10.0.0.1__ntp-offset_1970-01-01_1970-01-02.json');
  });

  test('path separators from server-supplied hosts never leave the output directory', () => {
    const name = baseFileName({ source: '../../etc', destination: 'a\\b', eventType: 'x', timeStart: 0, timeEnd: 0, extension: 'csv' });
    assert.ok(!name.includes('/') && !name.includes('\\'), name);
  });

  test('unique names keep the original form; colliding ones all get the 8-char key', () => {
    const names = uniqueFileNames([
      { baseName: 'a_b_throughput_d1_d2.csv', metadataKey: 'aaaaaaaa1111' },
      { baseName: 'a_b_throughput_d1_d2.csv', metadataKey: 'bbbbbbbb2222' },
      { baseName: 'a_c_throughput_d1_d2.csv', metadataKey: 'cccccccc3333' },
    ]);
    assert.deepEqual(names, ['a_b_throughput_d1_d2_aaaaaaaa.csv', 'a_b_throughput_d1_d2_bbbbbbbb.csv', 'a_c_throughput_d1_d2.csv']);
  });

  test('keys sharing their first 8 characters fall back to the whole key', () => {
    const names = uniqueFileNames([
      { baseName: 'n.json', metadataKey: '12345678aa' },
      { baseName: 'n.json', metadataKey: '12345678bb' },
    ]);
    assert.deepEqual(names, ['n_12345678aa.json', 'n_12345678bb.json']);
  });

  test('a suffixed name that equals another plain name still ends up unique', () => {
    const names = uniqueFileNames([
      { baseName: 'x.csv', metadataKey: 'k1' },
      { baseName: 'x.csv', metadataKey: 'k2' },
      { baseName: 'x_k1.csv', metadataKey: 'k3' },
    ]);
    assert.equal(new Set(names).size, 3);
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
