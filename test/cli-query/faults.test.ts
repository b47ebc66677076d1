/**
 * Failures through the CLI, against a scripted node:http server on 127.0.0.1: a failed request is
 * exit 1 with ONE line on stderr and never "No data found" (B7, B9, B10); stdout carries no
 * diagnostics. Reverse DNS goes through injected resolvers (never real DNS) and never fails a run.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createRun as createGet } from '../../src/cli/get.js';
import { createRun as createEndpoints } from '../../src/cli/get-endpoints.js';
import { createHostnameCache } from '../../src/util/hostnames.js';
import { dnsWithReverse } from '../helpers/offline-dns.js';
import { runTool } from './run-tool.js';
import { listenLocal, type Listening } from '../helpers/listen.js';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;
let handler: Handler = (_req, res) => res.end();
let listening: Listening;
let url = '';

const KEY = 'aaaa1111aaaa1111aaaa1111aaaa1111';
const md = (et: string) => ({
  'metadata-key': KEY,
  uri: `/esmond/perfsonar/archive/${KEY}/`,
  'subject-type': 'point-to-point',
  source: '10.0.0.1',
  destination: '10.0.0.2',
  'measurement-agent': '10.0.0.1',
  'tool-name': 'bwctl/tracepath,traceroute',
  'event-types': [
    {
      'event-type': et,
      'base-uri': `/esmond/perfsonar/archive/${KEY}/${et}/base`,
      'time-updated': 1700000000,
      summaries: [],
    },
  ],
  'metadata-count-total': 1,
});
const json = (res: ServerResponse, status: number, body: unknown): void => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};

before(async () => {
  const server = createServer((req, res) => {
    handler(req, res);
  });
  listening = await listenLocal(server);
  url = `http://127.0.0.1:${listening.port}`;
});
after(() => listening.close());

const noRetry = { clientOptions: { retries: 0 } };
const ARGS = ['-s', '10.0.0.1', '-d', '10.0.0.2', '-S', '2023-11-14', '-E', '2023-11-16', '--ip'];

function assertOneLineFailure(r: { code: number; stdout: string; stderr: string }, pattern: RegExp): void {
  assert.equal(r.code, 1);
  assert.match(r.stderr, pattern);
  // One line, plus one hint line when the cause is recognisable.
  const lines = r.stderr.split('\n');
  assert.ok(
    lines.length === 2 || (lines.length === 3 && /: hint: /.test(lines[1] ?? '')),
    `one line: ${JSON.stringify(r.stderr)}`,
  );
  assert.doesNotMatch(r.stdout, /No data/);
}

describe('runtime failures', () => {
  test('metadata search 500 → exit 1, one line, empty stdout', async () => {
    handler = (_req, res) => {
      json(res, 500, { detail: 'boom' });
    };
    const r = await runTool(createGet(noRetry), ['-u', url, ...ARGS, '-e', 'throughput', '-o', 'json']);
    assertOneLineFailure(r, /^esmond-ps-get: .*500/);
    assert.equal(r.stdout, '');
  });
  test('data 500 → exit 1, never "No data found"', async () => {
    handler = (req, res) => {
      if (req.url?.includes('/throughput/')) json(res, 500, { detail: 'db down' });
      else json(res, 200, [md('throughput')]);
    };
    for (const format of ['human', 'csv', 'json', 'ndjson']) {
      const r = await runTool(createGet(noRetry), ['-u', url, ...ARGS, '-e', 'throughput', '-o', format]);
      assertOneLineFailure(r, /^esmond-ps-get: Request failed with status 500 .*throughput\/base/);
      assert.equal(r.stdout, '');
    }
  });
  test('retries a transient 503 on data, then succeeds', async () => {
    let failures = 1;
    handler = (req, res) => {
      if (!req.url?.includes('/throughput/')) {
        json(res, 200, [md('throughput')]);
        return;
      }
      if (failures-- > 0) {
        json(res, 503, { detail: 'busy' });
        return;
      }
      json(res, 200, [{ ts: 1700000000, val: 5 }]);
    };
    const r = await runTool(createGet({ clientOptions: { retry: { limit: 2, baseMs: 1 } } }), [
      '-u',
      url,
      ...ARGS,
      '-e',
      'throughput',
      '-o',
      'csv',
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      r.stdout,
      'source,destination,event_type,tool,summary_type,summary_window,timestamp,value\r\n10.0.0.1,10.0.0.2,throughput,bwctl/tracepath,traceroute,base,0,2023-11-14 22:13:20,5.0\r\n\n'.replace(
        'bwctl/tracepath,traceroute',
        '"bwctl/tracepath,traceroute"',
      ),
    );
  });
  test('connection refused → exit 1, one line', async () => {
    const r = await runTool(createGet(noRetry), ['-u', 'http://127.0.0.1:9', ...ARGS, '-e', 'throughput']);
    assertOneLineFailure(r, /^esmond-ps-get: /);
    assert.equal(r.stdout, '');
  });
  test('a server that never answers → --timeout ends the run (exit 1)', async () => {
    handler = () => undefined; // never responds
    const r = await runTool(createGet(noRetry), ['-u', url, ...ARGS, '-e', 'throughput', '--timeout', '1']);
    assertOneLineFailure(r, /^esmond-ps-get: .*(time|Time)/);
  });
  test('the metadata search carries the time range and filters; data requests the range', async () => {
    const seen: string[] = [];
    handler = (req, res) => {
      seen.push(req.url ?? '');
      if (req.url?.includes('/packet-trace/')) json(res, 200, []);
      else json(res, 200, [md('packet-trace')]);
    };
    const r = await runTool(createGet(noRetry), [
      '-u',
      url,
      ...ARGS,
      '-e',
      'packet-trace',
      '-F',
      'ip-transport-protocol:tcp',
      '-o',
      'json',
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '[{"msg": "No data found."}]\n');
    assert.match(
      seen[0] ?? '',
      /^\/esmond\/perfsonar\/archive\/\?source=10\.0\.0\.1&destination=10\.0\.0\.2&event-type=packet-trace&ip-transport-protocol=tcp&(limit=\d+&)?time-start=1699920000$/,
      'the metadata search is narrowed by the start only',
    );
    assert.match(seen[1] ?? '', /packet-trace\/base\?.*time-start=1699920000.*time-end=1700092800/);
  });
  test('-v writes its trace to stderr; stdout stays valid JSON (B14)', async () => {
    handler = (req, res) => {
      if (req.url?.includes('/throughput/')) json(res, 200, [{ ts: 1700000000, val: 1.5 }]);
      else json(res, 200, [md('throughput')]);
    };
    const r = await runTool(createGet(noRetry), ['-u', url, ...ARGS, '-e', 'throughput', '-o', 'json', '-v']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), [
      {
        source: '10.0.0.1',
        destination: '10.0.0.2',
        event_type: 'throughput',
        tool: 'bwctl/tracepath,traceroute',
        summary_type: 'base',
        summary_window: 0,
        timestamp: '2023-11-14 22:13:20',
        value: 1.5,
      },
    ]);
    assert.ok(
      r.stderr.startsWith(
        `[time window: 2023-11-14T00:00:00Z to 2023-11-16T00:00:00Z (UTC)]\n[url: ${url}/esmond/perfsonar/archive/?source=10.0.0.1&destination=10.0.0.2&event-type=throughput&time-start=1699920000]\n`,
      ),
      r.stderr,
    );
    assert.match(
      r.stderr,
      /looping query for: aaaa1111aaaa1111aaaa1111aaaa1111 throughput base 0\n {2}\*\* got 1 results\n {2}\*\*\* finished with 1 results\n/,
    );
  });
});

describe('reverse DNS (injected resolvers only)', () => {
  const trace = [
    { ttl: '1', query: '1', success: 1, ip: '10.0.0.254', rtt: '0.2', mtu: '9000', error_message: null },
    { ttl: '2', query: '1', success: 1, ip: '10.0.0.2', rtt: '0.4', mtu: '9000', error_message: null },
  ];
  test('source, destination and hop ip are shown as names; lookups cached', async () => {
    handler = (req, res) => {
      if (req.url?.includes('/packet-trace/'))
        json(res, 200, [
          { ts: 1700000000, val: trace },
          { ts: 1700000600, val: trace },
        ]);
      else json(res, 200, [md('packet-trace')]);
    };
    const asked: string[] = [];
    const names: Record<string, string> = { '10.0.0.1': 'host1.example.net', '10.0.0.2': 'host2.example.net' };
    const reverseResolver = async (ip: string): Promise<string | undefined> => {
      asked.push(ip);
      return names[ip];
    };
    const r = await runTool(
      createGet(noRetry),
      [
        '-u',
        url,
        '-s',
        '10.0.0.1',
        '-d',
        '10.0.0.2',
        '-S',
        '2023-11-14',
        '-E',
        '2023-11-16',
        '-e',
        'packet-trace',
        '-o',
        'csv',
      ],
      { dns: dnsWithReverse(reverseResolver) },
    );
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.split('\r\n');
    assert.match(lines[1] ?? '', /^host1\.example\.net,host2\.example\.net,packet-trace,.*,10\.0\.0\.254,0\.2,9000,$/);
    assert.match(lines[2] ?? '', /,host2\.example\.net,0\.4,9000,$/);
    assert.deepEqual([...asked].sort(), ['10.0.0.1', '10.0.0.2', '10.0.0.254']);
  });
  test('a failing or hanging resolver never fails the run: the IP is shown', async () => {
    handler = (_req, res) => {
      json(res, 200, [md('packet-trace')]);
    };
    const hanging = (): Promise<string | undefined> => new Promise(() => undefined);
    let r = await runTool(createEndpoints({ ...noRetry, hostnameCache: { timeoutMs: 20 } }), ['-u', url, '-o', 'csv'], {
      dns: dnsWithReverse(hanging),
    });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      r.stdout,
      'source,destination,measurement_agent,tool_name,event_type\r\n10.0.0.1,10.0.0.2,10.0.0.1,"bwctl/tracepath,traceroute",packet-trace\r\n\n',
    );
    r = await runTool(createEndpoints(noRetry), ['-u', url, '-o', 'csv'], {
      dns: dnsWithReverse(async () => {
        throw new Error('SERVFAIL');
      }),
    });
    assert.equal(r.code, 0);
    assert.match(r.stdout, /\r\n10\.0\.0\.1,10\.0\.0\.2,10\.0\.0\.1,/);
  });
  test('--ip turns lookups off', async () => {
    handler = (_req, res) => {
      json(res, 200, [md('packet-trace')]);
    };
    let called = false;
    const r = await runTool(createEndpoints(noRetry), ['-u', url, '--ip'], {
      dns: dnsWithReverse(async () => ((called = true), 'x.example')),
    });
    assert.equal(r.code, 0);
    assert.equal(called, false);
    assert.match(r.stdout, /^source: 10\.0\.0\.1\n/);
  });
  test('the cache resolves concurrently with a limit and only IP literals', async () => {
    let inFlight = 0;
    let peak = 0;
    const asked: string[] = [];
    const cache = createHostnameCache(
      async (ip) => {
        asked.push(ip);
        inFlight++;
        peak = Math.max(peak, inFlight);
        await new Promise((r) => setImmediate(r));
        inFlight--;
        return `h-${ip}`;
      },
      { concurrency: 3 },
    );
    const ips = Array.from({ length: 10 }, (_, i) => `192.0.2.${i}`);
    await cache.prefetch([...ips, ...ips, 'not-an-ip.example', '2001:db8::1', null]);
    assert.equal(peak, 3);
    assert.equal(asked.length, 11);
    assert.equal(cache.lookup('192.0.2.3'), 'h-192.0.2.3');
    assert.equal(cache.lookup('2001:db8::1'), 'h-2001:db8::1');
    assert.equal(cache.lookup('not-an-ip.example'), 'not-an-ip.example');
  });
});
