/**
 * The perfSONAR 5 Logstash pipeline (perfSONAR 5's Logstash pipeline) for tests: an http-archiver envelope
 * in, the OpenSearch document out. Only what the pipeline does for the test types our fixtures
 * hold (latency, throughput, trace, rtt; others keep their raw result) and with IP-literal
 * endpoints (no DNS, no GeoIP: private addresses add `_geoip_lookup_failure`).
 * @module
 */
import { createHash } from 'node:crypto';
import { isoDurationSeconds } from '../../src/model/pscheduler/iso.js';

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : {});

/** Canonical JSON of elmond's keys (sorted keys, no whitespace; numbers as JavaScript prints them). */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (typeof v === 'object' && v !== null) {
    const o = v as Obj;
    return `{${Object.keys(o)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`)
      .join(',')}}`;
  }
  if (typeof v === 'number' && v === 0) return '0';
  return JSON.stringify(v);
}

/** `pscheduler.test_checksum` (elmond's keys): the observer is always null (pipeline order). */
export function testChecksum(test: unknown, tool: string): string {
  return createHash('sha256')
    .update(canonicalJson({ observer_ip: null, test, tool }), 'utf8')
    .digest('hex');
}

const CONVERTED: Record<string, string[]> = {
  throughput: ['duration', 'omit', 'interval'],
  trace: ['sendwait', 'wait'],
  rtt: ['interval', 'timeout', 'deadline'],
};

/** Logstash's histogram statistics object (perfSONAR 5's Logstash pipeline step 6). */
function histogramStats(h: unknown): Obj | undefined {
  const entries = Object.entries(obj(h)).map(([k, c]) => [Number(k), Number(c)] as const);
  if (entries.length === 0 || entries.some(([k]) => Number.isNaN(k))) return undefined;
  entries.sort((a, b) => a[0] - b[0]);
  const n = entries.reduce((s, [, c]) => s + c, 0);
  if (n === 0) return undefined;
  const mean = entries.reduce((s, [k, c]) => s + k * c, 0) / n;
  const variance = entries.reduce((s, [k, c]) => s + (k - mean) ** 2 * c, 0) / n;
  const maxCount = Math.max(...entries.map(([, c]) => c));
  const samples: number[] = [];
  for (const [k, c] of entries) for (let i = 0; i < c; i++) samples.push(k);
  const pct = (q: number): number => {
    const pos = (q / 100) * (n + 1);
    const k = Math.floor(pos);
    const d = pos - k;
    if (k === 0) return samples[0]!;
    if (k >= n) return samples[n - 1]!;
    return samples[k - 1]! + d * (samples[k]! - samples[k - 1]!);
  };
  return {
    histogram: { values: entries.map(([k]) => k), counts: entries.map(([, c]) => c) },
    mean,
    min: entries[0]![0],
    max: entries[entries.length - 1]![0],
    median: pct(50),
    p_25: pct(25),
    p_75: pct(75),
    p_95: pct(95),
    variance,
    stddev: Math.sqrt(variance),
    mode: entries.filter(([, c]) => c === maxCount).map(([k]) => k),
  };
}

function logstashResult(type: string, spec: Obj, r: Obj): Obj {
  const out: Obj = { succeeded: r.succeeded };
  if (r.error !== undefined) out.error = r.error;
  switch (type) {
    case 'latency':
    case 'latencybg': {
      out.max_clock_error = r['max-clock-error'];
      const packets: Obj = {
        sent: r['packets-sent'],
        received: r['packets-received'],
        lost: r['packets-lost'],
        duplicated: r['packets-duplicated'],
        reordered: r['packets-reordered'],
      };
      if (typeof r['packets-sent'] === 'number' && r['packets-sent'] > 0)
        packets.loss = Number(r['packets-lost']) / r['packets-sent'];
      out.packets = packets;
      const latency = histogramStats(r['histogram-latency']);
      if (latency) out.latency = latency;
      const ttl = histogramStats(r['histogram-ttl']);
      if (ttl) out.ttl = ttl;
      return out;
    }
    case 'throughput': {
      const s = obj(obj(r.summary).summary);
      for (const [from, to] of [
        ['throughput-bits', 'throughput'],
        ['sent', 'packets_sent'],
        ['lost', 'packets_lost'],
        ['jitter', 'jitter'],
        ['rtt', 'rtt'],
        ['retransmits', 'retransmits'],
      ]) {
        if (s[from!] !== undefined && s[from!] !== null) out[to!] = s[from!];
      }
      if (r.mss !== undefined) out.mss = r.mss;
      if (r.mtu !== undefined) out.mtu = r.mtu;
      out.intervals = { json: r.intervals };
      if (Number(spec.parallel ?? 1) > 1) out.streams = { json: obj(r.summary).streams };
      return out;
    }
    case 'trace': {
      const paths = Array.isArray(r.paths) ? (r.paths as unknown[][]) : [];
      const first = paths[0] ?? [];
      if (first.length > 0) {
        const ips = first.map((h) => obj(h).ip).filter((ip): ip is string => typeof ip === 'string');
        out.hop = {
          count: first.length,
          success_count: ips.length,
          error_count: first.length - ips.length,
          ip: ips,
          ip_str: ips.join(' '),
          checksum: createHash('sha256').update(ips.join(' ')).digest('hex'),
        };
        const mtus = first.map((h) => obj(h).mtu).filter((m): m is number => typeof m === 'number');
        if (mtus.length > 0) out.mtu = Math.min(...mtus);
      }
      out.json = r.paths;
      return out;
    }
    case 'rtt': {
      out.packets = {
        sent: r.sent,
        received: r.received,
        lost: r.lost,
        loss: r.loss,
        duplicated: r.duplicates,
        reordered: r.reorders,
        json: r.roundtrips,
      };
      const rtt: Obj = {};
      for (const k of ['min', 'max', 'mean', 'stddev'])
        if (typeof r[k] === 'string') rtt[k] = isoDurationSeconds(r[k], k);
      out.rtt = rtt;
      return out;
    }
    default:
      return r;
  }
}

/** The document Logstash indexes for one envelope (`observer`: the `x-ps-observer` header). */
export function logstashDocument(envelope: Obj, observer: string): Obj {
  const test = obj(envelope.test);
  const type = String(test.type);
  const rawSpec = obj(test.spec);
  const spec: Obj = { ...rawSpec };
  for (const f of CONVERTED[type] ?? []) if (typeof spec[f] === 'string') spec[f] = isoDurationSeconds(spec[f], f);
  const run = obj(envelope.run);
  const task = obj(envelope.task);
  const tool = String(obj(envelope.tool).name);
  const runHref = String(run.href);
  const taskHref = String(task.href);
  const ep = (ip: unknown): Obj => ({ ip, hostname: ip });
  const meta: Obj = { observer: { ip: observer, hostname: null } };
  if (rawSpec.source !== undefined && rawSpec.dest !== undefined) {
    meta.source = ep(rawSpec.source);
    meta.destination = ep(rawSpec.dest);
    meta.ip_version = typeof rawSpec.source === 'string' && rawSpec.source.includes(':') ? 6 : 4;
  }
  return {
    id: envelope.id,
    test: { type, spec },
    schedule: { repeat: 3600.0 },
    reference: envelope.reference ?? null,
    pscheduler: {
      added: run.added,
      start_time: run['start-time'],
      end_time: run['end-time'],
      participants: envelope.participants,
      tool,
      duration: isoDurationSeconds(obj(task.detail).duration, 'duration'),
      task_href: taskHref,
      run_href: runHref,
      task_id: taskHref.split('/tasks/')[1],
      run_id: runHref.split('/runs/')[1],
      test_checksum: testChecksum(test, tool),
    },
    meta,
    result: logstashResult(type, spec, obj(envelope.result)),
    tags: ['_geoip_lookup_failure'],
    '@timestamp': new Date(Date.parse(String(run['end-time'])) + 3000).toISOString(),
    '@version': '1',
    host: '127.0.0.1',
  };
}

/**
 * An http-archiver envelope (pScheduler's esmond archiver) for a bare pScheduler result (`{test, tool, result}`) run at
 * `start` (UNIX seconds); `n` makes the run and task ids distinct.
 */
export function envelopeFor(bare: Obj, start: number, n: number, lead: string): Obj {
  const taskId = `0f8e5a4c-1111-4a5b-9c3d-${String(n).padStart(12, '0')}`;
  const runId = `7d2c1b3a-2222-4e5f-8a9b-${String(n).padStart(12, '0')}`;
  const iso = (t: number): string => new Date(t * 1000).toISOString().replace('.000Z', '+00:00');
  const duration = 'PT30S';
  const taskHref = `https://${lead}/pscheduler/tasks/${taskId}`;
  return {
    id: runId,
    schedule: { start: iso(start), duration },
    test: bare.test,
    tool: { name: bare.tool, version: '1.0' },
    participants: [lead],
    result: bare.result,
    reference: { 'display-task-name': 'example' },
    run: {
      href: `${taskHref}/runs/${runId}`,
      added: iso(start - 16),
      'start-time': iso(start),
      'end-time': iso(start + 30),
    },
    task: { href: taskHref, detail: { duration } },
  };
}
