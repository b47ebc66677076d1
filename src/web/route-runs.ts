/**
 * Route changes: consecutive traceroutes with the same path merged into runs. Used by the server
 * (`/pictures/routes.json`, a month of traces reduced to its changes) and by the page (a day of
 * raw traces). Bounded: only the newest `maxRuns` runs are kept, the others are only counted.
 * Pure: no Node and no DOM.
 * @module
 */

/** Consecutive traces with one path. */
export interface RouteRun {
  /** UNIX seconds of the first and last trace of the run. */
  from: number;
  to: number;
  /** Traces in the run. */
  n: number;
  /** Per TTL the first answering address, `*` for none. */
  path: string[];
}

/** The route changes of a time range (`GET /pictures/routes.json`). */
export interface RouteChanges {
  /** Traces read. */
  traces: number;
  /** Runs in the range (changes = runs − 1), including those dropped from {@link runs}. */
  totalRuns: number;
  /** The newest runs, oldest first. */
  runs: RouteRun[];
  /** True when the range held more traces than the server reads for one answer (the newest are missing). */
  truncated: boolean;
}

/** Accumulates traces in time order into {@link RouteChanges}. */
export class RouteRunBuilder {
  private readonly runs: RouteRun[] = [];
  private key = '';
  private traces = 0;
  private totalRuns = 0;

  constructor(private readonly maxRuns: number) {}

  /** Adds the trace at `ts` (not before the previous one) with its path. */
  add(ts: number, path: string[]): void {
    this.traces++;
    const key = path.join(' ');
    const last = this.runs.at(-1);
    if (last !== undefined && key === this.key) {
      last.to = ts;
      last.n++;
      return;
    }
    this.key = key;
    this.totalRuns++;
    this.runs.push({ from: ts, to: ts, n: 1, path });
    if (this.runs.length > this.maxRuns) this.runs.shift();
  }

  /** What was added so far. */
  result(truncated = false): RouteChanges {
    return { traces: this.traces, totalRuns: this.totalRuns, runs: [...this.runs], truncated };
  }
}
