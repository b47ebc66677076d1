/**
 * `/metrics` of `esmond-ps-archive serve`, parsed with a real Prometheus text parser, against
 * the data in the archive; and the mesh summary it is made from.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { request } from 'undici';
import { createClient } from '../../src/client.js';
import type { EsmondClient } from '../../src/query/types.js';
import { decodeMesh } from '../../src/web/mesh-wire.js';
import { delayOf, numberOf } from '../../src/web/values.js';
import { KNOWN, startPicturesArchive, type PicturesArchive } from './fixture.js';

type Families = ReturnType<typeof parsePrometheusTextFormat>;

function sample(families: Families, name: string, labels: Record<string, string>): number | undefined {
  const fam = families.find((f) => f.name === name);
  const m = fam?.metrics.find((x) => Object.entries(labels).every(([k, v]) => x.labels?.[k] === v));
  return m?.value === undefined ? undefined : Number(m.value);
}

/** The last point of a series in the last `seconds`, read with the library client. */
async function lastValue(
  client: EsmondClient,
  src: string,
  dst: string,
  eventType: string,
  summary: { summaryType?: 'statistics' },
  seconds: number,
): Promise<unknown> {
  const now = Math.floor(Date.now() / 1000);
  let last: unknown;
  for await (const md of client.searchMetadata({ inputSource: src, inputDestination: dst, eventType })) {
    for await (const p of client.data(md, eventType, summary, { timeStart: now - seconds, timeEnd: now })) last = p.val;
  }
  return last;
}

describe('/metrics', () => {
  let archive: PicturesArchive;
  let client: EsmondClient;
  let text: string;
  let families: Families;
  let contentType: string;

  before(async () => {
    archive = await startPicturesArchive({ hosts: 2, days: 1 });
    client = createClient({ url: archive.url });
    const res = await fetch(`${archive.url}/metrics`);
    assert.equal(res.status, 200);
    contentType = res.headers.get('content-type') ?? '';
    text = await res.text();
    families = parsePrometheusTextFormat(text);
  });
  after(async () => {
    await client.close();
    await archive.close();
  });

  test('is OpenMetrics text: content type, gauges with help, # EOF', () => {
    assert.match(contentType, /^application\/openmetrics-text; version=1\.0\.0/);
    assert.ok(text.endsWith('# EOF\n'));
    for (const name of [
      'esmond_throughput_bits_per_second',
      'esmond_packet_loss_ratio',
      'esmond_one_way_delay_seconds',
      'esmond_last_result_timestamp_seconds',
      'esmond_mesh_summary_timestamp_seconds',
    ]) {
      const fam = families.find((f) => f.name === name);
      assert.ok(fam, name);
      assert.equal(fam.type, 'GAUGE', name);
      assert.ok(fam.metrics.length > 0, name);
    }
  });

  test('the known tests: latest loss and throughput as written, the time of the stale one', () => {
    for (const k of KNOWN) {
      const labels = { source: k.source, destination: k.destination };
      if (k.family === 'latency' && k.expected !== 'stale')
        assert.equal(sample(families, 'esmond_packet_loss_ratio', labels), k.latest);
      if (k.family === 'throughput')
        assert.equal(sample(families, 'esmond_throughput_bits_per_second', labels), k.latest);
    }
    const stale = KNOWN.find((k) => k.expected === 'stale');
    assert.ok(stale);
    // The fixture wrote the stale test's last result two days before its "now".
    const last = sample(families, 'esmond_last_result_timestamp_seconds', {
      source: stale.source,
      destination: stale.destination,
      event_type: 'packet-loss-rate',
    });
    assert.equal(last, archive.now - 2 * 86400);
  });

  test("seeded tests: values are the archive's latest points", async () => {
    const a = 'perfsonar1.site1.example.net';
    const b = 'perfsonar1.site2.example.net';
    for (const [src, dst] of [
      [a, b],
      [b, a],
    ] as const) {
      const labels = { source: src, destination: dst };
      assert.equal(
        sample(families, 'esmond_throughput_bits_per_second', labels),
        numberOf(await lastValue(client, src, dst, 'throughput', {}, 7 * 86400)),
      );
      assert.equal(
        sample(families, 'esmond_packet_loss_ratio', labels),
        numberOf(await lastValue(client, src, dst, 'packet-loss-rate', {}, 3600)),
      );
      const delay = delayOf(
        await lastValue(client, src, dst, 'histogram-owdelay', { summaryType: 'statistics' }, 3600),
      );
      assert.ok(delay);
      assert.equal(sample(families, 'esmond_one_way_delay_seconds', { ...labels, stat: 'min' }), delay.min / 1000);
      assert.equal(
        sample(families, 'esmond_one_way_delay_seconds', { ...labels, stat: 'median' }),
        delay.median / 1000,
      );
      assert.equal(sample(families, 'esmond_one_way_delay_seconds', { ...labels, stat: 'p95' }), delay.p95 / 1000);
    }
  });

  test('bounded cardinality: one series per test, labels are names, tool and event type only', async () => {
    const mesh = decodeMesh(await (await fetch(`${archive.url}/pictures/mesh.json`)).json());
    const allowed = new Set(['source', 'destination', 'tool', 'event_type', 'stat']);
    for (const fam of families) {
      for (const m of fam.metrics)
        for (const l of Object.keys(m.labels ?? {})) assert.ok(allowed.has(l), `${fam.name} label ${l}`);
    }
    const times = families.find((f) => f.name === 'esmond_last_result_timestamp_seconds')?.metrics ?? [];
    assert.ok(times.length > 0 && times.length <= mesh.cells.length);
    assert.equal(sample(families, 'esmond_mesh_tests', {}), mesh.cells.length);
    // 2 seeded hosts → 2 ordered pairs, 3 known pairs... every cell is a (source, destination, family).
    assert.equal(new Set(mesh.cells.map((c) => `${c.source} ${c.destination} ${c.family}`)).size, mesh.cells.length);
  });

  test('a write shows in a scrape once the summary is refreshed: the write triggers the refresh', async () => {
    const src = 'known-a.example.net';
    const dst = 'known-c.example.net';
    const before = sample(families, 'esmond_packet_loss_ratio', { source: src, destination: dst });
    assert.equal(before, 0);
    const md = await client
      .searchMetadata({ inputSource: src, inputDestination: dst, eventType: 'packet-loss-rate' })
      .first();
    assert.ok(md && archive.writeKey);
    const writer = createClient({ url: archive.url, credentials: { apiKey: archive.writeKey } });
    const ts = Math.floor(Date.now() / 1000);
    try {
      await writer.putBulk(md.key, [
        {
          ts,
          val: [
            { 'event-type': 'packet-loss-rate', val: { numerator: 18, denominator: 600 } },
            { 'event-type': 'histogram-owdelay', val: { '12.00': 600 } },
          ],
        },
      ]);
    } finally {
      await writer.close();
    }
    // Scrapes are answered from the cache at once; the write scheduled a refresh (1 s after the
    // previous one at the earliest). Wait for it, bounded.
    let loss: number | undefined;
    let delay: number | undefined;
    for (let i = 0; i < 120; i++) {
      const scraped = parsePrometheusTextFormat(await (await fetch(`${archive.url}/metrics`)).text());
      loss = sample(scraped, 'esmond_packet_loss_ratio', { source: src, destination: dst });
      delay = sample(scraped, 'esmond_one_way_delay_seconds', { source: src, destination: dst, stat: 'median' });
      if (loss !== before) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    assert.equal(loss, numberOf(await lastValue(client, src, dst, 'packet-loss-rate', {}, 3600)));
    assert.equal(loss, 18 / 600);
    assert.equal(delay, 0.012);
  });

  test('gzipped for a scraper that asks for it (Prometheus does), the same text as plain', async () => {
    const plain = await request(`${archive.url}/metrics`);
    const plainText = await plain.body.text();
    assert.equal(plain.headers['content-encoding'], undefined);
    const zipped = await request(`${archive.url}/metrics`, {
      headers: { 'accept-encoding': 'gzip', accept: 'application/openmetrics-text; version=1.0.0' },
    });
    assert.equal(zipped.headers['content-encoding'], 'gzip');
    assert.equal(zipped.headers['vary'], 'Accept-Encoding');
    const bytes = Buffer.from(await zipped.body.arrayBuffer());
    assert.ok(bytes.length < Buffer.byteLength(plainText));
    assert.equal(gunzipSync(bytes).toString(), plainText);
    assert.ok(plainText.endsWith('# EOF\n'));
  });

  test('only reads: POST /metrics is refused', async () => {
    const res = await fetch(`${archive.url}/metrics`, { method: 'POST', body: 'x' });
    assert.equal(res.status, 405);
    await res.text();
  });
});
