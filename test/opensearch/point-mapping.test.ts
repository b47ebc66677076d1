/**
 * The point-only mapping of a series read (SeriesPointMapper, over what `seriesSource` fetches)
 * gives, for every event type of every fixture run, exactly the value the full mapping of the
 * whole document gives, and refuses the runs the full mapping refuses — also when that changes
 * from one run of a series to the next.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MappingError } from '../../src/model/pscheduler/map.js';
import { mapOpenSearchDocument, SeriesPointMapper, seriesSource } from '../../src/query/opensearch/documents.js';
import { logstashDocument } from '../helpers/logstash.js';
import { pickSource } from '../helpers/opensearch-filters.js';
import { envelopes } from '../helpers/pscheduler-both.js';

type Obj = Record<string, unknown>;

const docs = envelopes().map((e) => logstashDocument(e, '10.0.0.1'));

test('every event type of every fixture run: the value of the full mapping', () => {
  let compared = 0;
  for (const doc of docs) {
    const full = mapOpenSearchDocument(doc).point;
    for (const et of new Set(full.val.map((v) => v['event-type']))) {
      const fetched = pickSource(doc, seriesSource(et));
      assert.equal(fetched.reference, undefined, 'a series read does not fetch the reference');
      const point = new SeriesPointMapper(et).map(fetched);
      assert.deepEqual(point, { ts: full.ts, val: full.val.filter((v) => v['event-type'] === et) }, et);
      compared++;
    }
  }
  assert.ok(compared > 40, `${compared} event types compared`);
});

test('a run the full mapping refuses is refused, also after accepted runs of the same series', () => {
  const doc = docs.find((d) => (d.test as Obj).type === 'throughput');
  assert.ok(doc);
  const spec = (doc.test as Obj).spec as Obj;
  // IPv6 forced: the point needs the IPv6 addresses Logstash resolved (none are literals in the spec).
  const v6 = (d: Obj, addresses: boolean): Obj => ({
    ...d,
    test: { ...(d.test as Obj), spec: { ...spec, source: 'a.example', dest: 'b.example', 'ip-version': 6 } },
    meta: addresses
      ? {
          observer: { ip: '2001:db8::1', hostname: 'a.example' },
          source: { ip: '2001:db8::1', hostname: 'a.example' },
          destination: { ip: '2001:db8::2', hostname: 'b.example' },
        }
      : { observer: { ip: '10.0.0.1', hostname: null } },
  });
  const good = v6(doc, true);
  const bad = v6(doc, false);
  assert.ok(mapOpenSearchDocument(good).point.val.length > 0);
  assert.throws(() => mapOpenSearchDocument(bad), MappingError);
  const mapper = new SeriesPointMapper('throughput');
  assert.equal(mapper.map(good).val.length, 1);
  assert.throws(() => mapper.map(bad), MappingError);
  assert.equal(mapper.map(good).val.length, 1);
});
