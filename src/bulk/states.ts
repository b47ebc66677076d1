/**
 * Series states at the start of a run: fresh ones for a new plan, and reconciliation of a
 * checkpoint's states with what is actually on disk (a kill -9 can strike between any two steps).
 * @module
 */
import { stat } from 'node:fs/promises';
import { pathsOf } from './file-sink.js';
import type { PlannedJob } from './plan.js';
import type { SeriesState } from './types.js';

/** The state of `jobs[i]` (`states` is in plan order, one per job). */
export function stateAt(states: readonly SeriesState[], i: number): SeriesState {
  const st = states[i];
  if (st === undefined) throw new Error(`internal error: no state for series ${i}`);
  return st;
}

/** A series that has not started. */
export function freshState(job: PlannedJob, timeStart: number, windowSeconds: number): SeriesState {
  return {
    id: job.id,
    status: 'pending',
    nextStart: timeStart,
    bytes: 0,
    rows: 0,
    points: 0,
    pages: 0,
    retries: 0,
    failures: 0,
    windowSeconds,
  };
}

async function sizeOf(path: string): Promise<number | undefined> {
  try {
    return (await stat(path)).size;
  } catch {
    return undefined;
  }
}

/**
 * Brings each state in line with the files (in place). `force` rewrites final files this run did
 * not produce; without it an existing final file means "skip". A checkpoint's `done` series are
 * this run's own and are kept as long as their file exists.
 */
export async function reconcileStates(
  jobs: readonly PlannedJob[],
  states: SeriesState[],
  opts: { outDir: string; force: boolean; timeStart: number; windowSeconds: number },
): Promise<void> {
  await Promise.all(
    jobs.map(async (job, i) => {
      const st = stateAt(states, i);
      const { finalPath, partPath } = pathsOf(opts.outDir, job);
      const [finalSize, partSize] = await Promise.all([sizeOf(finalPath), sizeOf(partPath)]);
      const restart = (): void => {
        states[i] = freshState(job, opts.timeStart, opts.windowSeconds);
      };
      switch (st.status) {
        case 'done':
          if (finalSize === undefined) restart();
          break;
        case 'nodata':
          break;
        case 'partial':
        case 'failed':
        case 'renaming':
        case 'pending':
          delete st.error;
          if (st.bytes === 0)
            st.status = 'pending'; // empty windows so far: nothing on disk to check
          else if (partSize !== undefined && partSize >= st.bytes) {
            if (st.status !== 'renaming') st.status = 'partial';
          } else if (partSize === undefined && finalSize !== undefined) {
            st.status = 'done'; // renamed after the checkpoint was written
          } else restart();
          break;
        case 'skipped':
          restart();
          break;
      }
      const now = stateAt(states, i);
      if (now.status === 'pending' && finalSize !== undefined && !opts.force) now.status = 'skipped';
    }),
  );
}
