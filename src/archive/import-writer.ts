/**
 * The archive side of `esmond-ps-archive import`: metadata and base points read from another
 * archive go in through the same core methods an HTTP POST/PUT uses (validation, checksum,
 * summaries computed at write time), with three differences an import needs:
 *
 * * a metadata keeps the source archive's key when that key is free here (a metadata with the
 *   same checksum, e.g. one pScheduler already posted after an upgrade, is found and used as
 *   always, whatever its key);
 * * a point whose (series, ts) is already stored is left as it is and counted as present, so an
 *   import run again, or resumed after kill -9, stores nothing twice;
 * * values are given back in the form they were posted in: a float read as `f / 10⁴` is stored
 *   as exactly `f` again, a loss ratio as a fraction equal to it (over the metadata's
 *   `sample-size` where it fits, as pScheduler posts it);
 *
 * and `time-updated` becomes the source's (never earlier than what this archive has).
 * @module
 */
import { randomUUID } from 'node:crypto';
import { dataTypeOf, type DataType } from '../model/event-types.js';
import type { WireBulkBody, WirePoint } from '../model/wire.js';
import type { ArchiveStore } from './storage/store.js';
import { ApiError, type ArchiveService, type RequestContext } from './types.js';

/** What the source says about a series besides its points. */
export interface ImportHints {
  /** The source's `time-updated` of the event type (null or absent: the newest point's ts). */
  timeUpdated?: number | null;
  /** The metadata's `sample-size` parameter: packets per loss measurement. */
  sampleSize?: number;
}

/** Outcome of one {@link ImportWriter.write}. */
export interface ImportWriteResult {
  /** Points stored now. */
  stored: number;
  /** Points whose (series, ts) this archive already had (left as they were). */
  present: number;
}

/** Writes imported metadata and points into one archive. */
export interface ImportWriter {
  /** Creates (or finds, by checksum) the metadata `body` describes; resolves with its key here. */
  metadata(body: Record<string, unknown>, sourceKey: string): Promise<string>;
  /** Stores the base points of one event type of metadata `key` that are not stored yet. */
  write(key: string, eventType: string, points: readonly WirePoint[], hints?: ImportHints): Promise<ImportWriteResult>;
}

/** Keys the archive's routes serve as they are (esmond's 32 and elmond's 64 hex digits among them). */
const KEEPABLE_KEY = /^[A-Za-z0-9_-]{1,128}$/;

/** `fixed / 10⁴` exactly as a float the archive truncates back to `fixed` (archive-api.md: Summaries). */
function floatFor(v: number): number {
  const fixed = Math.round(v * 10_000);
  if (fixed / 10_000 !== v || fixed === 0) return v; // not a stored esmond float: kept as posted
  return (fixed + Math.sign(fixed) * 0.5) / 10_000;
}

/** A fraction p/q (q ≤ 2^31) equal to `v` as a double, by continued fractions; undefined if none. */
function fractionOf(v: number): { numerator: number; denominator: number } | undefined {
  let [p0, q0, p1, q1] = [0, 1, 1, 0];
  let x = v;
  for (let i = 0; i < 64; i++) {
    const a = Math.floor(x);
    [p0, q0, p1, q1] = [p1, q1, a * p1 + p0, a * q1 + q0];
    if (q1 > 2 ** 31) return undefined;
    if (p1 / q1 === v) return { numerator: p1, denominator: q1 };
    if (x === a) return undefined;
    x = 1 / (x - a);
  }
  return undefined;
}

/**
 * A loss ratio as a percentage value equal to it: over `sampleSize` when that fits (the packets
 * sent, as the original was posted), else the smallest fraction.
 */
function percentageFor(v: unknown, sampleSize: number | undefined): unknown {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) return v; // let validation say what is wrong
  if (sampleSize !== undefined && sampleSize > 0) {
    const n = Math.round(v * sampleSize);
    if (n / sampleSize === v) return { numerator: n, denominator: sampleSize };
  }
  return fractionOf(v) ?? { numerator: Math.round(v * 1e9), denominator: 1e9 };
}

function postValue(dataType: DataType, v: unknown, hints: ImportHints): unknown {
  if (dataType === 'float' && typeof v === 'number') return floatFor(v);
  if (dataType === 'percentage') return percentageFor(v, hints.sampleSize);
  return v;
}

/**
 * An {@link ImportWriter} over an archive's service and its store (the store only answers which
 * timestamps a series holds already; every write goes through the service).
 */
export function createImportWriter(service: ArchiveService, store: ArchiveStore): ImportWriter {
  const context = (now: number): RequestContext => ({
    requestUrl: new URL('http://127.0.0.1/esmond/perfsonar/archive/'),
    prefix: '/esmond',
    now,
  });
  return {
    async metadata(body, sourceKey) {
      const key = KEEPABLE_KEY.test(sourceKey) ? sourceKey : randomUUID().replace(/-/g, '');
      const { metadata } = await service.createMetadata(body, context(Math.floor(Date.now() / 1000)), { key });
      return metadata['metadata-key'];
    },

    async write(key, eventType, points, hints = {}) {
      const dataType = dataTypeOf(eventType);
      const rows = await store.eventTypeRows(key, eventType);
      const base = rows.find((r) => r.summaryType === 'base');
      if (points.length === 0) return { stored: 0, present: 0 };
      if (dataType === undefined || base === undefined)
        throw new ApiError(400, `metadata ${key} has no event type ${eventType} here`);
      let min = Infinity;
      let max = -Infinity;
      for (const p of points) {
        if (p.ts < min) min = p.ts;
        if (p.ts > max) max = p.ts;
      }
      const last = await store.lastTimestamp(base.seriesId);
      const stored = new Set(
        last !== undefined && min <= last
          ? await store.existingTimestamps(
              base.seriesId,
              points.map((p) => p.ts),
            )
          : [],
      );
      const body: WireBulkBody = { data: [] };
      for (const p of points) {
        if (stored.has(p.ts)) continue;
        stored.add(p.ts); // a second point at the same ts (the source had two) is not stored twice
        body.data.push({ ts: p.ts, val: [{ 'event-type': eventType, val: postValue(dataType, p.val, hints) }] });
      }
      if (body.data.length > 0) {
        const updated = Math.max(hints.timeUpdated ?? max, base.timeUpdated ?? 0);
        await service.bulkWrite(key, body, context(updated));
      }
      return { stored: body.data.length, present: points.length - body.data.length };
    },
  };
}
