/**
 * The sink of esmond-ps-get-bulk: one series becomes one file, written through a `.part` file
 * that is cut back to its last committed length when a window fails and renamed to its final
 * name when the series is complete.
 * @module
 */
import { join } from 'node:path';
import type { WirePoint } from '../model/wire.js';
import { PART_SUFFIX, PartFile } from './part-file.js';
import type { PlannedJob } from './plan.js';
import type { EncoderMemory, SeriesEncoder, SeriesSink } from './types.js';

/** Points encoded at a time. */
const ENCODE_SLICE = 500;

/** Final and temporary paths of a job. */
export function pathsOf(outDir: string, job: PlannedJob): { finalPath: string; partPath: string } {
  const finalPath = join(outDir, job.fileName);
  return { finalPath, partPath: finalPath + PART_SUFFIX };
}

/** A {@link SeriesSink} writing the series' file in `outDir` with `encoder`. */
export function fileSink(job: PlannedJob, opts: { outDir: string; encoder: SeriesEncoder }): SeriesSink {
  const { finalPath, partPath } = pathsOf(opts.outDir, job);
  const encoder = opts.encoder;
  let part: PartFile | undefined;
  let memory: EncoderMemory = { rows: 0, listColumns: undefined };
  return {
    async open(state) {
      part = state.bytes > 0 ? await PartFile.open(partPath, state.bytes) : undefined;
      if (state.status !== 'renaming' || !part) return false;
      // Killed between the last write and the rename: the `.part` file is complete.
      await part.finish(finalPath);
      part = undefined;
      state.status = 'done';
      return true;
    },
    beginWindow(state) {
      memory = { rows: state.rows, listColumns: state.listColumns };
    },
    async write(ready: readonly WirePoint[]) {
      if (encoder.prepare) await encoder.prepare(ready);
      // Slices keep each rendered string small and short-lived (much less GC work than
      // one multi-megabyte string per page).
      for (let i = 0; i < ready.length; i += ENCODE_SLICE) {
        const rowsBefore = memory.rows;
        let text: string | undefined = encoder.encode(
          i === 0 && ready.length <= ENCODE_SLICE ? ready : ready.slice(i, i + ENCODE_SLICE),
          memory,
        ).text;
        if (memory.rows === rowsBefore) continue;
        part ??= await PartFile.open(partPath, 0);
        if (rowsBefore === 0) await part.write(encoder.begin());
        const written = part.write(text);
        // Not kept while the disk is waited for: it would be promoted to the old generation.
        // eslint-disable-next-line no-useless-assignment -- see the comment above
        text = undefined;
        await written;
      }
    },
    async commit() {
      const bytes = part ? await part.commit() : 0;
      const { rows, listColumns } = memory;
      return (state) => {
        state.bytes = bytes;
        state.rows = rows;
        if (listColumns !== undefined) state.listColumns = listColumns;
        state.status = bytes > 0 ? 'partial' : 'pending';
      };
    },
    async rollback() {
      if (part) await part.rollback();
    },
    async finish(state) {
      if (state.rows > 0 && part) {
        await part.write(encoder.end(state.rows));
        state.bytes = await part.commit();
        state.status = 'renaming';
        await part.finish(finalPath);
        part = undefined;
        state.status = 'done';
      } else {
        if (part) await part.close(true);
        part = undefined;
        state.status = 'nodata';
      }
    },
    async close() {
      if (part) await part.close();
      part = undefined;
    },
  };
}
