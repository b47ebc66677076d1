/**
 * Helpers of the import tests: run `esmond-ps-archive import` in-process, and take a snapshot of
 * everything an archive serves (metadata and every series) through the library client, to
 * compare two archives.
 * @module
 */
import { runArchiveCli } from '../../../src/cli/archive.js';
import { createClient } from '../../../src/client.js';
import type { ClientOptions, Metadata } from '../../../src/query/types.js';
import { captureIo } from '../../helpers/capture-io.js';

/** Far enough in the future for every point. */
const FAR = 2 ** 31 - 1;

/** Runs `esmond-ps-archive import ARGS` in-process with the given clock (ms). */
export async function runImport(
  args: readonly string[],
  nowMs = Date.now(),
): Promise<{ code: number; stderr: string }> {
  const io = captureIo({ now: nowMs });
  const code = await runArchiveCli(['import', ...args], io);
  return { code, stderr: io.err() };
}

/** Members that only say where the archive serves something (its URLs and paths differ by server and backend), and paging members of a search page. */
const LOCATIONS = new Set([
  'url',
  'uri',
  'base-uri',
  'metadata-count-total',
  'metadata-next-page',
  'metadata-previous-page',
]);

/** A metadata as compared: its wire object without locations (and without `time-updated` unless asked). */
function comparable(md: Metadata, timeUpdated: boolean): unknown {
  return JSON.parse(JSON.stringify(md.raw), (k, v: unknown) =>
    LOCATIONS.has(k) || (!timeUpdated && k === 'time-updated') ? undefined : v,
  ) as unknown;
}

/** What an archive serves: every metadata (by key) with the points of each of its series. */
export interface Snapshot {
  metadata: Record<string, unknown>;
  /** `key event-type [summary-type window]` → points. */
  series: Record<string, unknown[]>;
  points: number;
}

/** Reads everything the archive at `url` serves (`summaries`: the summary series too). */
export async function snapshot(
  url: string,
  opts: { summaries?: boolean; timeUpdated?: boolean; client?: Partial<ClientOptions> } = {},
): Promise<Snapshot> {
  const client = createClient({ url, ...opts.client });
  const out: Snapshot = { metadata: {}, series: {}, points: 0 };
  try {
    for (const md of await client.searchMetadata({}).toArray()) {
      out.metadata[md.key] = comparable(md, opts.timeUpdated ?? true);
      for (const et of md.eventTypes) {
        const selectors = [
          {},
          ...(opts.summaries === true
            ? et.summaries.map((s) => ({ summaryType: s.summaryType, summaryWindow: s.summaryWindow }))
            : []),
        ];
        for (const sel of selectors) {
          const points: unknown[] = [];
          for await (const page of client.dataPages(md, et.eventType, sel, { timeStart: 0, timeEnd: FAR }))
            points.push(...page);
          out.series[[md.key, et.eventType, ...Object.values(sel)].join(' ')] = points;
          out.points += points.length;
        }
      }
    }
  } finally {
    await client.close();
  }
  return out;
}
