/**
 * Helpers of the import tests: run `esmond-ps-archive import` in-process, kill one run mid-way,
 * and take a snapshot of everything an archive serves (metadata and every series) through the library client, to
 * compare two archives.
 * @module
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
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

/**
 * Runs `esmond-ps-archive import ARGS --concurrency 1 -q` as a child process and kills it with
 * SIGKILL once `checkpoint` shows a series with points while another is still pending (mid-way,
 * not before the first write nor after the last); fails when the import ended before that.
 */
export async function killImportMidway(args: readonly string[], checkpoint: string): Promise<void> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'src/bin/esmond-ps-archive.ts', 'import', ...args, '--concurrency', '1', '-q'],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += String(d)));
  const exited = new Promise<void>((resolve) =>
    child.on('exit', () => {
      resolve();
    }),
  );
  let killed = false;
  for (let i = 0; i < 2400 && child.exitCode === null; i++) {
    await new Promise((r) => setTimeout(r, 25));
    if (!existsSync(checkpoint)) continue;
    let states: Array<{ status: string; points: number }> = [];
    try {
      states = (JSON.parse(readFileSync(checkpoint, 'utf8')) as { states: typeof states }).states;
    } catch {
      continue; // replaced while reading
    }
    if (states.some((s) => s.points > 0) && states.some((s) => s.status === 'pending')) {
      child.kill('SIGKILL');
      killed = true;
      break;
    }
  }
  await exited;
  assert.ok(killed, `the import was killed mid-way (stderr: ${stderr})`);
  assert.ok(existsSync(checkpoint), 'the checkpoint survives the kill');
}
