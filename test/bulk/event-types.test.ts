import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { startArchive, type TestArchive } from '../helpers/archive.js';
import { EVENT_TYPE_NAMES, EVENT_TYPES, type EventType } from '../../src/model/event-types.js';
import { familyOf } from '../../src/format/index.js';
import { dnsWithNames } from '../helpers/offline-dns.js';
import { addMetadata, cleanup, exportArgs, runBulkTool, tempDir, writeCtx, NOW } from './fixtures.js';

const TS = NOW - 3600;

/** A valid value of each event type, shaped like real data of its family. */
function valueFor(et: EventType): unknown {
  switch (EVENT_TYPES[et]) {
    case 'integer':
      return 5;
    case 'float':
      return 1.5;
    case 'percentage':
      return { numerator: 1, denominator: 4 };
    case 'histogram':
      return { '34.4': 2, '34.5': 1 };
    case 'subinterval':
      return [{ start: 0, duration: 1, val: 3 }];
    case 'json':
      switch (familyOf(et)) {
        case 'failures':
          return { error: 'boom, "quoted"' };
        case 'packet_trace':
          return [{ ttl: 1, query: 1, success: 1, ip: '10.9.9.254', rtt: 0.2, mtu: 9000, error_message: null }];
        case 'number_list':
          return [1, 2];
        case 'subinterval_list':
          return [[{ start: 0, duration: 1, val: 7 }]];
        default:
          return et === 'pscheduler-run-href'
            ? 'https://ps.example.net/pscheduler/tasks/t/runs/r'
            : { field: [1, 2], nested: { ok: true } };
      }
  }
}

describe('get-bulk exports every event type (B2) and network-element metadata (B3)', () => {
  let archive: TestArchive;
  before(async () => {
    archive = await startArchive({ now: () => NOW * 1000 });
    const key = await addMetadata(archive, {
      'subject-type': 'point-to-point',
      source: '10.9.9.1',
      destination: '10.9.9.2',
      'measurement-agent': '10.9.9.1',
      'tool-name': 'pscheduler/everything',
      'input-source': 'a.example.net',
      'input-destination': 'b.example.net',
      'event-types': EVENT_TYPE_NAMES.map((et) => ({ 'event-type': et, summaries: [] })),
    });
    await archive.service.bulkWrite(
      key,
      { data: [{ ts: TS, val: EVENT_TYPE_NAMES.map((et) => ({ 'event-type': et, val: valueFor(et) })) }] },
      writeCtx(),
    );
    const ntp = await addMetadata(archive, {
      'subject-type': 'network-element',
      source: '10.9.9.1',
      'measurement-agent': '10.9.9.1',
      'tool-name': 'ntpq',
      'input-source': 'a.example.net',
      'event-types': [{ 'event-type': 'ntp-offset', summaries: [] }],
    });
    await archive.service.bulkWrite(
      ntp,
      { data: [{ ts: TS, val: [{ 'event-type': 'ntp-offset', val: -0.0004 }] }] },
      writeCtx(),
    );
  });
  after(async () => {
    await archive.close();
    cleanup();
  });

  test('one file per event type, unknown types as timestamp + JSON value, ntp without a destination', async () => {
    const dir = tempDir();
    const r = await runBulkTool(
      exportArgs(archive.url, 'json', dir, '-I', '-S', '2025-11-24', '-E', '2025-11-24T16:00:00Z'),
      dir,
    );
    assert.equal(r.code, 0, r.stderr);
    const files = readdirSync(dir);
    assert.equal(files.length, EVENT_TYPE_NAMES.length + 1);
    for (const et of EVENT_TYPE_NAMES) {
      const name = `10.9.9.1_10.9.9.2_${et}_2025-11-24_2025-11-24.json`;
      assert.ok(files.includes(name), name);
    }
    const href = JSON.parse(
      readFileSync(join(dir, '10.9.9.1_10.9.9.2_pscheduler-run-href_2025-11-24_2025-11-24.json'), 'utf8'),
    ) as Array<Record<string, unknown>>;
    assert.deepEqual(Object.keys(href[0]!), [
      'source',
      'destination',
      'event_type',
      'tool',
      'summary_type',
      'summary_window',
      'timestamp',
      'value',
    ]);
    assert.equal(href[0]!.value, 'https://ps.example.net/pscheduler/tasks/t/runs/r');
    const tcpinfo = JSON.parse(
      readFileSync(join(dir, '10.9.9.1_10.9.9.2_tcpinfo_2025-11-24_2025-11-24.json'), 'utf8'),
    ) as Array<Record<string, unknown>>;
    assert.deepEqual(tcpinfo[0]!.value, { field: [1, 2], nested: { ok: true } });
    const ntp = readFileSync(join(dir, '10.9.9.1__ntp-offset_2025-11-24_2025-11-24.json'), 'utf8');
    assert.match(ntp, /"destination": null/);
  });

  test('without --ip, names in files and rows come from the reverse lookup, packet-trace hops too', async () => {
    const dir = tempDir();
    const names: Record<string, string> = {
      '10.9.9.1': 'one.example.net',
      '10.9.9.2': 'two.example.net',
      '10.9.9.254': 'gw.example.net',
    };
    const r = await runBulkTool(
      exportArgs(archive.url, 'csv', dir, '-S', '2025-11-24', '-E', '2025-11-24T16:00:00Z', '-e', 'packet-trace'),
      dir,
      {},
      dnsWithNames(names),
    );
    assert.equal(r.code, 0, r.stderr);
    const files = readdirSync(dir);
    assert.deepEqual(files, ['one.example.net_two.example.net_packet-trace_2025-11-24_2025-11-24.csv']);
    const text = readFileSync(join(dir, files[0]!), 'utf8');
    assert.match(
      text,
      /^source,destination,event_type,tool,summary_type,summary_window,timestamp,ttl,query,success,ip,rtt,mtu,error_message\r\n/,
    );
    assert.match(
      text,
      /one\.example\.net,two\.example\.net,packet-trace,pscheduler\/everything,base,0,2025-11-24 15:00:00,1,1,1,gw\.example\.net,0\.2,9000,\r\n$/,
    );
  });
});
