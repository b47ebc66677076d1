#!/usr/bin/env node
// `npm run demo`: a two-minute tour. Seeds a throw-away esmond archive with a synthetic perfSONAR
// mesh (4 hosts, 2 days), serves it on 127.0.0.1, and queries it the way a network engineer
// would: what is measured, the latest throughput, one-way delay and loss, and a traceroute path.
// Runs from dist/ (built by `npm install` / `npm run build`). Uses the esmond-ps-* query tools
// when they are built (`--http` forces plain HTTP), and always ends with at-a-glance tables read
// over plain HTTP. Any failure: a one-line reason, exit 1, server closed.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const HOSTS = 4;
const DAYS = 2;
const SEED = 42;
const TOOL_TIMEOUT_MS = 60_000;

/** Loads a built module, with a hint when the build is missing. */
async function load(rel) {
  const file = join(dist, rel);
  if (!existsSync(file)) throw new Error(`${rel} is not built: run \`npm run build\` first`);
  return import(pathToFileURL(file).href);
}

async function main() {
  const { openSqliteArchive, serveArchive, seedArchive } = await load('archive/index.js');
  const dir = mkdtempSync(join(tmpdir(), 'esmond-demo-'));
  // Also when the process ends abruptly (e.g. `npm run demo | head` closes stdout).
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  let service;
  let server;
  try {
    service = openSqliteArchive(join(dir, 'archive.sqlite'), { resolver: false });
    const now = Math.floor(Date.now() / 1000);
    console.log(`Seeding a synthetic perfSONAR mesh (${HOSTS} hosts, ${DAYS} days) into ${dir} …`);
    const began = performance.now();
    const seeded = await seedArchive(service, { hosts: HOSTS, days: DAYS, seed: SEED, now });
    const seconds = ((performance.now() - began) / 1000).toFixed(1);
    server = await serveArchive({ service, host: '127.0.0.1', port: 0, log: (line) => console.error(line) });
    const archive = `${server.url}/esmond/perfsonar/archive/`;
    heading(`esmond demo archive: ${archive}`);
    console.log(
      `Seeded ${num(seeded.metadata)} measurements and ${num(seeded.points)} values ` +
        `(${HOSTS} perfSONAR hosts, ${DAYS} days, seed ${SEED}) in ${seconds} s`,
    );
    const api = new Api(archive);
    const pair = await pickPair(api);
    // The query tools when they are built (the real user experience), raw HTTP otherwise; the
    // at-a-glance tables always come from plain HTTP because they combine several series.
    if (toolsBuilt() && !process.argv.includes('--http')) await tourWithTools(server.url, pair);
    else await overview(api);
    await atAGlance(api);
    console.log('');
    console.log(
      `Done. (Try it yourself: node dist/bin/esmond-ps-archive.js seed && node dist/bin/esmond-ps-archive.js serve)`,
    );
  } finally {
    if (server !== undefined) await server.close();
    if (service !== undefined) service.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// With the query tools (once dist/cli/get*.js exist)

function toolsBuilt() {
  return ['get-endpoints', 'get-metadata', 'get'].every(
    (t) => existsSync(join(dist, 'cli', `${t}.js`)) && existsSync(join(dist, 'bin', `esmond-ps-${t}.js`)),
  );
}

async function tourWithTools(url, pair) {
  const common = ['-u', url, '-I'];
  heading('What does the archive measure? (esmond-ps-get-endpoints, throughput tests)');
  await runTool('get-endpoints', [...common, '-t', 'pscheduler/iperf3', '-o', 'csv']);
  heading(`Tests from ${pair.inputSource} to ${pair.inputDestination} (esmond-ps-get-metadata)`);
  await runTool('get-metadata', [...common, '-s', pair.source, '-d', pair.destination, '-o', 'csv']);
  heading('Throughput over the last 24 h (esmond-ps-get -e throughput)');
  await runTool('get', [...common, '-s', pair.source, '-d', pair.destination, '-e', 'throughput', '-o', 'csv'], 8);
  heading('Hourly packet loss (esmond-ps-get -e packet-loss-rate -T aggregation -W 3600)');
  await runTool(
    'get',
    [
      ...common,
      '-s',
      pair.source,
      '-d',
      pair.destination,
      '-e',
      'packet-loss-rate',
      '-T',
      'aggregation',
      '-W',
      '3600',
      '-o',
      'csv',
    ],
    8,
  );
  heading('Traceroute path (esmond-ps-get -e packet-trace, last hour)');
  await runTool(
    'get',
    [
      ...common,
      '-s',
      pair.source,
      '-d',
      pair.destination,
      '-e',
      'packet-trace',
      '-t',
      'pscheduler/traceroute',
      '-S',
      new Date(Date.now() - 3600_000).toISOString(),
      '-o',
      'csv',
    ],
    11,
  );
}

/** Runs dist/bin/esmond-ps-<tool>.js; shows at most `maxLines` lines of its stdout. */
function runTool(tool, args, maxLines = 20) {
  const bin = join(dist, 'bin', `esmond-ps-${tool}.js`);
  console.log(`$ esmond-ps-${tool} ${args.map(shellQuote).join(' ')}`);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (b) => (out += b));
    child.stderr.on('data', (b) => (err += b));
    const timer = setTimeout(() => child.kill('SIGTERM'), TOOL_TIMEOUT_MS);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`esmond-ps-${tool} could not start: ${e.message}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code !== 0) {
        const why = signal !== null ? `was killed (${signal})` : `exited with ${code}`;
        reject(new Error(`esmond-ps-${tool} ${why}: ${lastLine(err) || lastLine(out) || 'no output'}`));
        return;
      }
      const lines = out.replace(/\s+$/, '').split('\n');
      for (const line of lines.slice(0, maxLines)) console.log(`  ${line}`);
      if (lines.length > maxLines) console.log(`  … ${lines.length - maxLines} more lines`);
      resolve();
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Plain HTTP (the fallback while the query tools are not built)

class Api {
  constructor(archiveUrl) {
    this.archiveUrl = archiveUrl;
    this.origin = new URL(archiveUrl).origin;
  }

  /** GET a JSON body; `path` is relative to the archive URL or an absolute server path. */
  async get(path, query = {}) {
    const url = new URL(path.startsWith('/') ? this.origin + path : this.archiveUrl + path);
    for (const [k, v] of Object.entries(query)) url.searchParams.set(k, String(v));
    const res = await fetch(url, { signal: AbortSignal.timeout(30_000) });
    const text = await res.text();
    if (res.status !== 200) throw new Error(`GET ${url} answered ${res.status}: ${text.slice(0, 200)}`);
    if (res.headers.get('content-type') !== 'application/json') {
      throw new Error(`GET ${url}: content-type ${res.headers.get('content-type')}, expected application/json`);
    }
    return JSON.parse(text);
  }

  search(query) {
    return this.get('', query);
  }

  /** Points of an event type of a metadata: `series` is `base` or e.g. `aggregations/3600`. */
  async data(md, eventType, series, query = {}) {
    const et = md['event-types'].find((e) => e['event-type'] === eventType);
    if (et === undefined) return [];
    const path = series === 'base' ? et['base-uri'] : et.summaries.find((s) => s.uri.endsWith(`/${series}`))?.uri;
    return path === undefined ? [] : this.get(path, query);
  }
}

/** The pair the tour looks at: the first throughput test that runs parallel streams. */
async function pickPair(api) {
  const list = await api.search({ 'tool-name': 'pscheduler/iperf3' });
  if (list.length === 0) throw new Error('the seeded archive has no throughput tests');
  const md = list.find((m) => Number(m['bw-parallel-streams']) > 1) ?? list[0];
  return {
    source: md.source,
    destination: md.destination,
    inputSource: md['input-source'],
    inputDestination: md['input-destination'],
  };
}

async function overview(api) {
  const all = await api.search({ limit: 1000 });
  heading(`What does the archive measure? (${all.length} metadata, read over plain HTTP)`);
  const byTool = new Map();
  for (const md of all) byTool.set(md['tool-name'], (byTool.get(md['tool-name']) ?? 0) + 1);
  for (const [tool, n] of byTool) console.log(`  ${pad(tool, 24)} ${n} tests`);
  const sample = all.find((m) => m['tool-name'] === 'pscheduler/powstream') ?? all[0];
  console.log(`  e.g. ${sample['tool-name']} ${sample['input-source']} -> ${sample['input-destination']}:`);
  console.log(`       ${sample['event-types'].map((e) => e['event-type']).join(', ')}`);
}

async function atAGlance(api) {
  heading('Latest throughput (iperf3, TCP, 20 s)');
  const tput = await api.search({ 'tool-name': 'pscheduler/iperf3' });
  for (const md of sortPairs(tput)) {
    const points = await api.data(md, 'throughput', 'base', { 'time-range': 86400 * DAYS });
    const fails = await api.data(md, 'failures', 'base', { 'time-range': 86400 * DAYS });
    const last = points.at(-1);
    const retr = last === undefined ? [] : await api.data(md, 'packet-retransmits', 'base', { time: last.ts });
    const streams = Number(md['bw-parallel-streams'] ?? 1);
    console.log(
      `  ${route(md)}  ` +
        (last === undefined
          ? 'no successful run'
          : `${pad(gbps(last.val), 11)} retr ${pad(String(retr[0]?.val ?? '?'), 5)} ` +
            `${streams} stream${streams > 1 ? 's' : ' '}  ${when(last.ts)}`) +
        (fails.length > 0 ? `  (${fails.length} failed: "${fails.at(-1).val.error}")` : ''),
    );
  }

  heading('One-way delay and loss, last complete hour (powstream, 600 packets per result)');
  const lat = await api.search({ 'tool-name': 'pscheduler/powstream' });
  for (const md of sortPairs(lat)) {
    const stats = (await api.data(md, 'histogram-owdelay', 'statistics/3600', { 'time-range': 7200 })).at(-2);
    const loss = (await api.data(md, 'packet-loss-rate', 'aggregations/3600', { 'time-range': 7200 })).at(-2);
    const day = (await api.data(md, 'packet-loss-rate', 'aggregations/86400', { 'time-range': 86400 })).at(-1);
    if (stats === undefined) {
      console.log(`  ${route(md)}  no data in the last hours`);
      continue;
    }
    const s = stats.val;
    console.log(
      `  ${route(md)}  min ${ms(s.minimum)}  median ${ms(s.median)}  p95 ${ms(s['percentile-95'])}  ` +
        `loss ${pct(loss?.val)} (today ${pct(day?.val)})`,
    );
  }

  // The most interesting traceroute: the test whose path changed most often.
  let best;
  for (const md of sortPairs(await api.search({ 'tool-name': 'pscheduler/traceroute' }))) {
    const traces = await api.data(md, 'packet-trace', 'base', { 'time-range': 86400 * DAYS, limit: 1500 });
    const changes = [];
    for (let i = 1; i < traces.length; i++) {
      if (pathOf(traces[i].val) !== pathOf(traces[i - 1].val)) changes.push([traces[i - 1], traces[i]]);
    }
    if (traces.length > 0 && (best === undefined || changes.length > best.changes.length))
      best = { md, traces, changes };
  }
  if (best === undefined) throw new Error('no traceroute data in the archive');
  const { md, traces, changes } = best;
  const latest = traces.at(-1);
  heading(`Traceroute ${md['input-source']} -> ${md['input-destination']} (latest, ${when(latest.ts)})`);
  for (const hop of latest.val) {
    if (hop.ip === undefined) {
      console.log(`  ${pad(String(hop.ttl), 3)}* * *`);
      continue;
    }
    const err = hop.success === 0 ? `  !${hop['error-message'] ?? 'error'}` : '';
    console.log(
      `  ${pad(String(hop.ttl), 3)}${pad(`${hop.hostname ?? hop.ip} (${hop.ip})`, 58)} ${pad(ms(hop.rtt), 10)} ` +
        `AS${hop.as?.number ?? '?'}  mtu ${hop.mtu ?? '?'}${err}`,
    );
  }
  const distinct = new Set(traces.map((t) => pathOf(t.val))).size;
  console.log(`  ${traces.length} traces in ${DAYS} days: ${distinct} distinct paths, ${changes.length} route changes`);
  const shown = changes.slice(-6);
  const width = Math.max(0, ...shown.map(([b]) => via(b.val).length));
  for (const [before, after] of shown) {
    console.log(
      `  ${when(after.ts)}  ${pad(via(before.val), width)} -> ${via(after.val)}  ` +
        `(rtt ${ms(lastRtt(before.val))} -> ${ms(lastRtt(after.val))})`,
    );
  }
}

/** A path's identity: the addresses hop by hop (`*` for silent hops). */
function pathOf(hops) {
  return hops.map((h) => h.ip ?? '*').join(' ');
}
/** The backbone part of a path, e.g. `atla-cr1 wash-cr1`. */
function via(hops) {
  const core = hops.filter((h) => /-cr\d\./.test(h.hostname ?? '')).map((h) => h.hostname.split('.')[0]);
  const silent = hops.filter((h) => h.ip === undefined).length;
  const last = hops.at(-1);
  const unreachable =
    last?.success === 0 ? `, !${last['error-message'] ?? 'error'} from ${last.hostname ?? last.ip}` : '';
  return `via ${core.join(' ') || 'site routers only'}${silent > 0 ? ` (+${silent} silent)` : ''}${unreachable}`;
}
function lastRtt(hops) {
  return hops.at(-1)?.rtt;
}

// ---------------------------------------------------------------------------------------------
// Formatting

function heading(text) {
  console.log('');
  console.log(text);
  console.log('-'.repeat(Math.min(100, text.length)));
}
function sortPairs(list) {
  return [...list].sort((a, b) => route(a).localeCompare(route(b)));
}
function route(md) {
  const short = (h) =>
    String(h ?? '?')
      .replace(/^perfsonar1\./, '')
      .replace(/\.example\.net$/, '');
  const family = String(md.source).includes(':') ? 'v6' : 'v4';
  return pad(`${short(md['input-source'])} -> ${short(md['input-destination'])} ${family}`, 20);
}
function gbps(bits) {
  return bits >= 1e9 ? `${(bits / 1e9).toFixed(2)} Gb/s` : `${(bits / 1e6).toFixed(0)} Mb/s`;
}
function ms(v) {
  return typeof v === 'number' ? `${v.toFixed(2)} ms` : '? ms';
}
function pct(v) {
  return typeof v === 'number' ? `${(v * 100).toFixed(v === 0 ? 0 : 3)} %` : '?';
}
function when(ts) {
  return `${new Date(ts * 1000).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
function num(n) {
  return n.toLocaleString('en-US');
}
function pad(s, n) {
  return s.length >= n ? s : s + ' '.repeat(n - s.length);
}
function lastLine(text) {
  return text.trim().split('\n').at(-1) ?? '';
}
function shellQuote(a) {
  return /^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`;
}

// A reader that goes away early (`| head`) is not an error.
process.stdout.on('error', (err) => process.exit(err.code === 'EPIPE' ? 0 : 1));

main().then(
  () => process.exit(0),
  (err) => {
    console.error(`demo failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
