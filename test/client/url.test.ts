import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveArchiveUrl, resolveServerPath } from '../../src/query/url.js';
import { ValidationError } from '../../src/http/errors.js';

describe('resolveArchiveUrl (B22)', () => {
  const cases: Array<[string, string, string]> = [
    ['http://h', 'http://h/esmond/perfsonar/archive/', 'http://h'],
    ['http://h/', 'http://h/esmond/perfsonar/archive/', 'http://h'],
    ['http://h:8080', 'http://h:8080/esmond/perfsonar/archive/', 'http://h:8080'],
    ['http://h/esmond', 'http://h/esmond/perfsonar/archive/', 'http://h'],
    ['http://h/esmond/', 'http://h/esmond/perfsonar/archive/', 'http://h'],
    ['http://h/esmond/perfsonar', 'http://h/esmond/perfsonar/archive/', 'http://h'],
    ['http://h/esmond/perfsonar/archive', 'http://h/esmond/perfsonar/archive/', 'http://h'],
    ['http://h/esmond/perfsonar/archive/', 'http://h/esmond/perfsonar/archive/', 'http://h'],
    ['https://h/perfsonar/archive/', 'https://h/perfsonar/archive/', 'https://h'],
    ['http://h/proxy/esmond/', 'http://h/proxy/esmond/perfsonar/archive/', 'http://h/proxy'],
    ['  http://[::1]:9000//esmond//  ', 'http://[::1]:9000/esmond/perfsonar/archive/', 'http://[::1]:9000'],
  ];
  for (const [input, archiveUrl, origin] of cases) {
    test(input, () => {
      assert.deepEqual(resolveArchiveUrl(input), { archiveUrl, origin });
    });
  }
  test('script alias for a bare host', () => {
    assert.equal(resolveArchiveUrl('http://h', '/').archiveUrl, 'http://h/perfsonar/archive/');
    assert.equal(resolveArchiveUrl('http://h', '').archiveUrl, 'http://h/perfsonar/archive/');
    assert.equal(resolveArchiveUrl('http://h', '/ps/').archiveUrl, 'http://h/ps/perfsonar/archive/');
    assert.equal(resolveArchiveUrl('http://h/esmond', 'other').archiveUrl, 'http://h/esmond/perfsonar/archive/');
  });
  test('rejects what cannot work', () => {
    for (const bad of ['localhost:8085', 'ftp://h/', 'not a url', 'http://u:p@h/', 'http://h/?x=1', 'http://h/#a']) {
      assert.throws(() => resolveArchiveUrl(bad), ValidationError, bad);
    }
  });
});

describe('resolveServerPath', () => {
  const loc = resolveArchiveUrl('http://h:81/proxy/esmond');
  test('joins at /perfsonar/archive/ whatever mount the server reports', () => {
    assert.equal(
      resolveServerPath(loc, '/esmond/perfsonar/archive/k/throughput/base'),
      'http://h:81/proxy/esmond/perfsonar/archive/k/throughput/base',
    );
    assert.equal(resolveServerPath(loc, '/perfsonar/archive/k/'), 'http://h:81/proxy/esmond/perfsonar/archive/k/');
    assert.equal(resolveServerPath(loc, '/other/path'), 'http://h:81/proxy/other/path');
  });
});
