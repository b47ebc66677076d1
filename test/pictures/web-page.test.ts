/**
 * The mesh page in a real browser (Debian's Chromium through playwright-core) on a real seeded
 * archive served by `esmond-ps-archive serve`, and through `esmond-ps-view`'s proxy. Checks what
 * the page drew from its state (`window.esmondView`) and the DOM, never pixels; screenshots go
 * to `.tmp/pictures/` for people to look at.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { runViewCli } from '../../src/cli/view.js';
import { cellHealth, DEFAULT_THRESHOLDS } from '../../src/web/health.js';
import { FAMILY_CLASS } from '../../src/web/mesh-types.js';
import { decodeMesh } from '../../src/web/mesh-wire.js';
import { MAX_RUNS } from '../../src/pictures/routes.js';
import { RouteRunBuilder, type RouteChanges } from '../../src/web/route-runs.js';
import { pathOf } from '../../src/web/values.js';
import type { ViewState } from '../../src/web/view-state.js';
import { createClient } from '../../src/client.js';
import type { EsmondClient } from '../../src/query/types.js';
import { pickFreePort } from '../helpers/archive.js';
import { chromiumMissing, launchChromium, type TestBrowser } from '../helpers/browser.js';
import { captureIo } from '../helpers/capture-io.js';
import { KNOWN, startPicturesArchive, type PicturesArchive } from './fixture.js';

const SHOTS = join(process.cwd(), '.tmp', 'pictures');
const missing = chromiumMissing();
if (missing !== undefined) console.log(`# ${missing}`);

interface Square {
  s: string;
  d: string;
  f: string;
  cls: string;
}

/** The page's state (page functions are strings: this file is compiled without the DOM types). */
async function view(page: Page): Promise<ViewState> {
  return page.evaluate<ViewState>('window.esmondView');
}

async function openGrid(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.waitForFunction('window.esmondView?.grid.rendered === true || window.esmondView?.error != null', null, {
    timeout: 30_000,
  });
}

async function squares(page: Page): Promise<Square[]> {
  // One element per pair; its classes colour the family thirds: t-ok l-warn r-stale.
  const families = JSON.stringify(Object.entries(FAMILY_CLASS));
  return page.evaluate<
    Square[]
  >(`[...document.querySelectorAll('#grid [data-s]')].flatMap((b) => ${families}.map(([f, prefix]) => ({
    s: b.dataset.s, d: b.dataset.d, f,
    cls: b.className.split(' ').filter((c) => c.startsWith(prefix + '-')).map((c) => c.slice(prefix.length + 1)).join(' ') })))`);
}

async function pairPainted(page: Page): Promise<void> {
  await page.waitForFunction('window.esmondView.pair.paintedAtMs !== null || window.esmondView.error !== null', null, {
    timeout: 30_000,
  });
  assert.equal((await view(page)).error, null);
}

/** Points the archive holds for one series in [start, end], read with the library client. */
async function count(
  client: EsmondClient,
  src: string,
  dst: string,
  eventType: string,
  summary: { summaryType?: 'statistics'; summaryWindow?: number },
  range: { start: number; end: number },
): Promise<number> {
  let n = 0;
  for await (const md of client.searchMetadata({ inputSource: src, inputDestination: dst, eventType })) {
    for await (const pg of client.dataPages(md, eventType, summary, { timeStart: range.start, timeEnd: range.end }))
      n += pg.length;
  }
  return n;
}

describe('the mesh page in Chromium', { skip: missing }, () => {
  let archive: PicturesArchive;
  let browser: TestBrowser;
  let client: EsmondClient;
  let page: Page;

  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    archive = await startPicturesArchive({ hosts: 3, days: 2 });
    client = createClient({ url: archive.url });
    browser = await launchChromium();
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
  });
  after(async () => {
    await browser.close();
    await client.close();
    await archive.close();
  });

  test('grid: one square per pair and family, coloured from the data', async () => {
    await openGrid(page, `${archive.url}/`);
    const mesh = decodeMesh(await (await fetch(`${archive.url}/pictures/mesh.json`)).json());
    const drawn = await squares(page);
    // 3 seeded hosts (every ordered pair) + the known hosts, who test only each other.
    const seeded = mesh.hosts.filter((h) => h.name.startsWith('perfsonar1.'));
    assert.equal(seeded.length, 3);
    const sources = new Set(mesh.cells.map((c) => c.source));
    const dests = new Set(mesh.cells.map((c) => c.destination));
    let pairs = 0;
    for (const s of sources) for (const d of dests) if (s !== d) pairs++;
    assert.equal(drawn.length, pairs * 3);
    assert.equal((await view(page)).grid.cells, pairs * 3);
    const nowS = Math.floor(Date.now() / 1000);
    for (const sq of drawn) {
      const cell = mesh.cells.find((c) => c.source === sq.s && c.destination === sq.d && c.family === sq.f);
      assert.equal(sq.cls, cellHealth(cell, nowS, DEFAULT_THRESHOLDS), `${sq.s} > ${sq.d} ${sq.f}`);
    }
    for (const k of KNOWN) {
      const sq = drawn.find((q) => q.s === k.source && q.d === k.destination && q.f === k.family);
      assert.equal(sq?.cls, k.expected, `${k.source} > ${k.destination} ${k.family}`);
      const cell = mesh.cells.find(
        (c) => c.source === k.source && c.destination === k.destination && c.family === k.family,
      );
      if (k.expected !== 'stale')
        assert.ok(Math.abs((cell?.value ?? NaN) - k.latest) < 1e-9, `${k.family} value ${cell?.value} != ${k.latest}`);
    }
    // The seeded data ends now: most tests are current (a host outage may leave a few stale).
    const seededSquares = drawn.filter((q) => q.s.startsWith('perfsonar1.'));
    assert.ok(
      seededSquares.filter((q) => q.cls === 'stale').length <= seededSquares.length / 3,
      JSON.stringify(seededSquares),
    );
    const rowTitle = await page.getAttribute('.row[title^="known-a.example.net"]', 'title');
    assert.match(rowTitle ?? '', /192\.0\.2\.1/);
    await page.screenshot({ path: join(SHOTS, 'grid.png'), fullPage: true });
  });

  test("thresholds are the user's: 1 % loss for amber turns the 0.5 % cell green", async () => {
    await openGrid(page, `${archive.url}/`);
    await page.click('#settings summary');
    await page.fill('input[name="lossWarn"]', '1');
    await page.dispatchEvent('#thresholds', 'change');
    const after = await squares(page);
    const cell = after.find((q) => q.s === 'known-b.example.net' && q.d === 'known-a.example.net' && q.f === 'latency');
    assert.equal(cell?.cls, 'ok');
    await page.evaluate('localStorage.clear()');
  });

  test('pair view: both directions, as many points as the archive holds, range picks the summary window', async () => {
    await openGrid(page, `${archive.url}/`);
    const a = 'perfsonar1.site1.example.net';
    const b = 'perfsonar1.site2.example.net';
    await page.click(`[data-s="${a}"][data-d="${b}"]`);
    await pairPainted(page);
    let state = (await view(page)).pair;
    assert.ok(state.range);
    for (const [src, dst] of [
      [a, b],
      [b, a],
    ] as const) {
      const dir = `${src} > ${dst}`;
      assert.equal(state.points[`${dir} throughput`], await count(client, src, dst, 'throughput', {}, state.range));
      assert.equal(
        state.points[`${dir} delay`],
        await count(
          client,
          src,
          dst,
          'histogram-owdelay',
          { summaryType: 'statistics', summaryWindow: 0 },
          state.range,
        ),
      );
      assert.equal(state.points[`${dir} trace`], await count(client, src, dst, 'packet-trace', {}, state.range));
      assert.ok((state.points[`${dir} delay`] ?? 0) > 100, 'a day of latency results');
      assert.equal(state.windows[`${dir} delay`], 0);
    }
    await page.screenshot({ path: join(SHOTS, 'pair-day.png'), fullPage: true });

    await page.click('.ranges button[data-range="week"]');
    await page.waitForFunction(
      "window.esmondView.pair.range?.label === 'week' && window.esmondView.pair.paintedAtMs !== null",
      null,
      { timeout: 30_000 },
    );
    state = (await view(page)).pair;
    assert.ok(state.range);
    const dir = `${a} > ${b}`;
    assert.equal(state.windows[`${dir} delay`], 3600);
    const hourly = await count(
      client,
      a,
      b,
      'histogram-owdelay',
      { summaryType: 'statistics', summaryWindow: 3600 },
      state.range,
    );
    assert.equal(state.points[`${dir} delay`], hourly);
    assert.ok(hourly > 24 && hourly <= 7 * 24 + 1, `hourly summaries over the seeded two days, got ${hourly}`);
    // The traceroute of a week: its route changes, made by the server from every trace in range.
    assert.equal(state.windows[`${dir} trace`], -1);
    const traces = await count(client, a, b, 'packet-trace', {}, state.range);
    assert.ok(traces > 100, `two days of traces, got ${traces}`);
    assert.equal(state.traces[dir], traces);
    const md = await client.searchMetadata({ inputSource: a, inputDestination: b, eventType: 'packet-trace' }).first();
    assert.ok(md);
    const expected = new RouteRunBuilder(MAX_RUNS);
    for await (const p of client.data(
      md,
      'packet-trace',
      {},
      { timeStart: state.range.start, timeEnd: state.range.end },
    )) {
      expected.add(p.ts, Array.isArray(p.val) ? pathOf(p.val) : []);
    }
    const q = new URLSearchParams({ key: md.key, start: String(state.range.start), end: String(state.range.end) });
    const served = (await (await fetch(`${archive.url}/pictures/routes.json?${q.toString()}`)).json()) as RouteChanges;
    assert.deepEqual(served, expected.result());
    assert.ok(served.totalRuns > 1, 'the seeded reroutes show as route changes');
    const runsDrawn = served.runs.reduce((n, r) => n + (r.from === r.to ? 1 : 2), 0);
    assert.equal(state.points[`${dir} trace`], runsDrawn);
    const bad = await fetch(`${archive.url}/pictures/routes.json?key=..%2F&start=1&end=2`);
    assert.equal(bad.status, 400);
    await bad.text();
    await page.screenshot({ path: join(SHOTS, 'pair-week.png'), fullPage: true });

    // Phone width: the two directions stack.
    await page.setViewportSize({ width: 390, height: 844 });
    const columns = await page.evaluate(
      `getComputedStyle(document.querySelector('.dirs')).gridTemplateColumns.split(' ').length`,
    );
    assert.equal(columns, 1);
    // …and the charts follow the narrower column.
    await page.waitForFunction(
      `[...document.querySelectorAll('.uplot')].every((u) => u.getBoundingClientRect().right <= 390)`,
      null,
      { timeout: 5_000 },
    );
    await page.screenshot({ path: join(SHOTS, 'pair-phone.png'), fullPage: false });
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  test('esmond-ps-view serves the same page through a read-only proxy', async () => {
    const port = await pickFreePort();
    const stop = new AbortController();
    const io = { ...captureIo(), now: () => Date.now() };
    const done = runViewCli(['-u', archive.url, '--port', String(port)], io, stop.signal);
    try {
      for (let i = 0; i < 200 && !io.err().includes('serving'); i++) await new Promise((r) => setTimeout(r, 25));
      const viewer = `http://127.0.0.1:${port}`;
      await openGrid(page, `${viewer}/`);
      const direct = decodeMesh(await (await fetch(`${archive.url}/pictures/mesh.json`)).json());
      assert.equal((await squares(page)).length, (await view(page)).grid.cells);
      assert.equal((await view(page)).grid.hosts, direct.hosts.length);
      await page.click('[data-s="perfsonar1.site2.example.net"][data-d="perfsonar1.site3.example.net"]');
      await pairPainted(page);
      const points = (await view(page)).pair.points;
      assert.ok((points['perfsonar1.site3.example.net > perfsonar1.site2.example.net delay'] ?? 0) > 100);
      // Only reads go through.
      const post = await fetch(`${viewer}/esmond/perfsonar/archive/`, {
        method: 'POST',
        body: '{}',
        headers: { 'content-type': 'application/json' },
      });
      assert.equal(post.status, 405);
      const escape = await fetch(`${viewer}/esmond/perfsonar/archive/%2e%2e/%2e%2e/metrics`);
      assert.equal(escape.status, 404);
    } finally {
      stop.abort();
      assert.equal(await done, 0);
    }
  });

  test('archive unreachable: the page says so', async () => {
    const dead = await pickFreePort();
    const port = await pickFreePort();
    const stop = new AbortController();
    const io = { ...captureIo(), now: () => Date.now() };
    const done = runViewCli(
      ['-u', `http://127.0.0.1:${dead}`, '--port', String(port), '--timeout', '2'],
      io,
      stop.signal,
    );
    try {
      for (let i = 0; i < 200 && !io.err().includes('serving'); i++) await new Promise((r) => setTimeout(r, 25));
      await openGrid(page, `http://127.0.0.1:${port}/`);
      const error = (await view(page)).error;
      assert.match(error ?? '', /archive is unreachable/);
      assert.match((await page.textContent('#status')) ?? '', /archive is unreachable/);
      await page.screenshot({ path: join(SHOTS, 'unreachable.png') });
    } finally {
      stop.abort();
      await done;
    }
  });
});
