/**
 * The checkpoint that lets `--resume` continue a bulk run after a crash or kill -9: the plan
 * (series, file names, the metadata they came from, the query range) and each series' committed
 * progress. Always replaced atomically (write a temporary file, fsync, rename: util/atomic-write.ts), so a reader sees either
 * the previous or the next version, never half of one.
 * @module
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { removeAtomic, writeFileAtomic } from '../util/atomic-write.js';
import type { Metadata } from '../model/metadata.js';
import type { PlannedJob } from './plan.js';
import type { SeriesState } from './types.js';

/** Default checkpoint file name inside the output directory. */
export const CHECKPOINT_NAME = '.esmond-ps-get-bulk.checkpoint.json';

const VERSION = 1;

/** What a checkpoint holds. */
export interface Checkpoint {
  /** Hash of the arguments that shape the output (see {@link fingerprintOf}). */
  fingerprint: string;
  timeStart: number;
  timeEnd: number;
  jobs: PlannedJob[];
  states: SeriesState[];
}

/** A stable hash of the output-shaping arguments (never of credentials). */
export function fingerprintOf(args: Record<string, unknown>): string {
  const sorted = Object.keys(args)
    .sort()
    .map((k) => [k, args[k]]);
  return createHash('sha256').update(JSON.stringify(sorted)).digest('hex').slice(0, 32);
}

/** Reads a checkpoint; `undefined` when there is none. Throws on a damaged or foreign file. */
export async function readCheckpoint(path: string): Promise<Checkpoint | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new Error(`checkpoint ${path} is not valid JSON`);
  }
  const cp = data as Partial<Omit<Checkpoint, 'jobs'>> & { version?: unknown; metadata?: unknown; jobs?: unknown };
  const foreign = (): Error =>
    new Error(`checkpoint ${path} is not an esmond-ps-get-bulk checkpoint (version ${VERSION})`);
  if (
    cp.version !== VERSION ||
    !Array.isArray(cp.jobs) ||
    !Array.isArray(cp.states) ||
    cp.jobs.length !== cp.states.length
  )
    throw foreign();
  const metadata = (cp.metadata ?? {}) as Record<string, Metadata>;
  const jobs = (cp.jobs as Array<Omit<PlannedJob, 'metadata'> & { metadata: string }>).map((j) => {
    const m = metadata[j.metadata];
    if (m === undefined) throw foreign();
    return { ...j, metadata: m };
  });
  return {
    fingerprint: String(cp.fingerprint),
    timeStart: Number(cp.timeStart),
    timeEnd: Number(cp.timeEnd),
    jobs,
    states: cp.states,
  };
}

/** The plan as stored: each metadata once, jobs pointing at it by key. */
function planJson(jobs: readonly PlannedJob[]): string {
  const metadata: Record<string, Metadata> = {};
  for (const j of jobs) metadata[j.metadata.key] = j.metadata;
  return `"metadata":${JSON.stringify(metadata)},"jobs":${JSON.stringify(jobs.map((j) => ({ ...j, metadata: j.metadata.key })))}`;
}

/**
 * Writes the checkpoint of one run. The plan is serialised once; each save writes the plan text
 * plus the current states. Saves are serialised and coalesced: `save()` called while a write is
 * in flight costs one more write at most.
 */
export class CheckpointWriter {
  private readonly head: string;
  private inFlight: Promise<void> | undefined;
  private again = false;

  constructor(
    readonly path: string,
    header: Omit<Checkpoint, 'jobs' | 'states'>,
    jobs: readonly PlannedJob[],
    private readonly states: readonly SeriesState[],
  ) {
    this.head =
      `{"version":${VERSION},"fingerprint":${JSON.stringify(header.fingerprint)},` +
      `"timeStart":${header.timeStart},"timeEnd":${header.timeEnd},${planJson(jobs)},"states":`;
  }

  private async writeNow(): Promise<void> {
    await writeFileAtomic(this.path, `${this.head}${JSON.stringify(this.states)}}\n`);
  }

  /** Saves the current states (coalescing with a save already running). */
  save(): Promise<void> {
    if (this.inFlight) {
      this.again = true;
      return this.inFlight;
    }
    this.inFlight = (async () => {
      try {
        do {
          this.again = false;
          await this.writeNow();
          // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- set by a call made while writeNow() was awaited
        } while (this.again);
      } finally {
        this.inFlight = undefined;
      }
    })();
    return this.inFlight;
  }

  /** Deletes the checkpoint (after a run that completed every series). */
  async remove(): Promise<void> {
    if (this.inFlight) await this.inFlight;
    await removeAtomic(this.path);
  }
}
