/**
 * Sizing a bulk run from the round-trip time to the archive. Each series reads one page at a time,
 * so a series in flight waits a round trip per page; over a long link the wait, not the archive
 * or the bandwidth, sets the pace. More series in flight fill those waits, windows aimed at a
 * full page save a request in five, and compressed answers a good part of the transfer. On a LAN
 * or loopback nothing changes: there the CPU, not the link, is the limit, and compressing and
 * decoding would only add to it.
 * @module
 */
import type { Metadata } from '../model/metadata.js';
import type { EsmondClient } from '../query/types.js';
import { BULK_DEFAULTS } from './run.js';
import { TARGET_FILL } from './windows.js';

/** Round trips below this (ms) are a LAN or loopback, even on a busy host: today's sizing. */
export const LAN_RTT_MS = 10;
/** Most series in flight at any round-trip time: the archive's load stays bounded. */
export const MAX_IN_FLIGHT = 8;

/** How a run is sized. */
export interface RunSizing {
  /** Series exported at once (each one request in flight). */
  concurrency: number;
  /**
   * Share of a page a time window aims at (see windows.ts): below 1 leaves room for a busier
   * stretch; above 1 makes nearly every request return a full page, the fewest round trips.
   */
  windowFill: number;
  /** Ask for compressed answers (`Accept-Encoding`). */
  compression: boolean;
}

/** Today's sizing, and the sizing of any LAN. */
export const LAN_SIZING: RunSizing = {
  concurrency: BULK_DEFAULTS.concurrency,
  windowFill: TARGET_FILL,
  compression: false,
};

/**
 * The sizing for a round-trip time: 2 series in flight on a LAN, then one more per 20 ms of
 * round trip (5 at 50 ms), at most {@link MAX_IN_FLIGHT}; windows aimed past a full page;
 * compressed answers.
 */
export function sizingForRtt(rttMs: number): RunSizing {
  if (!(rttMs >= LAN_RTT_MS)) return LAN_SIZING;
  return { concurrency: Math.min(MAX_IN_FLIGHT, Math.ceil(2 + rttMs / 20)), windowFill: 1.25, compression: true };
}

/** Most probes of one measurement (a busy machine can delay a loopback answer past {@link LAN_RTT_MS}). */
const MAX_PROBES = 5;

/**
 * The round-trip time to the archive, ms: the quickest of a few small requests (a metadata
 * record) on one connection, so the connection set-up of the first does not count. It stops at
 * the first answer (after the first) quicker than {@link LAN_RTT_MS}: one slow answer on a busy
 * LAN host must not size the run for a long link, while a long link never answers that fast.
 * `NaN` when a probe fails (the run then keeps today's sizing and the real requests report the
 * failure).
 */
export async function measureRtt(client: EsmondClient, metadata: Metadata, signal?: AbortSignal): Promise<number> {
  let best = Infinity;
  try {
    for (let i = 0; i < MAX_PROBES && !(i >= 2 && best < LAN_RTT_MS); i++) {
      const t0 = performance.now();
      await client.getMetadata(metadata.key, signal ? { signal } : {});
      best = Math.min(best, performance.now() - t0);
    }
  } catch {
    return NaN;
  }
  return best;
}
