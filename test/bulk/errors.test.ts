/** The exporter classifies errors with the typed guards of http/errors.ts, not by their shape. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { HttpError, NetworkError, ValidationError } from '../../src/http/errors.js';
import {
  isAbort,
  isLocalWriteError,
  isPageSizeRefusal,
  isPermanent,
  retryAfterMsOf,
  statusOf,
} from '../../src/bulk/errors.js';

const http = (status: number, extra: { body?: string; retryAfterMs?: number } = {}): HttpError =>
  new HttpError({ status, method: 'GET', url: 'http://127.0.0.1:1/esmond/perfsonar/archive/', ...extra });

describe('bulk error classification', () => {
  test('an HttpError gives its status and Retry-After; a look-alike object does not', () => {
    assert.equal(statusOf(http(503)), 503);
    assert.equal(retryAfterMsOf(http(429, { retryAfterMs: 1500 })), 1500);
    assert.equal(statusOf({ status: 503 }), undefined);
    assert.equal(retryAfterMsOf({ retryAfterMs: 1500 }), undefined);
  });

  test('4xx but 408/429 and validation errors are permanent; 5xx, network errors and look-alikes are not', () => {
    assert.equal(isPermanent(http(404)), true);
    assert.equal(isPermanent(http(408)), false);
    assert.equal(isPermanent(http(429)), false);
    assert.equal(isPermanent(http(502)), false);
    assert.equal(isPermanent(new ValidationError('bad', 'eventType')), true);
    assert.equal(isPermanent(new NetworkError({ reason: 'refused', code: 'ECONNREFUSED' })), false);
    assert.equal(isPermanent({ name: 'ValidationError' }), false);
  });

  test('a 400 naming the limit is a page-size refusal; another 400 is not', () => {
    assert.equal(isPageSizeRefusal(http(400, { body: '{"detail": "limit must be at most 10000"}' })), true);
    assert.equal(isPageSizeRefusal(http(400, { body: '{"detail": "bad time-start"}' })), false);
    assert.equal(isPageSizeRefusal({ status: 400, body: 'limit' }), false);
  });

  test('aborts and local file-system errors', () => {
    assert.equal(isAbort(new DOMException('stop', 'AbortError')), true);
    assert.equal(isAbort(http(500)), false);
    const enospc = Object.assign(new Error('no space'), { code: 'ENOSPC' });
    assert.equal(isLocalWriteError(enospc), true);
    assert.equal(
      isLocalWriteError(new NetworkError({ reason: 'too many files', code: 'EMFILE', url: 'http://127.0.0.1:1/' })),
      false,
    );
    assert.equal(isLocalWriteError({ code: 'ENOSPC' }), false);
  });
});
