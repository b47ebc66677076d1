/**
 * The points of one event type of one test, from its documents: each run mapped as the esmond
 * archiver maps it, the value normalised and served as the esmond archive stores and serves it,
 * and summaries computed here, bin by bin (epoch-aligned, ⌊t/W⌋·W), from the base values in time
 * order (archive-api.md: Summaries).
 * @module
 */
import { ALLOWED_SUMMARIES, dataTypeOf, type DataType, type SeriesType } from '../../model/event-types.js';
import type { WirePoint } from '../../model/wire.js';
import { ValidationError } from '../../http/errors.js';
import { runIdentity, SeriesPointMapper } from './documents.js';
import type { Hit } from './search.js';
import { baseValue, normalize, SummaryBin } from './values.js';

/** Folds mapped runs into the points of one series; feed hits in time order. */
export class SeriesBuilder {
  private readonly dataType: DataType;
  private readonly window: number;
  private bin: { ts: number; state: SummaryBin } | undefined;
  /** The document of the last point and its ts (its run identity is computed only on a ts tie). */
  private lastDoc: Hit['source'] | undefined;
  private lastTs: number | undefined;
  private readonly points: SeriesPointMapper;

  constructor(
    private readonly eventType: string,
    private readonly summaryType: SeriesType,
    window: number,
  ) {
    // Unknown event types are stored as json by the archive's ingest (declareAll); so here.
    this.dataType = dataTypeOf(eventType) ?? 'json';
    if (summaryType !== 'base' && !(ALLOWED_SUMMARIES[this.dataType] as readonly string[]).includes(summaryType)) {
      throw new ValidationError(`${eventType} has no ${summaryType} summaries`, 'summaryType');
    }
    this.window = summaryType === 'base' ? 0 : window;
    this.points = new SeriesPointMapper(eventType);
  }

  /** The finished points these hits complete (summary bins close when a later bin starts). */
  add(hits: readonly Hit[]): WirePoint[] {
    const out: WirePoint[] = [];
    for (const hit of hits) {
      let point;
      try {
        point = this.points.map(hit.source);
      } catch {
        continue; // a run the archiver could not have mapped would not be in esmond either
      }
      const ts = point.ts;
      // Re-sent envelopes are duplicate documents (perfSONAR 5's Logstash pipeline step 7); the sort puts them side by side.
      if (ts === this.lastTs && this.lastDoc !== undefined && runIdentity(hit.source) === runIdentity(this.lastDoc))
        continue;
      this.lastDoc = hit.source;
      this.lastTs = ts;
      const v = point.val.find((x) => x['event-type'] === this.eventType);
      if (v === undefined) continue;
      const normalized = normalize(this.dataType, v.val);
      if (normalized === undefined) continue; // the esmond archive would have refused it (400)
      if (this.summaryType === 'base') {
        out.push({ ts, val: baseValue(this.dataType, normalized) });
        continue;
      }
      const b = this.window > 0 ? Math.floor(ts / this.window) * this.window : ts;
      if (this.bin !== undefined && this.bin.ts !== b) out.push(this.close(this.bin));
      if (this.bin === undefined || this.bin.ts !== b)
        this.bin = { ts: b, state: new SummaryBin(this.dataType, this.summaryType) };
      this.bin.state.add(normalized);
    }
    return out;
  }

  /** The last open bin, once no hit follows. */
  finish(): WirePoint[] {
    const b = this.bin;
    this.bin = undefined;
    return b === undefined ? [] : [this.close(b)];
  }

  private close(b: { ts: number; state: SummaryBin }): WirePoint {
    return { ts: b.ts, val: b.state.value() };
  }
}
