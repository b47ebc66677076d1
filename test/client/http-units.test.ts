import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { redactUrl } from '../../src/http/redact.js';
import { backoffDelay, parseRetryAfter, resolveRetry, DEFAULT_RETRY } from '../../src/http/retry.js';
import { authorizationHeader } from '../../src/http/auth.js';
import { VERSION, DEFAULT_USER_AGENT } from '../../src/http/version.js';
import {
  EsmondError,
  HttpError,
  isEsmondError,
  isHttpError,
  isNotStoredError,
  isTimeoutError,
  isValidationError,
  NotStoredError,
  TimeoutError,
  ValidationError,
} from '../../src/http/errors.js';

describe('redactUrl', () => {
  test('hides user info and secret-looking query values', () => {
    assert.equal(
      redactUrl('http://bob:pw@h/x?api_key=s&source=1.2.3.4'),
      'http://REDACTED@h/x?api_key=REDACTED&source=1.2.3.4',
    );
    assert.equal(
      redactUrl('https://h/a?token=t&apikey=k&password=p'),
      'https://h/a?token=REDACTED&apikey=REDACTED&password=REDACTED',
    );
  });
  test('leaves ordinary URLs byte for byte', () => {
    const u = 'http://h:8080/esmond/perfsonar/archive/?tool-name=bwctl%2Fiperf3&time-start=1';
    assert.equal(redactUrl(u), u);
  });
  test('non-URLs: still strips user info', () => {
    assert.equal(redactUrl('//bob:pw@host/x'), '//REDACTED@host/x');
  });
});

describe('retry timing', () => {
  test('full jitter: uniform below min(maxMs, base·2^n)', () => {
    const p = { baseMs: 100, maxMs: 1000 };
    assert.equal(
      backoffDelay(0, p, () => 0.999),
      99,
    );
    assert.equal(
      backoffDelay(3, p, () => 0.5),
      400,
    );
    assert.equal(
      backoffDelay(10, p, () => 0.5),
      500,
    );
    assert.equal(
      backoffDelay(2, p, () => 0),
      0,
    );
  });
  test('Retry-After: seconds and HTTP dates', () => {
    assert.equal(parseRetryAfter('3', 0), 3000);
    assert.equal(parseRetryAfter(' 1.5 ', 0), 1500);
    const now = Date.parse('Wed, 25 Nov 2026 16:00:00 GMT');
    assert.equal(parseRetryAfter('Wed, 25 Nov 2026 16:00:10 GMT', now), 10_000);
    assert.equal(parseRetryAfter('Wed, 25 Nov 2026 15:00:00 GMT', now), 0);
    assert.equal(parseRetryAfter('soon', now), undefined);
    assert.equal(parseRetryAfter(undefined, now), undefined);
    assert.equal(parseRetryAfter(['7', '9'], now), 7000);
  });
  test('policy defaults and validation', () => {
    assert.deepEqual(resolveRetry(undefined), { ...DEFAULT_RETRY });
    assert.equal(resolveRetry({ limit: 0 }).limit, 0);
    assert.throws(() => resolveRetry({ limit: -1 }), RangeError);
    assert.deepEqual(DEFAULT_RETRY.statusCodes, [408, 429, 500, 502, 503, 504]);
    assert.equal(DEFAULT_RETRY.retryWrites, false);
  });
});

describe('auth and version', () => {
  test('Token by default, ApiKey user:key on request', () => {
    assert.equal(authorizationHeader({ apiKey: 'abc' }), 'Token abc');
    assert.equal(authorizationHeader({ apiKey: 'abc', username: 'u', scheme: 'ApiKey' }), 'ApiKey u:abc');
    assert.throws(() => authorizationHeader({ apiKey: 'a b' }), ValidationError);
    assert.throws(() => authorizationHeader({ apiKey: 'abc', scheme: 'ApiKey' }), ValidationError);
  });
  test('VERSION matches package.json', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    assert.equal(VERSION, pkg.version);
    assert.equal(DEFAULT_USER_AGENT, `esmond-client/${pkg.version}`);
  });
});

describe('errors', () => {
  test('HttpError message, fields and guards', () => {
    const e = new HttpError({
      method: 'GET',
      url: 'http://u:p@h/x?api_key=1',
      status: 400,
      body: '{"detail":"Time parameter must be an integer"}',
    });
    assert.equal(
      e.message,
      'Request failed with status 400 Bad Request: GET http://REDACTED@h/x?api_key=REDACTED (Time parameter must be an integer)',
    );
    assert.equal(e.url, 'http://REDACTED@h/x?api_key=REDACTED');
    assert.equal(e.statusText, 'Bad Request');
    assert.ok(e instanceof EsmondError && isEsmondError(e) && isHttpError(e) && !isValidationError(e));
    assert.ok(!isHttpError(new Error('x')));
  });

  test('guards match branded errors of another copy of the library, never look-alikes', async () => {
    // Another copy (a second version in a bundle, another realm): not our class, but our brand.
    const otherCopy = Object.assign(new Error('x'), {
      name: 'HttpError',
      [Symbol.for('esmond-client.error')]: 'HttpError',
    });
    assert.ok(isHttpError(otherCopy) && isEsmondError(otherCopy) && !isTimeoutError(otherCopy));
    // Foreign errors that only share a name.
    const named = Object.assign(new Error('x'), { name: 'HttpError' });
    assert.ok(!isHttpError(named) && !isEsmondError(named));
    const timedOut = await fetchAbortReason(AbortSignal.timeout(1));
    assert.equal(timedOut instanceof Error && timedOut.name, 'TimeoutError');
    assert.ok(!isTimeoutError(timedOut) && !isEsmondError(timedOut));
    assert.ok(!isTimeoutError(new DOMException('gone', 'TimeoutError')));
    assert.ok(!isValidationError(Object.assign(new TypeError('x'), { name: 'ValidationError' })));
    assert.ok(
      !isNotStoredError({ name: 'NotStoredError', [Symbol.for('esmond-client.error')]: 'NotStoredError' }),
      'not an Error at all',
    );
    // Ours, with their own kind only.
    const ours = new TimeoutError({ method: 'GET', url: 'http://h/', timeoutMs: 5, phase: 'headers' });
    assert.ok(isTimeoutError(ours) && isEsmondError(ours) && !isHttpError(ours));
    assert.ok(isNotStoredError(new NotStoredError({ method: 'PUT', url: 'http://h/', status: 201 })));
  });
});

/** The reason a signal aborts with, once it has. */
function fetchAbortReason(signal: AbortSignal): Promise<unknown> {
  return new Promise((resolve) => {
    signal.addEventListener(
      'abort',
      () => {
        resolve(signal.reason);
      },
      { once: true },
    );
  });
}
