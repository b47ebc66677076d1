/**
 * Pictures, on a seeded 100-host full mesh (9 900 pairs × 4 tests) plus a month of
 * data for the site1 ⇄ site2 pair, served by `esmond-ps-archive serve` in this process:
 *  - `/metrics` cold (the first scrape of a fresh server: it waits for the mesh summary) and
 *    cached (median of 20, budget 100 ms) as Prometheus scrapes (gzip, decompressed) and plain,
 *    beside a GET of the API root (baseline);
 *  - the size of the grid's JSON (plain and gzipped, as a browser gets it);
 *  - time to first paint of the grid in Chromium (budget 2 s), cached summary, median of 3;
 *  - time to first paint of the month-long pair view (both directions, hourly/daily summaries and
 *    the traceroute's route changes), first and median of 3, beside the day view;
 *  - esmond-ps-plot for a month of raw loss results, beside esmond-ps-get -o csv of the same data.
 * The machine's load (1-minute load average) is printed at the start and the end: the figures
 * mean little when other work shares the 2 cores.
 * The archive is seeded once and kept in the temp dir (ESMOND_BENCH_PICTURES_DB overrides the
 * path; delete it to reseed: 10-20 minutes on 2 cores). The seeded data runs 30 minutes past the
 * seeding time, so the mesh looks live (not stale) for a run within half an hour of seeding.
 * @module
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { gunzipSync, gzipSync } from 'node:zlib';
import { request } from 'undici';
import { seedArchive } from '../src/archive/seed.js';
import { openSqliteArchive } from '../src/archive/service.js';
import { runArchiveCli } from '../src/cli/archive.js';
import type { CliIo } from '../src/cli/io.js';
import { run as getRun } from '../src/cli/get.js';
import { run as plotRun } from '../src/cli/plot.js';
import { renderMetrics } from '../src/pictures/metrics.js';
import { decodeMesh } from '../src/web/mesh-wire.js';
import type { ViewState } from '../src/web/view-state.js';
import { chromiumMissing, launchChromium } from '../test/helpers/browser.js';
import { pickFreePort } from '../test/helpers/archive.js';

type Report = (line: string) => void;

const HOSTS = 100;
const DB = process.env['ESMOND_BENCH_PICTURES_DB'] ?? join(tmpdir(), `esmond-pictures-bench-${HOSTS}h.sqlite`);

/** What Prometheus sends with a scrape. */
const PROMETHEUS_HEADERS = {
  accept: 'application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5,*/*;q=0.1',
  'accept-encoding': 'gzip',
};

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
}

/** How far past the seeding time the seeded data runs, seconds (a live-looking mesh for a while). */
const AHEAD = 1800;

function load(): string {
  return loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
}

async function seed(report: Report, now: number): Promise<void> {
  const service = openSqliteArchive(DB, { resolver: false });
  try {
    let t = performance.now();
    // A month for site1 ⇄ site2 first: the 100-host pass then skips that pair (it holds data).
    const month = await seedArchive(service, { hosts: 2, days: 30, seed: 1, now });
    report(
      `pictures.seed   month for 1 pair: ${((performance.now() - t) / 1000).toFixed(1)} s, ${month.points} values`,
    );
    t = performance.now();
    const mesh = await seedArchive(service, { hosts: HOSTS, days: 0.04, seed: 1, now });
    report(
      `pictures.seed   ${HOSTS} hosts, 58 min: ${((performance.now() - t) / 1000).toFixed(1)} s, ${mesh.metadata} metadata, ${mesh.points} values`,
    );
  } finally {
    await service.close();
  }
}

function quietIo(now = () => Date.now()): CliIo & { err: () => string } {
  const err: Buffer[] = [];
  const stderr = new PassThrough();
  stderr.on('data', (c: Buffer) => err.push(c));
  const stdout = new PassThrough();
  stdout.resume();
  return {
    stdout,
    stderr,
    stdin: new PassThrough(),
    env: {},
    now,
    cwd: tmpdir(),
    err: () => Buffer.concat(err).toString(),
  };
}

export default async function picturesBench(report: Report): Promise<void> {
  const missing = chromiumMissing();
  report(`pictures.load   load average at start: ${load()}`);
  if (!existsSync(DB)) await seed(report, Math.floor(Date.now() / 1000) + AHEAD);
  else report(`pictures.seed   reusing ${DB} (delete it to reseed with fresh timestamps)`);

  const port = await pickFreePort();
  const stop = new AbortController();
  const io = quietIo();
  const began = performance.now();
  const served = runArchiveCli(['serve', '--db', DB, '--port', String(port), '--no-dns'], io, stop.signal);
  const url = `http://127.0.0.1:${port}`;
  try {
    for (let i = 0; i < 4800 && !io.err().includes('listening on'); i++) await new Promise((r) => setTimeout(r, 25));
    // The server starts computing the summary as soon as it listens: the first scrape waits for it.
    let t = performance.now();
    let answer = await request(`${url}/metrics`);
    while (answer.statusCode === 503) {
      await answer.body.text();
      await new Promise((r) => setTimeout(r, 250));
      answer = await request(`${url}/metrics`);
    }
    await answer.body.text();
    const coldScrape = performance.now() - t;
    const meshAnswer = await request(`${url}/pictures/mesh.json`);
    const meshText = await meshAnswer.body.text();
    const mesh = decodeMesh(JSON.parse(meshText));
    const gzipped = await request(`${url}/pictures/mesh.json`, { headers: { 'accept-encoding': 'gzip' } });
    const gzipBytes = (await gzipped.body.arrayBuffer()).byteLength;
    report(
      `pictures.mesh   summary computed (in process) in ${mesh.computeSeconds.toFixed(1)} s for ${mesh.cells.length} tests of ${mesh.hosts.length} hosts ` +
        `(${((performance.now() - began) / 1000).toFixed(1)} s from start); mesh.json ${(meshText.length / 1e6).toFixed(2)} MB, gzipped ${(gzipBytes / 1e6).toFixed(2)} MB`,
    );

    const root: number[] = [];
    const scrape: number[] = [];
    const plainScrape: number[] = [];
    let bytes = 0;
    let plainBytes = 0;
    for (let i = 0; i < 20; i++) {
      t = performance.now();
      await (await fetch(`${url}/esmond/perfsonar/archive/?limit=1`)).text();
      root.push(performance.now() - t);
      // As Prometheus scrapes: it asks for OpenMetrics and gzip, and decompresses the body.
      t = performance.now();
      const zipped = await request(`${url}/metrics`, { headers: PROMETHEUS_HEADERS });
      bytes = gunzipSync(Buffer.from(await zipped.body.arrayBuffer())).byteLength;
      scrape.push(performance.now() - t);
      // A scraper that does not take gzip: the bytes as they are (not decoded into a string).
      t = performance.now();
      plainBytes = (await (await request(`${url}/metrics`)).body.arrayBuffer()).byteLength;
      plainScrape.push(performance.now() - t);
    }
    // The server's share, once per refresh: rendering the text and gzipping it.
    t = performance.now();
    const text = renderMetrics(mesh);
    const renderMs = performance.now() - t;
    t = performance.now();
    gzipSync(text);
    const gzipMs = performance.now() - t;
    report(
      `pictures.metrics scrape cold ${(coldScrape / 1000).toFixed(1)} s (waits for the first summary); cached, gzipped as Prometheus asks ` +
        `${median(scrape).toFixed(1)} ms (max ${Math.max(...scrape).toFixed(1)}; ${(bytes / 1e6).toFixed(1)} MB of text), ` +
        `plain ${median(plainScrape).toFixed(1)} ms (${(plainBytes / 1e6).toFixed(1)} MB); API root GET ${median(root).toFixed(1)} ms ` +
        `(ratio ${(median(scrape) / median(root)).toFixed(1)}x); per refresh: render ${renderMs.toFixed(0)} ms, gzip ${gzipMs.toFixed(0)} ms`,
    );
    report(`metrics scrape (${HOSTS} hosts, cached): ${median(scrape).toFixed(1)} ms (goal < 100)`);

    const end = Math.floor(Date.now() / 1000);
    const monthArgs = [
      '-u',
      url,
      '-s',
      '10.0.1.10',
      '-d',
      '10.0.2.10',
      '-e',
      'packet-loss-rate',
      '-S',
      String(end - 30 * 86400),
      '-E',
      String(end),
    ];
    const dir = mkdtempSync(join(tmpdir(), 'esmond-plot-bench-'));
    try {
      t = performance.now();
      const getCode = await getRun([...monthArgs, '-o', 'csv', '-I'], quietIo());
      const getMs = performance.now() - t;
      t = performance.now();
      const plotIo = quietIo();
      const plotCode = await plotRun([...monthArgs, '-o', join(dir, 'month.svg')], plotIo);
      const plotMs = performance.now() - t;
      t = performance.now();
      await plotRun([...monthArgs, '-o', join(dir, 'month.png')], quietIo());
      const pngMs = performance.now() - t;
      report(
        `pictures.plot   a month of loss (${plotIo.err().trim()}): svg ${plotMs.toFixed(0)} ms, png ${pngMs.toFixed(0)} ms; ` +
          `esmond-ps-get -o csv of the same ${getMs.toFixed(0)} ms (ratio ${(plotMs / getMs).toFixed(2)}x; exit ${plotCode}/${getCode})`,
      );
      report(
        `esmond-ps-plot (a month of loss, svg): ${plotMs.toFixed(0)} ms, ${(plotMs / getMs).toFixed(2)}x of esmond-ps-get -o csv`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }

    if (missing !== undefined) {
      report(`pictures.page   skipped: ${missing}`);
      return;
    }
    const browser = await launchChromium();
    try {
      const page = browser.context.pages()[0] ?? (await browser.context.newPage());
      const grid: number[] = [];
      const loaded: number[] = [];
      for (let i = 0; i < 3; i++) {
        await page.goto(`${url}/`);
        await page.waitForFunction(
          'window.esmondView?.grid.paintedAtMs != null || window.esmondView?.error != null',
          null,
          { timeout: 120_000 },
        );
        const state = await page.evaluate<ViewState>('window.esmondView');
        grid.push(state.grid.paintedAtMs ?? NaN);
        loaded.push(state.grid.loadedAtMs ?? NaN);
        if (i === 0)
          report(
            `pictures.page   grid: ${state.grid.hosts} hosts, ${state.grid.cells} squares${state.error !== null ? `, error ${state.error}` : ''}`,
          );
      }
      report(
        `pictures.page   grid first paint ${median(grid).toFixed(0)} ms (runs ${grid.map((g) => g.toFixed(0)).join(', ')}; summary loaded and decoded at ` +
          `${median(loaded).toFixed(0)} ms; budget 2000 ms: ${(median(grid) / 2000).toFixed(2)}x)`,
      );
      report(`grid first paint (${HOSTS} hosts): ${median(grid).toFixed(0)} ms (goal < 2000)`);

      const month: number[] = [];
      const day: number[] = [];
      let points = '';
      for (let i = 0; i < 3; i++) {
        await page.click('[data-s="perfsonar1.site1.example.net"][data-d="perfsonar1.site2.example.net"]');
        await page.waitForFunction(
          "window.esmondView.pair.range?.label === 'day' && window.esmondView.pair.paintedAtMs !== null",
          null,
          { timeout: 120_000 },
        );
        day.push((await page.evaluate<ViewState>('window.esmondView')).pair.paintedAtMs ?? NaN);
        await page.click('.ranges button[data-range="month"]');
        await page.waitForFunction(
          "window.esmondView.pair.range?.label === 'month' && window.esmondView.pair.paintedAtMs !== null",
          null,
          { timeout: 120_000 },
        );
        const state = await page.evaluate<ViewState>('window.esmondView');
        month.push(state.pair.paintedAtMs ?? NaN);
        points = Object.entries(state.pair.points)
          .filter(([k]) => k.startsWith('perfsonar1.site1.example.net >'))
          .map(([k, v]) => `${k.split(' ').at(-1) ?? k} ${v}`)
          .join(', ');
      }
      report(
        `pictures.page   pair view first paint: day ${median(day).toFixed(0)} ms, month ${median(month).toFixed(0)} ms (first ${(month[0] ?? NaN).toFixed(0)} ms; ` +
          `ratio ${(median(month) / median(day)).toFixed(2)}x; month points per direction: ${points})`,
      );
      report(
        `month pair view first paint: ${median(month).toFixed(0)} ms, ${(median(month) / median(day)).toFixed(2)}x of the day view`,
      );
    } finally {
      await browser.close();
    }
  } finally {
    stop.abort();
    await served;
    report(`pictures.load   load average at the end: ${load()}`);
  }
}
