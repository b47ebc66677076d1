import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import {
  columnsFor,
  createRowWriter,
  familyOf,
  formatTimestamp,
  rowsForPoint,
  type OutputFormat,
  type Row,
  type RowContext,
} from '../../src/format/index.js';
import type { WirePoint } from '../../src/model/wire.js';

const md = {
  source: '10.0.0.1',
  destination: '10.0.0.2',
  toolName: 'bwctl/iperf3',
  raw: { 'sample-bucket-width': '0.0001' },
};
const ctx = (eventType: string, extra: Partial<RowContext> = {}): RowContext => ({
  metadata: md,
  eventType,
  summaryType: 'base',
  summaryWindow: 0,
  ...extra,
});

async function render(format: OutputFormat, c: RowContext, points: WirePoint[], opts = {}): Promise<string> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (b: Buffer) => chunks.push(b));
  const family = familyOf(c.eventType, c.summaryType);
  const w = createRowWriter(format, out, columnsFor(family, { format }), opts);
  for (const p of points) await w.write(rowsForPoint({ ...c, format }, p));
  await w.end();
  return Buffer.concat(chunks).toString('utf8');
}

const T0 = 1700000000; // 2023-11-14 22:13:20

describe('timestamps', () => {
  test('naive UTC str(datetime), clamped above MAX_EPOCH', () => {
    assert.equal(formatTimestamp(T0), '2023-11-14 22:13:20');
    assert.equal(formatTimestamp(0), '1970-01-01 00:00:00');
    assert.equal(formatTimestamp(1e12), '9999-12-29 23:59:59.999999');
  });
});

describe('numeric', () => {
  const pts = [
    { ts: T0, val: 9000000000.5 },
    { ts: T0 + 60, val: 1e-5 },
  ];
  test('human: separator and trailing blank line', async () => {
    const s = await render('human', ctx('throughput'), pts);
    assert.equal(
      s,
      'source: 10.0.0.1\ndestination: 10.0.0.2\nevent_type: throughput\ntool: bwctl/iperf3\nsummary_type: base\nsummary_window: 0\ntimestamp: 2023-11-14 22:13:20\nvalue: 9000000000.5\n' +
        '= + = + = + = + = + =\n' +
        'source: 10.0.0.1\ndestination: 10.0.0.2\nevent_type: throughput\ntool: bwctl/iperf3\nsummary_type: base\nsummary_window: 0\ntimestamp: 2023-11-14 22:14:20\nvalue: 1e-05\n\n',
    );
  });
  test('csv: CRLF, print newline', async () => {
    const s = await render('csv', ctx('throughput', { summaryType: 'average', summaryWindow: 86400 }), pts.slice(0, 1));
    assert.equal(
      s,
      'source,destination,event_type,tool,summary_type,summary_window,timestamp,value\r\n10.0.0.1,10.0.0.2,throughput,bwctl/iperf3,average,86400,2023-11-14 22:13:20,9000000000.5\r\n\n',
    );
  });
  test('json: one line, Python separators', async () => {
    const s = await render('json', ctx('throughput'), pts.slice(0, 1));
    assert.equal(
      s,
      '[{"source": "10.0.0.1", "destination": "10.0.0.2", "event_type": "throughput", "tool": "bwctl/iperf3", "summary_type": "base", "summary_window": 0, "timestamp": "2023-11-14 22:13:20", "value": 9000000000.5}]\n',
    );
  });
  test('ndjson: one object per line', async () => {
    const s = await render('ndjson', ctx('throughput'), pts);
    const lines = s.split('\n');
    assert.equal(lines.length, 3);
    assert.equal(lines[2], '');
    assert.deepEqual(JSON.parse(lines[1] ?? ''), {
      source: '10.0.0.1',
      destination: '10.0.0.2',
      event_type: 'throughput',
      tool: 'bwctl/iperf3',
      summary_type: 'base',
      summary_window: 0,
      timestamp: '2023-11-14 22:14:20',
      value: 1e-5,
    });
  });
  test('network element: destination None / empty', async () => {
    const c: RowContext = {
      metadata: { source: '10.0.0.1', destination: undefined, toolName: 'ntpq' },
      eventType: 'ntp-offset',
      summaryType: 'base',
      summaryWindow: 0,
    };
    assert.equal(
      await render('csv', c, [{ ts: T0, val: -0.000412 }]),
      'source,destination,event_type,tool,summary_type,summary_window,timestamp,value\r\n10.0.0.1,,ntp-offset,ntpq,base,0,2023-11-14 22:13:20,-0.000412\r\n\n',
    );
    assert.match(await render('human', c, [{ ts: T0, val: 1 }]), /\ndestination: None\n/);
  });
});

describe('numbers as the original printed them (the columns of the original per event type; esmond returns numeric values as floats)', () => {
  test('numeric values print as Python floats in every format but ndjson', async () => {
    const pts = [{ ts: T0, val: 9000000000 }];
    assert.match(await render('human', ctx('throughput'), pts), /\nvalue: 9000000000\.0\n\n$/);
    assert.match(await render('csv', ctx('throughput'), pts), /,9000000000\.0\r\n\n$/);
    assert.match(await render('json', ctx('throughput'), pts), /"value": 9000000000\.0\}\]\n$/);
    assert.match(await render('ndjson', ctx('throughput'), pts), /"value":9000000000\}\n$/);
  });
  test('statistics are floats, list elements too; histogram counts stay ints', async () => {
    const c = ctx('histogram-rtt', { summaryType: 'statistics' });
    const val = {
      minimum: 41,
      maximum: 50,
      mean: 41.097,
      median: 41.1,
      mode: [41.1, 41],
      variance: 0.401091,
      'standard-deviation': 0.6333174559413313,
      'percentile-25': 41,
      'percentile-75': 41.1,
      'percentile-95': 41.1,
    };
    assert.equal(
      (await render('csv', c, [{ ts: T0, val }])).split('\r\n')[1],
      '10.0.0.1,10.0.0.2,histogram-rtt,bwctl/iperf3,statistics,0,2023-11-14 22:13:20,41.0,41.1,50.0,41.097,"41.1, 41.0",0.6333174559413313,0.401091,41.0,41.1,41.1',
    );
    assert.match(await render('json', c, [{ ts: T0, val }]), /"min": 41\.0, .*"mode": \[41\.1, 41\.0\]/);
    assert.match(
      await render('csv', ctx('histogram-owdelay'), [{ ts: T0, val: { '34.4': 506 } }]),
      /,"?\{'34\.4': 506\}"?\r\n/,
    );
  });
});

describe('no data forms', () => {
  test('human, csv, json, ndjson', async () => {
    assert.equal(await render('human', ctx('throughput'), []), 'No data found.\n');
    assert.equal(
      await render('csv', ctx('failures'), []),
      'source,destination,event_type,tool,summary_type,summary_window,timestamp,msg\r\nNo data,No data,No data,No data,No data,No data,No data,No data\r\n\n',
    );
    assert.equal(await render('json', ctx('throughput'), []), '[{"msg": "No data found."}]\n');
    assert.equal(await render('ndjson', ctx('throughput'), []), '');
    assert.equal(
      await render('json', ctx('throughput'), [], { trailingNewline: false }),
      '[{"msg": "No data found."}]',
    );
  });
});

describe('families (the columns of the original per event type)', () => {
  test('failures csv', async () => {
    const s = await render('csv', ctx('failures'), [{ ts: T0 + 50, val: { error: 'bwctl: Unable to contact host' } }]);
    assert.equal(
      s.split('\r\n')[1],
      '10.0.0.1,10.0.0.2,failures,bwctl/iperf3,base,0,2023-11-14 22:14:10,bwctl: Unable to contact host',
    );
  });
  test('histogram csv/human/json', async () => {
    const c = ctx('histogram-owdelay', { metadata: { ...md, toolName: 'powstream' } });
    const pts = [
      { ts: T0, val: { '34.4': 506, '34.5': 85 } },
      { ts: T0 + 60, val: { '34.4': 510 } },
    ];
    assert.equal(
      await render('csv', c, pts),
      'source,destination,event_type,tool,summary_type,summary_window,timestamp,bucket,value\r\n' +
        `10.0.0.1,10.0.0.2,histogram-owdelay,powstream,base,0,2023-11-14 22:13:20,0.0001,"{'34.4': 506, '34.5': 85}"\r\n` +
        `10.0.0.1,10.0.0.2,histogram-owdelay,powstream,base,0,2023-11-14 22:14:20,0.0001,{'34.4': 510}\r\n\n`,
    );
    assert.match(await render('human', c, pts), /\nvalue: \{'34\.4': 506, '34\.5': 85\}\n/);
    assert.match(await render('json', c, pts), /"bucket": "0\.0001", "value": \{"34\.4": 506, "34\.5": 85\}/);
  });
  test('histogram statistics: mode list joined per first-row rule', async () => {
    const c = ctx('histogram-owdelay', { summaryType: 'statistics', metadata: { ...md, toolName: 'powstream' } });
    const val = {
      minimum: '34.4',
      median: 34.4,
      maximum: '34.7',
      mean: 34.41,
      mode: ['34.4', '34.5'],
      'standard-deviation': 0.038,
      variance: 0.0014,
      'percentile-25': 34.4,
      'percentile-75': 34.5,
      'percentile-95': 34.6,
    };
    const s = await render('csv', c, [{ ts: T0, val }]);
    assert.equal(
      s,
      'source,destination,event_type,tool,summary_type,summary_window,timestamp,min,median,max,mean,mode,standard_deviation,variance,percentile_25,percentile_75,percentile_95\r\n' +
        '10.0.0.1,10.0.0.2,histogram-owdelay,powstream,statistics,0,2023-11-14 22:13:20,34.4,34.4,34.7,34.41,"34.4, 34.5",0.038,0.0014,34.4,34.5,34.6\r\n\n',
    );
    assert.match(await render('json', c, [{ ts: T0, val }]), /"min": "34\.4", .*"mode": \["34\.4", "34\.5"\]/);
  });
  test('list joining looks only at the first row', async () => {
    const out = new PassThrough();
    let s = '';
    out.on('data', (b: Buffer) => (s += b.toString()));
    const w = createRowWriter('human', out, ['a', 'b']);
    const rows: Row[] = [
      { a: ['x', 'y'], b: 1 },
      { a: ['z'], b: ['p', 'q'] },
    ];
    await w.write(rows);
    await w.end();
    assert.equal(s, "a: x, y\nb: 1\n= + = + = + = + = + =\na: z\nb: ['p', 'q']\n\n");
  });
  test('packet-trace human has header blocks; csv carries base columns', async () => {
    const c = ctx('packet-trace', { metadata: { ...md, toolName: 'bwctl/tracepath,traceroute' } });
    const hops = [
      { ttl: '1', query: '1', success: 1, ip: '10.0.0.254', rtt: '0.246', mtu: '9000', error_message: null },
      { ttl: '2', query: '1', success: 1, ip: '10.0.0.2', rtt: '0.5', mtu: '9000', error_message: null },
    ];
    const human = await render('human', c, [{ ts: T0, val: hops }]);
    assert.equal(
      human,
      'source: 10.0.0.1\ndestination: 10.0.0.2\nevent_type: packet-trace\ntool: bwctl/tracepath,traceroute\nsummary_type: base\nsummary_window: 0\ntimestamp: 2023-11-14 22:13:20\n' +
        '= + = + = + = + = + =\nttl: 1\nquery: 1\nsuccess: 1\nip: 10.0.0.254\nrtt: 0.246\nmtu: 9000\nerror_message: None\n' +
        '= + = + = + = + = + =\nttl: 2\nquery: 1\nsuccess: 1\nip: 10.0.0.2\nrtt: 0.5\nmtu: 9000\nerror_message: None\n\n',
    );
    const csv = await render('csv', c, [{ ts: T0, val: hops }]);
    assert.equal(
      csv.split('\r\n')[0],
      'source,destination,event_type,tool,summary_type,summary_window,timestamp,ttl,query,success,ip,rtt,mtu,error_message',
    );
    assert.equal(
      csv.split('\r\n')[1],
      '10.0.0.1,10.0.0.2,packet-trace,"bwctl/tracepath,traceroute",base,0,2023-11-14 22:13:20,1,1,1,10.0.0.254,0.246,9000,',
    );
    assert.match(
      await render('json', c, [{ ts: T0, val: hops }]),
      /"ttl": "1", "query": "1", "success": 1, "ip": "10\.0\.0\.254", "rtt": "0\.246", "mtu": "9000", "error_message": null/,
    );
  });
  test('subintervals, number_list, subinterval_list', async () => {
    const sub = await render('csv', ctx('throughput-subintervals'), [
      { ts: T0, val: [{ start: '0.000000', duration: '1.000000', val: 100 }] },
    ]);
    assert.equal(
      sub.split('\r\n')[1],
      '10.0.0.1,10.0.0.2,throughput-subintervals,bwctl/iperf3,base,0,2023-11-14 22:13:20,0.000000,1.000000,100',
    );
    const nl = await render('csv', ctx('streams-throughput'), [{ ts: T0, val: [4000000000.5, 5e9] }]);
    assert.deepEqual(nl.split('\r\n').slice(0, 3), [
      'source,destination,event_type,tool,summary_type,summary_window,timestamp,stream_num,value',
      '10.0.0.1,10.0.0.2,streams-throughput,bwctl/iperf3,base,0,2023-11-14 22:13:20,0,4000000000.5',
      '10.0.0.1,10.0.0.2,streams-throughput,bwctl/iperf3,base,0,2023-11-14 22:13:20,1,5000000000',
    ]);
    const sl = await render('csv', ctx('streams-throughput-subintervals'), [
      {
        ts: T0,
        val: [
          [
            { start: 0, duration: 1.5, val: 1 },
            { start: 1, duration: 1.5, val: 2 },
          ],
          [{ start: 0, duration: 1.5, val: 3 }],
        ],
      },
    ]);
    assert.deepEqual(
      sl
        .split('\r\n')
        .slice(1, 4)
        .map((l) => l.split(',').slice(7).join(',')),
      ['0,0,1.5,1', '0,1,1.5,2', '1,0,1.5,3'],
    );
  });
  test('unknown event types: JSON value column', async () => {
    assert.equal(familyOf('pscheduler-run-href'), 'unknown');
    assert.equal(familyOf('no-such-type'), 'unknown');
    assert.equal(familyOf('packet-rtt'), 'numeric');
    const c = ctx('pscheduler-run-href');
    const csv = await render('csv', c, [{ ts: T0, val: { href: 'https://h/run/1' } }]);
    assert.equal(
      csv.split('\r\n')[1],
      '10.0.0.1,10.0.0.2,pscheduler-run-href,bwctl/iperf3,base,0,2023-11-14 22:13:20,"{""href"": ""https://h/run/1""}"',
    );
    assert.match(await render('json', c, [{ ts: T0, val: { href: 'x' } }]), /"value": \{"href": "x"\}\}\]/);
  });
  test('hostnames apply to source, destination and hop ip', async () => {
    const c = ctx('packet-trace', { hostnames: (v) => (v === '10.0.0.2' ? 'host2.example.net' : v) });
    const s = await render('csv', c, [{ ts: T0, val: [{ ttl: 1, ip: '10.0.0.2' }] }]);
    assert.match(s.split('\r\n')[1] ?? '', /^10\.0\.0\.1,host2\.example\.net,.*,host2\.example\.net,,,$/);
  });
});
