/** Which hosts count as this machine (the client asks them for no compressed answers). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isLoopbackHost, isLoopbackUrl } from '../../src/util/loopback.js';

test('loopback hosts: localhost, 127.0.0.0/8 and ::1, also IPv4-mapped', () => {
  for (const host of [
    'localhost',
    'LOCALHOST',
    'archive.localhost',
    '127.0.0.1',
    '127.1.2.3',
    '[::1]',
    '::1',
    '::ffff:127.0.0.1',
  ]) {
    assert.equal(isLoopbackHost(host), true, host);
  }
});

test('every other host is not loopback', () => {
  for (const host of [
    'ps.example.net',
    '10.0.0.1',
    '128.0.0.1',
    '[2001:db8::1]',
    '::',
    '0.0.0.0',
    'localhost.example.net',
    '127.0.0.1.example.net',
  ]) {
    assert.equal(isLoopbackHost(host), false, host);
  }
});

test('URLs: the host decides; text that is no URL is not loopback', () => {
  assert.equal(isLoopbackUrl('http://127.0.0.1:8080/esmond/perfsonar/archive/'), true);
  assert.equal(isLoopbackUrl('https://[::1]/esmond/'), true);
  assert.equal(isLoopbackUrl('https://ps.example.net/esmond/'), false);
  assert.equal(isLoopbackUrl('not a url'), false);
});
