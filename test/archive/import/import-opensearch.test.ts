/**
 * `esmond-ps-archive import --archive opensearch`: a perfSONAR 5 OpenSearch (the stand-in, with
 * documents made by the Logstash rules from pScheduler results) copied into our archive serves
 * exactly what the OpenSearch backend reads from it: the same metadata (keyed by the test
 * checksums elmond shows) and the same points. On OpenSearch 2.1–2.3 (no point in time) too.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startArchive } from '../../helpers/archive.js';
import { logstashDocument } from '../../helpers/logstash.js';
import { startOpenSearchStandIn } from '../../helpers/opensearch-stand-in.js';
import { envelopes } from '../../helpers/pscheduler-both.js';
import { runImport, snapshot } from './helpers.js';

describe('esmond-ps-archive import from a perfSONAR 5 OpenSearch', () => {
  let dir: string;
  const docs = envelopes().map((e) => logstashDocument(e, '10.0.0.1'));
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'esmond-import-os-'));
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  for (const pit of [true, false]) {
    test(`the copy serves what the OpenSearch backend reads (${pit ? 'point in time' : 'OpenSearch 2.1–2.3'})`, async () => {
      const os = await startOpenSearchStandIn(docs, { pit });
      const db = join(dir, `copy-${String(pit)}.sqlite`);
      try {
        const want = await snapshot(os.url, { client: { archive: 'opensearch' }, timeUpdated: false });
        assert.ok(want.points > 50, 'the stand-in has data');
        const r = await runImport(['--from', os.url, '--db', db, '--archive', 'auto', '-v']);
        assert.equal(r.code, 0, r.stderr);
        assert.match(r.stderr, /archive: opensearch at /);
        const copy = await startArchive({ dbPath: db, withUser: false });
        try {
          assert.deepEqual(await snapshot(copy.archiveUrl, { timeUpdated: false }), want);
        } finally {
          await copy.close();
        }
      } finally {
        await os.close();
      }
    });
  }
});
