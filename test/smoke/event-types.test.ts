import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ALLOWED_SUMMARIES,
  EVENT_TYPES,
  EVENT_TYPE_NAMES,
  isEventType,
  summaryAllowed,
} from '../../src/model/event-types.js';

test('the event-type table has the 49 types of esmond 4.x with the spec counts per data type', () => {
  assert.equal(EVENT_TYPE_NAMES.length, 49);
  const counts: Record<string, number> = {};
  for (const dt of Object.values(EVENT_TYPES)) counts[dt] = (counts[dt] ?? 0) + 1;
  assert.deepEqual(counts, { json: 18, integer: 14, float: 7, histogram: 4, subinterval: 4, percentage: 2 });
  assert.deepEqual([...EVENT_TYPE_NAMES], [...EVENT_TYPE_NAMES].sort());
});

test('summaries allowed follow the data type', () => {
  assert.ok(summaryAllowed('throughput', 'average'));
  assert.ok(!summaryAllowed('packet-loss-rate', 'average'));
  assert.ok(summaryAllowed('histogram-owdelay', 'statistics'));
  assert.ok(!summaryAllowed('failures', 'aggregation'));
  assert.ok(!summaryAllowed('streams-retransmits', 'aggregation'));
  assert.ok(!isEventType('histogram-delay'));
  assert.deepEqual(ALLOWED_SUMMARIES.subinterval, []);
});
