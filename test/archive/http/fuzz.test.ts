// 10 000 generated malformed requests against the real archive, through its socket-free
// requester (archive/handle.ts: the server's own handler, HTTP framing in memory, no port): bad
// JSON, wrong types, unknown and missing keys, huge and negative numbers, NaN-ish strings, bad
// paths, methods and auth headers, oversized values. Every answer must be a JSON 4xx (or 2xx
// where the request happens to be valid), never 5xx, and a rejected write must leave the stored
// data exactly as it was. Seeded: FUZZ_SEED=n reproduces a run; FUZZ_COUNT=n changes its size.
import { after, before, test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { startArchive, type TestArchive } from '../../helpers/archive.js';
import type { RequestContext } from '../../../src/archive/types.js';
import { testStores } from '../../helpers/stores.js';

for (const store of testStores()) {
  describe(`fuzz (${store})`, () => {
    const NOW = 1_700_000_000;
    const SEED = Number(process.env['FUZZ_SEED'] ?? 20_240_501);
    const COUNT = Number(process.env['FUZZ_COUNT'] ?? 10_000);
    const BODY_LIMIT = 256 * 1024;

    /** mulberry32: small, seedable, good enough to pick fuzz cases. */
    function prng(seed: number): () => number {
      let s = seed >>> 0;
      return () => {
        s = (s + 0x6d2b79f5) >>> 0;
        let t = s;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
      };
    }

    const rnd = prng(SEED);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
    const chance = (p: number) => rnd() < p;

    // ---- the baseline archive -------------------------------------------------------------------

    interface Series {
      key: string;
      eventType: string;
      segment: string;
      window: string | undefined;
    }

    const BASE_MD = [
      {
        'subject-type': 'point-to-point',
        source: '10.0.0.1',
        destination: '10.0.0.2',
        'measurement-agent': '10.0.0.1',
        'tool-name': 'bwctl/iperf3',
        'time-duration': 20,
        'event-types': [
          { 'event-type': 'throughput', summaries: [{ 'summary-type': 'average', 'summary-window': 86400 }] },
          { 'event-type': 'failures' },
          { 'event-type': 'throughput-subintervals' },
        ],
      },
      {
        'subject-type': 'point-to-point',
        source: '2001:db8::1',
        destination: '2001:db8::2',
        'measurement-agent': '2001:db8::1',
        'tool-name': 'powstream',
        'event-types': [
          {
            'event-type': 'histogram-owdelay',
            summaries: [
              { 'summary-type': 'aggregation', 'summary-window': 86400 },
              { 'summary-type': 'statistics', 'summary-window': 0 },
            ],
          },
          { 'event-type': 'packet-loss-rate', summaries: [{ 'summary-type': 'aggregation', 'summary-window': 3600 }] },
          { 'event-type': 'time-error-estimates' },
        ],
      },
    ];

    const VALID_VALUES: Record<string, unknown[]> = {
      throughput: [5, '7', 1e9],
      failures: [{ error: 'e' }, null, 'x'],
      'throughput-subintervals': [[{ start: 0, duration: 1, val: 3 }]],
      'histogram-owdelay': [{ '1.5': 3, '2': 7 }],
      'packet-loss-rate': [{ numerator: 1, denominator: 10 }],
      'time-error-estimates': [0.25, '1e-3'],
    };

    let a: TestArchive;
    let keys: string[] = [];
    const series: Series[] = [];

    function ctx(): RequestContext {
      return { requestUrl: new URL(`${a.url}/esmond/perfsonar/archive/`), prefix: '/esmond', now: NOW };
    }

    /** A digest of everything a fuzz request could have changed: all metadata, all baseline series. */
    async function checksum(): Promise<string> {
      const h = createHash('sha256');
      const page = await a.service.searchMetadata(new URLSearchParams({ limit: '100000000' }), ctx());
      h.update(JSON.stringify(page.body));
      const params = new URLSearchParams({ 'time-start': '0', 'time-end': '253402300799', limit: '100000000' });
      for (const s of series) {
        h.update(`|${s.key}/${s.eventType}/${s.segment}/${s.window ?? ''}:`);
        for await (const chunk of (await a.service.readData(s.key, s.eventType, s.segment, s.window, params, ctx()))
          .points) {
          for (const p of chunk) h.update(JSON.stringify(p));
        }
      }
      return h.digest('hex');
    }

    before(async () => {
      // A small body limit so oversized bodies (413, connection closed) are part of the mix.
      a = await startArchive({ store, now: () => NOW * 1000, app: { maxBodyBytes: BODY_LIMIT }, http: false });
      for (const md of BASE_MD) {
        const { metadata } = await a.service.createMetadata(md, ctx());
        keys.push(metadata['metadata-key']);
        for (const et of metadata['event-types']) {
          series.push({
            key: metadata['metadata-key'],
            eventType: et['event-type'],
            segment: 'base',
            window: undefined,
          });
          for (const s of et.summaries) {
            const seg = s['summary-type'] === 'statistics' ? 'statistics' : `${s['summary-type']}s`;
            series.push({
              key: metadata['metadata-key'],
              eventType: et['event-type'],
              segment: seg,
              window: String(s['summary-window']),
            });
          }
          const vals = VALID_VALUES[et['event-type']] ?? [1];
          const data = vals.map((val, i) => ({
            ts: NOW - 3600 + i * 60,
            val: [{ 'event-type': et['event-type'], val }],
          }));
          await a.service.bulkWrite(metadata['metadata-key'], { data }, ctx());
        }
      }
      keys = [...keys];
    });

    after(async () => {
      await a.close();
    });

    // ---- the generator --------------------------------------------------------------------------

    const NASTY: readonly unknown[] = [
      null,
      true,
      false,
      0,
      -1,
      -0.5,
      1.5,
      1e308,
      -1e308,
      2 ** 63,
      -(2 ** 63),
      Number.MAX_SAFE_INTEGER + 2,
      '',
      ' ',
      'NaN',
      'nan',
      'Infinity',
      '-Infinity',
      'inf',
      '1e999',
      '0x10',
      '+5',
      ' 5 ',
      '1_000',
      '١٢',
      'abc',
      '9'.repeat(400),
      '-'.repeat(30),
      [],
      [1, 2],
      {},
      { a: 1 },
      [[[[[]]]]],
      'x'.repeat(100_000),
      '\u0000',
      '\ud800',
      { numerator: 'NaN', denominator: 0 },
      { numerator: -1, denominator: -1 },
      [{ start: 'a', duration: null }],
      { '1': 'x' },
      { '': 1 },
      JSON.parse('{"__proto__":{"x":1}}') as unknown,
      { constructor: 1 },
      1e21,
      1.2345678901234568e29,
    ];
    const EVENT_TYPES = [
      'throughput',
      'failures',
      'histogram-owdelay',
      'packet-loss-rate',
      'time-error-estimates',
      'throughput-subintervals',
      'packet-trace',
      'not-an-event',
      'THROUGHPUT',
      'streams-retransmits',
      '',
      '..',
      'a'.repeat(300),
    ];
    const SEGMENTS = ['base', 'averages', 'aggregations', 'statistics', 'average', 'Base', '..', 'x@y', 'subintervals'];
    const WINDOWS = ['0', '86400', '3600', '-1', 'abc', '1e99', '99999999999999999999', '0086400', '1.5', '@'];
    const QUERY_KEYS = [
      'limit',
      'offset',
      'time',
      'time-start',
      'time-end',
      'time-range',
      'source',
      'destination',
      'measurement-agent',
      'dns-match-rule',
      'event-type',
      'summary-type',
      'summary-window',
      'subject-type',
      'metadata-key',
      'format',
      'tool-name',
      'ip-transport-protocol',
      '_',
      'callback',
    ];
    const QUERY_VALUES = [
      '',
      '0',
      '-1',
      '1',
      '5',
      '1.5',
      'NaN',
      'abc',
      '1e308',
      '99999999999999999999999',
      '+5',
      ' 5 ',
      'json',
      'xml',
      '10.0.0.1',
      '2001:db8::1',
      '::ffff:1.2.3.4',
      'lbl-pt1.es.net',
      'nonexistent.invalid',
      'only-v6',
      'v6-only',
      '%00',
      '%',
      '253402300800',
      '-253402300800',
      'throughput',
      'average',
      '86400',
    ];
    const METHODS = ['GET', 'GET', 'POST', 'POST', 'POST', 'PUT', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS'];
    const CONTENT_TYPES = [
      'application/json',
      'application/json',
      'application/json; charset=utf-8',
      'text/plain',
      'application/jsonx',
      'multipart/form-data',
      '',
    ];

    function enc(s: string): string {
      return encodeURIComponent(s);
    }

    function randomKey(): string {
      if (chance(0.8)) return pick(keys);
      return pick(['f'.repeat(32), 'A'.repeat(32), 'not-hex', 'x'.repeat(5000), '..', '%2F', 'a.b', '-']);
    }

    function randomPath(): string {
      const prefix = chance(0.06) ? pick(['/other', '/esmond/esmond', '/ESMOND']) : pick(['/esmond', '']);
      const slash = chance(0.05) ? '//' : pick(['', '/']);
      const k = randomKey();
      const et = pick(EVENT_TYPES);
      switch (Math.floor(rnd() * 12)) {
        case 0:
          return `${prefix}/perfsonar${slash}`;
        case 1:
          return `${prefix}/perfsonar/archive${pick(['', '/', '.json', '.xml', '.json/'])}`;
        case 2:
          return `${prefix}/perfsonar/archive/${enc(k)}${slash}`;
        case 3:
          return `${prefix}/perfsonar/archive/${enc(k)}/${enc(et)}${slash}`;
        case 4:
        case 5:
        case 6:
          return `${prefix}/perfsonar/archive/${enc(k)}/${enc(et)}/${enc(pick(SEGMENTS))}${slash}`;
        case 7:
        case 8:
          return `${prefix}/perfsonar/archive/${enc(k)}/${enc(et)}/${enc(pick(SEGMENTS))}/${enc(pick(WINDOWS))}${slash}`;
        case 9:
          return `${prefix}/perfsonar/archive/${enc(k)}${slash}`;
        case 10:
          return `${prefix}/perfsonar/pscheduler${slash}`;
        default: {
          const junk = Array.from({ length: 1 + Math.floor(rnd() * 6) }, () =>
            pick(['perfsonar', 'archive', '%', '%zz', '%2e%2e', '..', '.', 'x'.repeat(2000), '%C0%AF', '~', '@', k]),
          );
          return `${prefix}/${junk.join('/')}`;
        }
      }
    }

    function randomQuery(): string {
      if (chance(0.5)) return '';
      const n = 1 + Math.floor(rnd() * 4);
      const parts: string[] = [];
      for (let i = 0; i < n; i++) {
        const v = pick(QUERY_VALUES);
        // `format` (other than json) is a plain 404; keep it rare so most requests reach the core.
        const k = chance(0.03) ? 'format' : pick(QUERY_KEYS.filter((q) => q !== 'format'));
        parts.push(`${enc(k)}=${v.startsWith('%') ? v : enc(v)}`);
      }
      return `?${parts.join('&')}`;
    }

    function randomAuth(): string | undefined {
      if (chance(0.65)) return pick([`Token ${a.apiKey}`, `token ${a.apiKey}`, `ApiKey test-writer:${a.apiKey}`]);
      return pick([
        undefined,
        undefined,
        'Token',
        'Token a b',
        'Token wrong',
        `ApiKey ${a.apiKey}`,
        'ApiKey :',
        'Basic Zm9vOmJhcg==',
        'Bearer x',
        `Token ${'k'.repeat(5000)}`,
        'Token \t x',
        `ApiKey nobody:${a.apiKey}`,
      ]);
    }

    /** Mutates a JSON-able value: drops, adds or retypes keys, or swaps in something nasty. */
    function mutate(value: unknown, depth = 0): unknown {
      if (depth > 3 || chance(0.15)) return pick(NASTY);
      if (Array.isArray(value)) {
        const out = (value as unknown[]).map((v) => (chance(0.4) ? mutate(v, depth + 1) : v));
        if (chance(0.2)) out.push(pick(NASTY));
        if (chance(0.2)) out.pop();
        return out;
      }
      if (value !== null && typeof value === 'object') {
        const out: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(value)) {
          if (chance(0.15)) continue; // missing key
          out[chance(0.05) ? `${k}-typo` : k] = chance(0.35) ? mutate(v, depth + 1) : v;
        }
        if (chance(0.2))
          out[pick(['unknown', 'metadata-key', 'ts', 'val', 'event-type', 'data', 'x'.repeat(300)])] = pick(NASTY);
        return out;
      }
      return chance(0.5) ? pick(NASTY) : value;
    }

    function templateFor(path: string): unknown {
      const et = pick(Object.keys(VALID_VALUES));
      const point = { ts: NOW - Math.floor(rnd() * 100_000), val: pick(VALID_VALUES[et] ?? [1]) };
      if (/\/archive\/?$/.test(path)) return pick(BASE_MD);
      if (path.includes('pscheduler'))
        return { schema: 1, result: { succeeded: true }, test: { type: 'throughput', spec: {} } };
      if (/\/archive\/[^/]+\/?$/.test(path)) {
        return {
          data: [
            {
              ts: point.ts,
              val: [
                { 'event-type': et, val: point.val },
                { 'event-type': et, val: point.val },
              ],
            },
          ],
        };
      }
      return point;
    }

    function randomBody(path: string): string | Buffer | undefined {
      switch (Math.floor(rnd() * 14)) {
        case 0:
          return undefined;
        case 1:
          return '';
        case 2:
          return pick([
            '{',
            '[',
            '{"ts":',
            'null',
            'NaN',
            '{"ts":1,"val":NaN}',
            '{"a":1}}',
            'tru',
            '"',
            "{'a':1}",
            '\u0000',
          ]);
        case 3:
          return Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]); // invalid UTF-8 inside JSON
        case 4:
          return JSON.stringify(pick(NASTY));
        case 6:
          // Oversized: just above the body limit.
          return JSON.stringify({ ts: NOW, val: 'x'.repeat(BODY_LIMIT) });
        case 5: {
          // Deep nesting.
          const d = 1 + Math.floor(rnd() * 3000);
          return `${'['.repeat(d)}${']'.repeat(d)}`;
        }
        default: {
          const text = JSON.stringify(mutate(templateFor(path)));
          return chance(0.05) ? text.slice(0, Math.floor(text.length / 2)) : text;
        }
      }
    }

    interface FuzzRequest {
      method: string;
      path: string;
      headers: Record<string, string>;
      body: string | Buffer | undefined;
    }

    function randomRequest(): FuzzRequest {
      const method = pick(METHODS);
      const path = randomPath() + randomQuery();
      const headers: Record<string, string> = {};
      const auth = randomAuth();
      if (auth !== undefined) headers['Authorization'] = auth;
      const ct = pick(CONTENT_TYPES);
      if (ct !== '') headers['Content-Type'] = ct;
      if (chance(0.03)) headers['X-Forwarded-For'] = pick(['127.0.0.1', 'garbage', '::1, 10.0.0.1']);
      const body = method === 'GET' || method === 'HEAD' ? (chance(0.05) ? '{}' : undefined) : randomBody(path);
      return { method, path, headers, body };
    }

    function show(r: FuzzRequest): string {
      const body = r.body === undefined ? '' : String(r.body).slice(0, 300);
      return `${r.method} ${r.path.slice(0, 300)} ${JSON.stringify(r.headers).slice(0, 200)} ${body}`;
    }

    // 431: Node's own header-size limit (a long URL), answered in JSON by serveArchive.
    const ALLOWED = new Set([200, 201, 400, 401, 404, 405, 409, 413, 415, 431]);

    test(`fuzz: ${COUNT} malformed requests (seed ${SEED}) never give 5xx, rejected writes change nothing`, async () => {
      let state = await checksum();
      const statuses = new Map<number, number>();
      let rejectedWritesChecked = 0;
      for (let i = 0; i < COUNT; i++) {
        const req = randomRequest();
        const res = await a.request(req.method, req.path, { headers: req.headers, body: req.body });
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        if (process.env['FUZZ_DEBUG'] === String(res.status))
          process.stderr.write(`${show(req).slice(0, 160)} -> ${res.text.slice(0, 100)}\n`);
        assert.ok(ALLOWED.has(res.status), `#${i} status ${res.status}: ${show(req)} -> ${res.text.slice(0, 300)}`);
        assert.equal(res.headers['content-type'], 'application/json', `#${i}: ${show(req)}`);
        if (res.status >= 400 && req.method !== 'HEAD') {
          const body = res.json() as { detail?: unknown };
          assert.equal(typeof body.detail, 'string', `#${i}: ${show(req)} -> ${res.text.slice(0, 300)}`);
        }
        const write = !['GET', 'HEAD', 'OPTIONS'].includes(req.method);
        if (!write) continue;
        if (res.status < 300) {
          state = await checksum(); // a valid write: the new state is the baseline now
        } else {
          assert.equal(
            await checksum(),
            state,
            `#${i}: rejected write (${res.status}) changed the archive: ${show(req)}`,
          );
          rejectedWritesChecked += 1;
        }
      }
      // The generator must mostly produce rejections, or the checksum assertion proves little.
      assert.ok(rejectedWritesChecked > COUNT / 3, `only ${rejectedWritesChecked} rejected writes`);
      process.stderr.write(`fuzz statuses: ${JSON.stringify(Object.fromEntries([...statuses].sort()))}\n`);
    });
  });
}
