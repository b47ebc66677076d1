import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  planWindow,
  timeCursorPages,
  checkPageSize,
  PagingContractError,
  type PageFetcher,
} from '../../src/query/time-cursor.js';
import type { WirePoint } from '../../src/model/wire.js';
import { ValidationError } from '../../src/http/errors.js';

/**
 * A model of the archive's data route: ascending ts, inclusive time-start/time-end, limit and
 * offset, stable order among equal timestamps.
 */
function modelServer(series: WirePoint<number>[], log: Array<Record<string, string>> = []): PageFetcher<number> {
  const sorted = [...series].sort((a, b) => a.ts - b.ts);
  return async (params) => {
    const p = Object.fromEntries(params);
    log.push(p);
    const start = p['time-start'] === undefined ? -Infinity : Number(p['time-start']);
    const end = p['time-end'] === undefined ? Infinity : Number(p['time-end']);
    const t = p['time'] === undefined ? undefined : Number(p['time']);
    const inWindow = sorted.filter((x) => (t !== undefined ? x.ts === t : x.ts >= start && x.ts <= end));
    const offset = Number(p['offset'] ?? 0);
    const limit = Number(p['limit']);
    return { points: inWindow.slice(offset, offset + limit), more: false };
  };
}

async function collect<V>(it: AsyncIterable<WirePoint<V>[]>): Promise<WirePoint<V>[]> {
  const out: WirePoint<V>[] = [];
  for await (const page of it) {
    assert.ok(page.length > 0, 'no empty pages');
    out.push(...page);
  }
  return out;
}

describe('time-cursor paging', () => {
  test('points sharing a timestamp across a page boundary are neither dropped nor repeated', async () => {
    // 3 points at ts 10 straddle the first page boundary (pageSize 4)
    const series = [8, 9, 10, 10, 10, 11, 12].map((ts, i) => ({ ts, val: i }));
    const log: Array<Record<string, string>> = [];
    const got = await collect(timeCursorPages(planWindow({ timeStart: 0, timeEnd: 100 }), 4, modelServer(series, log)));
    assert.deepEqual(got, series);
    assert.deepEqual(log[1], { 'time-start': '10', 'time-end': '100', limit: '4' });
  });

  test('a whole page of one timestamp falls back to offset paging for it', async () => {
    const series = [...Array.from({ length: 7 }, (_, i) => ({ ts: 5, val: i })), { ts: 6, val: 99 }];
    const log: Array<Record<string, string>> = [];
    const got = await collect(timeCursorPages(planWindow({ timeStart: 0, timeEnd: 6 }), 3, modelServer(series, log)));
    assert.deepEqual(got, series);
    assert.ok(log.some((p) => p['offset'] === '3' && p['time-start'] === '5' && p['time-end'] === '5'));
    assert.deepEqual(log.at(-1), { 'time-start': '6', 'time-end': '6', limit: '3' });
  });

  for (const [name, query, slack] of [
    ['no time parameters', {}, 0],
    ['time-start only', { timeStart: 0 }, 3600],
    ['time-range only', { timeRange: 100_000 }, 3600],
  ] as const) {
    test(`${name}: later pages keep the end the server chose for the first (not their own now + 3600)`, async () => {
      // esmond's defaults (archive-api.md: Reading data) on a server whose clock moves 5000 s per request.
      const now0 = 100_000;
      let requests = 0;
      const series = [1_000, 2_000, 3_000, now0, now0 + 1_000, now0 + 4_000].map((ts, i) => ({ ts, val: i }));
      const log: Array<Record<string, string>> = [];
      const fetch: PageFetcher<number> = async (params) => {
        const now = now0 + 5_000 * requests++;
        const p = Object.fromEntries(params);
        log.push(p);
        const range = p['time-range'] === undefined ? undefined : Number(p['time-range']);
        const start = p['time-start'] !== undefined ? Number(p['time-start']) : range !== undefined ? now - range : 0;
        const end =
          p['time-end'] !== undefined
            ? Number(p['time-end'])
            : p['time-start'] !== undefined || range !== undefined
              ? now + 3600
              : now;
        const inWindow = series.filter((x) => x.ts >= start && x.ts <= end);
        return { points: inWindow.slice(0, Number(p['limit'])), more: false, serverTime: now };
      };
      const got = await collect(timeCursorPages(planWindow(query), 2, fetch));
      assert.deepEqual(
        got,
        series.filter((x) => x.ts <= now0 + slack),
      );
      assert.equal(log[1]?.['time-end'], String(now0 + slack));
    });
  }

  test('property: every point exactly once, in order, for any series and page size', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 30 }), { maxLength: 60 }),
        fc.integer({ min: 1, max: 7 }),
        fc.option(fc.integer({ min: 0, max: 15 }), { nil: undefined }),
        fc.option(fc.integer({ min: 15, max: 35 }), { nil: undefined }),
        async (tss, pageSize, start, end) => {
          const series = tss.sort((a, b) => a - b).map((ts, i) => ({ ts, val: i }));
          const expected = series.filter(
            (p) => (start === undefined || p.ts >= start) && (end === undefined || p.ts <= end),
          );
          const got = await collect(
            timeCursorPages(planWindow({ timeStart: start, timeEnd: end }), pageSize, modelServer(series)),
          );
          assert.deepEqual(got, expected);
        },
      ),
      { numRuns: 300 },
    );
  });

  test('exact time (time=t) pages through that one timestamp', async () => {
    const series = Array.from({ length: 5 }, (_, i) => ({ ts: 42, val: i }));
    assert.deepEqual(await collect(timeCursorPages(planWindow({ time: 42 }), 2, modelServer(series))), series);
  });

  test('a server that ignores time-start is a contract error, not an endless loop', async () => {
    const stuck: PageFetcher<number> = async () => ({
      points: [
        { ts: 1, val: 0 },
        { ts: 2, val: 0 },
      ],
      more: false,
    });
    await assert.rejects(collect(timeCursorPages(planWindow({}), 2, stuck)), PagingContractError);
    const unordered: PageFetcher<number> = async () => ({
      points: [
        { ts: 3, val: 0 },
        { ts: 2, val: 0 },
      ],
      more: false,
    });
    await assert.rejects(collect(timeCursorPages(planWindow({}), 5, unordered)), /ascending/);
  });

  test('Link rel=next on a short page keeps paging (a server that caps the limit)', async () => {
    const series = [1, 2, 3, 4, 5].map((ts) => ({ ts, val: ts }));
    const inner = modelServer(series);
    const capped: PageFetcher<number> = async (params) => {
      const r = await inner(params.map(([k, v]) => [k, k === 'limit' ? '2' : v] as [string, string]));
      const all = await inner(params.map(([k, v]) => [k, k === 'limit' ? '1000' : v] as [string, string]));
      return { points: r.points, more: all.points.length > r.points.length };
    };
    assert.deepEqual(await collect(timeCursorPages(planWindow({}), 100, capped)), series);
  });
});

describe('planWindow', () => {
  test('explicit bounds where derivable', () => {
    assert.deepEqual(planWindow({}), { first: [], end: undefined, endAfterServerNow: 0 });
    assert.deepEqual(planWindow({ timeStart: 10 }), {
      first: [['time-start', '10']],
      end: undefined,
      endAfterServerNow: 3600,
    });
    assert.deepEqual(planWindow({ timeStart: 10, timeRange: 5 }), {
      first: [
        ['time-start', '10'],
        ['time-end', '15'],
      ],
      end: 15,
    });
    assert.deepEqual(planWindow({ timeEnd: 10, timeRange: 5 }), {
      first: [
        ['time-start', '5'],
        ['time-end', '10'],
      ],
      end: 10,
    });
    assert.deepEqual(planWindow({ timeEnd: 10 }), { first: [['time-end', '10']], end: 10 });
    assert.deepEqual(planWindow({ timeRange: 60 }), {
      first: [['time-range', '60']],
      end: undefined,
      endAfterServerNow: 3600,
    });
    assert.deepEqual(planWindow({ time: 7, timeStart: 1 }), {
      first: [
        ['time-start', '7'],
        ['time-end', '7'],
      ],
      end: 7,
    });
  });
  test('validation', () => {
    assert.throws(() => planWindow({ timeStart: 5, timeEnd: 1 }), ValidationError);
    assert.throws(() => planWindow({ timeStart: Number.NaN }), ValidationError);
    assert.throws(() => checkPageSize(0), ValidationError);
    assert.throws(() => checkPageSize(10_001), ValidationError);
    assert.equal(checkPageSize(undefined), 1000);
  });
});
