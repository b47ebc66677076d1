/**
 * dateutil compatibility of -S/-E (client spec §4 table, reference today 2026-11-25), in several
 * time zones: naive times are UTC, missing date parts come from today's local date.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { parseWhen } from '../../src/cli/dates.js';

const NOW = Date.UTC(2026, 10, 25, 15, 0, 0); // 2026-11-25 15:00 UTC

const TABLE: Array<[string, number | undefined]> = [
  ['2023-11-14', 1699920000],
  ['2023-11-14 10:00', 1699956000],
  ['2023-11-14T10:00:00Z', 1699956000],
  ['2023-11-14 10:00 -0500', 1699974000],
  ['January 1', 1767225600],
  ['Jan 1 2015', 1420070400],
  ['20231114', 1699920000],
  ['11/12/2023', 1699747200],
  ['Nov 14 2023 3pm', 1699974000],
  ['10:30', Date.UTC(2026, 10, 25, 10, 30) / 1000],
  ['2023-11-14T10:00:00.999', 1699956000],
  ['1700000000', undefined],
  ['now', undefined],
  ['yesterday', undefined],
  ['', undefined],
];

function inZone<T>(tz: string, fn: () => T): T {
  const old = process.env.TZ;
  process.env.TZ = tz;
  try {
    return fn();
  } finally {
    process.env.TZ = old;
  }
}

describe('parseWhen: the §4 table', () => {
  for (const tz of ['UTC', 'America/New_York', 'Europe/Berlin']) {
    for (const [input, expected] of TABLE) {
      test(`${tz}: ${JSON.stringify(input)}`, () => {
        assert.equal(inZone(tz, () => parseWhen(input, NOW)), expected);
      });
    }
  }
  test('more dateutil forms', () => {
    assert.equal(parseWhen('2023-11-14T10:00:00+02:00', NOW), 1699948800);
    assert.equal(parseWhen('December 31', NOW), Date.UTC(2026, 11, 31) / 1000);
    assert.equal(parseWhen('14 Nov 2023', NOW), 1699920000);
    assert.equal(parseWhen('2023-11-14 10:00:00 UTC', NOW), 1699956000);
    assert.equal(parseWhen('  2023-11-14  ', NOW), 1699920000);
    assert.equal(parseWhen('2023-11-14 garbage', NOW), undefined);
  });
  test("missing date parts come from today's LOCAL date", () => {
    // 15:00 UTC on Nov 25 is already Nov 26 in Kiritimati (UTC+14).
    assert.equal(inZone('Pacific/Kiritimati', () => parseWhen('10:30', NOW)), Date.UTC(2026, 10, 26, 10, 30) / 1000);
  });
});
