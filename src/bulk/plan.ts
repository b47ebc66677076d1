/**
 * Planner: metadata × event types → the series jobs of a bulk run, with their file names.
 * @module
 */
import type { SummaryType } from '../model/event-types.js';
import type { Metadata, SeriesSelector } from '../model/metadata.js';
import { uniqueFileNames } from './naming.js';
import type { SeriesJob } from './types.js';

/** How to plan a run. */
export interface PlanOptions {
  /** `-e`: only this event type; otherwise every event type of each metadata, in server order. */
  eventType?: string;
  /** `-T`. */
  summaryType?: SummaryType;
  /** `-W` when given: that window exactly; otherwise window 0 if present, else the smallest. */
  summaryWindow?: number;
  /** Query range (UNIX seconds); its UTC dates go into the file names. */
  timeStart: number;
  timeEnd: number;
  /** File extension (`json`, `csv`, `ndjson`). */
  extension: string;
  /** `--safe-names`: no `:` in file names. */
  safeNames?: boolean;
  /**
   * Host label for rows and names: reverse lookup unless `--ip` (identity then). Called once per
   * distinct value; must not throw (return the input when it cannot resolve).
   */
  hostLabel: (host: string) => Promise<string>;
  /** True when the event type's output format honours `-T/-W` (numeric, histogram — the original's filters). */
  honoursSummary: (eventType: string) => boolean;
}

/** A planned job plus whether its series exists on the metadata at all. */
export interface PlannedJob extends SeriesJob {
  /** False when `-T/-W` names a summary the metadata does not have: no data, no request. */
  available: boolean;
}

/**
 * The series to read, as esmond-ps-get reads it (B15 fixed): base data without `-T`; with `-T`,
 * that summary for event types that have summaries, and nothing (no file) for the others or
 * when the metadata lacks the summary.
 */
function selectorFor(
  meta: Metadata,
  eventType: string,
  opts: PlanOptions,
): { selector: SeriesSelector; available: boolean } {
  const et = meta.eventTypes.find((e) => e.eventType === eventType);
  if (!opts.summaryType) return { selector: {}, available: et !== undefined };
  const wanted = opts.summaryType;
  const windows = (et?.summaries ?? []).filter((s) => s.summaryType === wanted).map((s) => s.summaryWindow);
  let window: number | undefined;
  if (opts.summaryWindow !== undefined) window = windows.includes(opts.summaryWindow) ? opts.summaryWindow : undefined;
  else window = windows.includes(0) ? 0 : windows.length > 0 ? Math.min(...windows) : undefined;
  const available = window !== undefined && opts.honoursSummary(eventType);
  return { selector: { summaryType: wanted, summaryWindow: window ?? opts.summaryWindow ?? 0 }, available };
}

/**
 * Plans every series of the matching metadata. Reads the whole metadata search first: names must
 * be checked for collisions across the run, and the progress display needs the total.
 */
export async function planSeries(metadata: AsyncIterable<Metadata>, opts: PlanOptions): Promise<PlannedJob[]> {
  const labels = new Map<string, Promise<string>>();
  const label = (host: string | undefined): Promise<string> => {
    if (!host) return Promise.resolve('');
    let p = labels.get(host);
    if (!p) labels.set(host, (p = opts.hostLabel(host)));
    return p;
  };
  const drafts: Omit<PlannedJob, 'fileName'>[] = [];
  for await (const meta of metadata) {
    const eventTypes = opts.eventType ? [opts.eventType] : meta.eventTypes.map((e) => e.eventType);
    const [sourceLabel, destinationLabel] = await Promise.all([label(meta.source), label(meta.destination)]);
    for (const eventType of eventTypes) {
      const { selector, available } = selectorFor(meta, eventType, opts);
      drafts.push({
        id: `${meta.key}/${eventType}`,
        metadata: meta,
        eventType,
        selector,
        sourceLabel,
        destinationLabel,
        available,
      });
    }
  }
  const names = uniqueFileNames(
    drafts.map((d) => ({
      metadataKey: d.metadata.key,
      toolName: d.metadata.toolName ?? '',
      parts: {
        source: d.sourceLabel,
        destination: d.destinationLabel,
        eventType: d.eventType,
        timeStart: opts.timeStart,
        timeEnd: opts.timeEnd,
        extension: opts.extension,
      },
    })),
    { safe: opts.safeNames === true },
  );
  return drafts.map((d, i) => {
    const fileName = names[i];
    if (fileName === undefined) throw new Error('internal error: a file name per series expected');
    return { ...d, fileName };
  });
}
