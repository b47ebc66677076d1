/**
 * Child process of the OpenSearch export benchmark: the OpenSearch stand-in of the tests
 * (test/helpers/opensearch-stand-in.ts: point in time, `search_after`, `_source` and
 * `filter_path` as OpenSearch applies them) over `runs` iperf3 UDP runs of one test, one a
 * minute, on 127.0.0.1, so the client being timed does not share its CPU. Answers it has given
 * once are memoised: every round after the first times the client, not the stand-in's search.
 * Prints `{"url": …, "key": <test checksum>}` once listening; on an IPC message `"requests"`
 * sends back (and forgets) the requests received since the last one, point-in-time ids
 * replaced by `<pit>`; exits when stdin closes.
 *
 *   node --import tsx bench/support/opensearch-server.ts <runs>
 * @module
 */
import { readFileSync } from 'node:fs';
import { envelopeFor, logstashDocument } from '../../test/helpers/logstash.js';
import { startOpenSearchStandIn } from '../../test/helpers/opensearch-stand-in.js';

const T0 = 1_700_000_000;
const runs = Number(process.argv[2]);
if (!Number.isInteger(runs) || runs < 1) {
  console.error('usage: opensearch-server.ts <runs>');
  process.exit(2);
}
const result = JSON.parse(
  readFileSync(
    new URL('../../test/fixtures/pscheduler/results/throughput-iperf3-udp-result.json', import.meta.url),
    'utf8',
  ),
) as Record<string, unknown>;
const docs = Array.from({ length: runs }, (_, k) =>
  logstashDocument(envelopeFor(result, T0 + k * 60, k, '10.0.0.1'), '10.0.0.1'),
);
const key = (docs[0]?.pscheduler as Record<string, unknown>).test_checksum;
const standIn = await startOpenSearchStandIn(docs, { memoize: true });
console.log(JSON.stringify({ url: standIn.url, key }));

const PIT_ID = /"pit-\d+"/g;
process.on('message', (m) => {
  if (m !== 'requests') return;
  const log = standIn.requests.splice(0).map((r) => ({
    ...r,
    body: JSON.parse(JSON.stringify(r.body).replace(PIT_ID, '"<pit>"')) as unknown,
  }));
  process.send?.(log);
});

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  await standIn.close();
  process.exit(0);
}
process.stdin.on('end', () => void stop());
process.stdin.on('close', () => void stop());
process.stdin.resume();
process.on('SIGTERM', () => void stop());
