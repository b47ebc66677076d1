import { test } from 'node:test';
import assert from 'node:assert/strict';
import { matchRoute } from '../../../src/archive/routes.js';

const K = '2355e337a7214611ab1bc5db51e40424';

test('both mount forms and both slash forms name the same route', () => {
  for (const path of [`/esmond/perfsonar/archive/${K}/`, `/esmond/perfsonar/archive/${K}`]) {
    assert.deepEqual(matchRoute(path, '/esmond'), { route: { kind: 'detail', key: K }, prefix: '/esmond' });
  }
  for (const path of [`/perfsonar/archive/${K}/`, `/perfsonar/archive/${K}`]) {
    assert.deepEqual(matchRoute(path, '/esmond'), { route: { kind: 'detail', key: K }, prefix: '' });
  }
  assert.equal(matchRoute(`/esmond/perfsonar/archive/${K}/`, ''), undefined);
});

test('every route kind', () => {
  const m = (p: string) => matchRoute(p, '/esmond')?.route;
  assert.deepEqual(m('/esmond/perfsonar/'), { kind: 'root' });
  assert.deepEqual(m('/esmond/perfsonar'), { kind: 'root' });
  assert.deepEqual(m('/esmond/perfsonar/archive'), { kind: 'list' });
  assert.deepEqual(m(`/esmond/perfsonar/archive/${K}/throughput`), {
    kind: 'event-type',
    key: K,
    eventType: 'throughput',
  });
  assert.deepEqual(m(`/esmond/perfsonar/archive/${K}/throughput/base/`), {
    kind: 'series',
    key: K,
    eventType: 'throughput',
    segment: 'base',
    window: undefined,
  });
  assert.deepEqual(m(`/esmond/perfsonar/archive/${K}/throughput/averages/86400`), {
    kind: 'series',
    key: K,
    eventType: 'throughput',
    segment: 'averages',
    window: '86400',
  });
  assert.deepEqual(m('/esmond/perfsonar/pscheduler/'), { kind: 'pscheduler' });
});

test('DRF format suffixes: .json only, and only on root, list and detail', () => {
  const m = (p: string) => matchRoute(p, '/esmond')?.route;
  assert.deepEqual(m('/esmond/perfsonar/archive.json'), { kind: 'list' });
  assert.deepEqual(m(`/esmond/perfsonar/archive/${K}.json`), { kind: 'detail', key: K });
  assert.deepEqual(m('/esmond/perfsonar/.json'), { kind: 'root' });
  assert.equal(m('/esmond/perfsonar/archive.xml'), undefined);
  assert.equal(m(`/esmond/perfsonar/archive/${K}.api`), undefined);
  // In data routes a dot is part of the segment (the service rejects the window).
  assert.deepEqual(m(`/esmond/perfsonar/archive/${K}/throughput/base/0.json`), {
    kind: 'series',
    key: K,
    eventType: 'throughput',
    segment: 'base',
    window: '0.json',
  });
});

test('paths that are no route', () => {
  for (const p of [
    '/',
    '/esmond/',
    '/esmond/perfsonar/other/',
    '/esmond/perfsonar/archive//',
    `/esmond/perfsonar/archive/${K}//throughput`,
    `/esmond/perfsonar/archive/${K}/throughput/base/0/extra`,
    `/esmond/perfsonar/archive/${K}/through%20put/`,
    `/esmond/perfsonar/archive/a%2Fb/`,
    '/esmond/perfsonar/archive/%E0%A4%A/',
    '/esmond/perfsonar/pscheduler/x',
    '/esmondx/perfsonar/archive/',
  ]) {
    assert.equal(matchRoute(p, '/esmond'), undefined, p);
  }
});
