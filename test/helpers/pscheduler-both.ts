/**
 * The same pScheduler measurements in both kinds of archive: loaded into the real embedded
 * archive through `esmond-ps-load-pscheduler` (the esmond path), and turned into perfSONAR 5
 * OpenSearch documents by the Logstash rules and served by the OpenSearch stand-in.
 * @module
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { makeLoadPscheduler } from '../../src/cli/load-pscheduler.js';
import { startArchive, type TestArchive } from './archive.js';
import { captureIo } from './capture-io.js';
import { envelopeFor, logstashDocument } from './logstash.js';
import { startOpenSearchStandIn, type OpenSearchStandIn, type StandInOptions } from './opensearch-stand-in.js';

const RESULTS = fileURLToPath(new URL('../fixtures/pscheduler/results/', import.meta.url));

/** The pScheduler results used, one test each. */
export const RESULT_FILES = [
  'latency-powstream-result.json',
  'rtt-ping-result.json',
  'throughput-iperf3-tcp-2streams-result.json',
  'throughput-iperf3-udp-result.json',
  'trace-traceroute-as-result.json',
  'trace-tracepath-mtu-result.json',
] as const;

/** First run of every test, UNIX seconds (2023-11-14 22:13:20 UTC). */
export const T0 = 1700000000;
/** Runs per test, 20 minutes apart (so they span hour bins). */
export const RUNS = 5;

/** Every envelope: RUNS runs of each result. */
export function envelopes(): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = [];
  RESULT_FILES.forEach((file, i) => {
    const bare = JSON.parse(readFileSync(`${RESULTS}${file}`, 'utf8')) as Record<string, unknown>;
    for (let k = 0; k < RUNS; k++) out.push(envelopeFor(bare, T0 + k * 1200 + i * 7, i * 100 + k, '10.0.0.1'));
  });
  return out;
}

export interface BothArchives {
  esmond: TestArchive;
  opensearch: OpenSearchStandIn;
  docs: Array<Record<string, unknown>>;
  close(): Promise<void>;
}

/** Loads the envelopes into a fresh embedded archive and a stand-in. */
export async function startBoth(standIn: StandInOptions = {}): Promise<BothArchives> {
  const envs = envelopes();
  // The archive's clock (time-updated of the metadata) inside the runs' window, as on a live node.
  const esmond = await startArchive({ withUser: true, now: () => (T0 + 6000) * 1000 });
  const io = captureIo({ stdin: envs.map((e) => JSON.stringify(e)).join('\n') });
  const code = await makeLoadPscheduler({ resolve: () => Promise.resolve(undefined) })(
    ['-U', esmond.url, '-u', 'test-writer', '-k', esmond.apiKey],
    io,
  );
  if (code !== 0) {
    await esmond.close();
    throw new Error(`load-pscheduler failed: ${io.err()}`);
  }
  const docs = envs.map((e) => logstashDocument(e, '10.0.0.1'));
  const opensearch = await startOpenSearchStandIn(docs, standIn);
  return {
    esmond,
    opensearch,
    docs,
    close: async () => {
      await opensearch.close();
      await esmond.close();
    },
  };
}
