/**
 * The completeness report: what every series ended as, and the totals. Written to stderr as a
 * few lines and, with `--report FILE`, as JSON.
 * @module
 */
import type { PlannedJob } from './plan.js';
import { stateAt } from './states.js';
import type { BulkReport, SeriesState } from './types.js';

/** Builds the report from the plan and the final states. */
export function buildReport(
  jobs: readonly PlannedJob[],
  states: readonly SeriesState[],
  info: { timeStart: number; timeEnd: number; elapsedSeconds: number },
): BulkReport {
  const perSeries = jobs.map((job, i) => {
    const st = stateAt(states, i);
    return {
      file: job.fileName,
      metadataKey: job.metadata.key,
      eventType: job.eventType,
      status: st.status,
      points: st.points,
      rows: st.rows,
      pages: st.pages,
      retries: st.retries,
      failures: st.failures,
      ...(st.error !== undefined ? { error: st.error } : {}),
    };
  });
  const count = (s: string): number => perSeries.filter((p) => p.status === s).length;
  const sum = (k: 'points' | 'retries'): number => perSeries.reduce((a, p) => a + p[k], 0);
  return {
    series: perSeries.length,
    points: sum('points'),
    retries: sum('retries'),
    failures: perSeries.filter((p) => p.status !== 'done' && p.status !== 'nodata' && p.status !== 'skipped').length,
    done: count('done'),
    nodata: count('nodata'),
    skipped: count('skipped'),
    timeStart: info.timeStart,
    timeEnd: info.timeEnd,
    elapsedSeconds: Math.round(info.elapsedSeconds * 1000) / 1000,
    perSeries,
  };
}

/** The human summary for stderr (a few lines; failed series one per line). */
export function renderReport(r: BulkReport): string {
  const lines = [
    `esmond-ps-get-bulk: ${r.series} series: ${r.done} written, ${r.nodata} without data, ${r.skipped} skipped (existing), ${r.failures} failed; ` +
      `${r.points} points, ${r.retries} retries, ${r.elapsedSeconds} s`,
  ];
  for (const s of r.perSeries) {
    if (s.status === 'done' || s.status === 'nodata' || s.status === 'skipped') continue;
    lines.push(
      `  FAILED ${s.file} (${s.metadataKey} ${s.eventType}): ${s.error ?? s.status}; ${s.points} points kept for --resume`,
    );
  }
  if (r.failures > 0) lines.push('  incomplete: rerun with --resume to continue the failed series');
  return lines.join('\n') + '\n';
}
