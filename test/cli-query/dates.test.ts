/**
 * dateutil compatibility of -S/-E (the original's time parsing table, reference today 2026-11-25), in several
 * time zones: naive times are UTC, missing date parts come from today's local date.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { parseWhen, resolveWhen } from '../../src/cli/dates.js';

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

describe('parseWhen: the time table of the original tools', () => {
  for (const tz of ['UTC', 'America/New_York', 'Europe/Berlin']) {
    for (const [input, expected] of TABLE) {
      test(`${tz}: ${JSON.stringify(input)}`, () => {
        assert.equal(
          inZone(tz, () => parseWhen(input, NOW)),
          expected,
        );
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
    // Each value below was checked against python-dateutil 2.9.0 with today = 2026-11-25.
    assert.equal(parseWhen('2023-11-14T22:13:20.123456Z', NOW), 1700000000);
    assert.equal(parseWhen('2023-11-14 10:00:00.5+01:00', NOW), 1699952400);
    assert.equal(parseWhen('Tue, 14 Nov 2023 22:13:20 GMT', NOW), 1700000000);
    assert.equal(parseWhen('14/11/2023', NOW), 1699920000);
    assert.equal(parseWhen('11-14-2023', NOW), 1699920000);
    assert.equal(parseWhen('12.11.2023', NOW), 1702252800);
    assert.equal(parseWhen('2023-11-14 10:00 PM', NOW), 1699999200);
    assert.equal(parseWhen('2023-11-14T10:00:00-05:30', NOW), 1699975800);
    assert.equal(parseWhen('2023-11-14T10', NOW), 1699956000);
    assert.equal(parseWhen('2023', NOW), 1700870400);
    assert.equal(parseWhen('2023-11', NOW), 1700870400);
    assert.equal(parseWhen('Nov 2023', NOW), 1700870400);
    assert.equal(parseWhen('Feb 2023', NOW), Date.UTC(2023, 1, 25) / 1000);
    assert.equal(parseWhen('Nov 14', NOW), 1794614400);
    assert.equal(parseWhen('10:30:15', NOW), 1795602615);
  });
  test("missing date parts come from today's LOCAL date", () => {
    // 15:00 UTC on Nov 25 is already Nov 26 in Kiritimati (UTC+14).
    assert.equal(
      inZone('Pacific/Kiritimati', () => parseWhen('10:30', NOW)),
      Date.UTC(2026, 10, 26, 10, 30) / 1000,
    );
  });
});

describe('resolveWhen: relative times, epoch seconds, refusals', () => {
  const H = 3600;
  const nowS = NOW / 1000; // Wednesday 2026-11-25 15:00 UTC
  const CASES: Array<[string, number]> = [
    ['1 day ago', nowS - 86400],
    ['2 hours ago', nowS - 2 * H],
    ['an hour ago', nowS - H],
    ['now', nowS],
    ['today', nowS],
    ['yesterday', nowS - 86400],
    ['yesterday 10:00', Date.UTC(2026, 10, 24, 10) / 1000],
    ['last monday', Date.UTC(2026, 10, 23) / 1000],
    ['1700000000', 1700000000],
    ['@1700000000', 1700000000],
    ['1700000000.75', 1700000000],
    ['2024-05-01 10:00 CET', Date.UTC(2024, 4, 1, 9) / 1000],
    ['2024-05-01 10:00 CEST', Date.UTC(2024, 4, 1, 8) / 1000],
    ['2024-05-01 10:00 EST', Date.UTC(2024, 4, 1, 15) / 1000],
    ['2023-11-14', 1699920000],
  ];
  for (const tz of ['UTC', 'America/New_York', 'Pacific/Kiritimati']) {
    for (const [input, expected] of CASES) {
      test(`${tz}: ${JSON.stringify(input)}`, () => {
        assert.deepEqual(
          inZone(tz, () => resolveWhen(input, NOW)),
          { seconds: expected },
        );
      });
    }
  }
  test('ambiguous or unreadable input is refused with the reason', () => {
    const problem = (t: string): string => {
      const w = resolveWhen(t, NOW);
      assert.ok('problem' in w, `${t} should be refused`);
      return w.problem;
    };
    assert.match(problem('monday'), /could be last or next monday/);
    assert.match(problem('2024-05-01 10:00 CST'), /CST names several time zones/);
    assert.match(problem('2024-05-01 10:00 IST'), /IST names several time zones/);
    assert.match(problem('12345'), /YYYYMMDD or as epoch seconds/);
    assert.match(problem('2 days ago blah'), /not a date or time/);
    assert.match(problem(''), /empty/);
  });
});
