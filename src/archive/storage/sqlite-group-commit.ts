/**
 * Group commit for the SQLite store: the write transactions of requests that arrive together
 * (in one turn of the event loop) run in ONE database transaction, each inside its own
 * savepoint, so a commit's fixed cost (the WAL append and index update) is paid once per group
 * instead of once per request. Each request's promise settles only after the group's COMMIT
 * returned: a 2xx still means the data is in the database file (it survives `kill -9`). A work
 * item that throws is rolled back to its savepoint alone; the others commit. Items may also run
 * on another thread's connection (`sqlite-cell-writer.ts`): groups still run one at a time, in
 * arrival order, so the two connections never contend for the write lock.
 * @module
 */
import type Database from 'better-sqlite3';

interface Pending {
  /** Work for this connection, or… */
  work?: () => unknown;
  /** …a job for the {@link RemoteWriter} (another thread's connection). */
  job?: unknown;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}

/** Upper bound of work items in one transaction (keeps one flush's event-loop time bounded). */
const MAX_GROUP = 256;

/** What one item of a group gave: its result, or what it threw (it alone was rolled back). */
export type ItemOutcome = { ok: true; value: unknown } | { ok: false; err: unknown };

/**
 * Runs jobs as one transaction on another connection (the cell writer thread): one outcome per
 * job, in order, once committed; rejects when the whole group failed.
 */
export type RemoteWriter = (jobs: unknown[]) => Promise<ItemOutcome[]>;

export class GroupCommit {
  private queue: Pending[] = [];
  private scheduled = false;
  /** A group running on the remote writer: nothing else writes until it is done. */
  private inFlight: Promise<void> | undefined;

  /**
   * @param db the connection (better-sqlite3 nests `db.transaction` calls as savepoints)
   * @param begin runs a function in an IMMEDIATE transaction, mapping lock timeouts to the
   *   store's busy error
   * @param committed called after each group's COMMIT (the WAL grew)
   * @param remote runs {@link runRemote} jobs
   */
  constructor(
    private readonly db: Database.Database,
    private readonly begin: (fn: () => void) => void,
    private readonly committed: () => void = () => undefined,
    private readonly remote?: RemoteWriter,
  ) {}

  /** Runs `work` inside the next group's transaction; resolves with its result once committed. */
  run<T>(work: () => T): Promise<T> {
    return this.enqueue({ work });
  }

  /**
   * Runs `job` on the remote writer, in order with every other item (a group of this
   * connection never overlaps a remote one); resolves with its result once committed.
   */
  runRemote<T>(job: unknown): Promise<T> {
    return this.enqueue({ job });
  }

  private enqueue<T>(item: { work?: () => unknown; job?: unknown }): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ ...item, resolve: resolve as (value: unknown) => void, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        // setImmediate: after the I/O callbacks of this turn, so requests that arrived together
        // share the transaction; no timer adds latency to a lone request.
        setImmediate(() => {
          this.flush();
        });
      }
    });
  }

  /**
   * Commits what is queued, group by group in arrival order: consecutive items of one kind
   * form a group. Stops at a remote group and goes on once it is committed. (Concurrent
   * requests that meet on one ts thus get the answers they get without the remote writer.)
   */
  flush(): void {
    this.scheduled = false;
    while (this.queue.length > 0 && this.inFlight === undefined) {
      const remote = this.queue[0]?.job !== undefined;
      let n = 1;
      while (n < this.queue.length && n < MAX_GROUP && (this.queue[n]?.job !== undefined) === remote) n++;
      const group = this.queue.splice(0, n);
      if (remote) this.sendRemote(group);
      else this.runHere(group);
    }
  }

  /** Waits until everything queued is committed (before the connections close). */
  async drain(): Promise<void> {
    this.flush();
    while (this.inFlight !== undefined) {
      await this.inFlight;
      this.flush();
    }
  }

  private sendRemote(group: Pending[]): void {
    const remote = this.remote;
    if (remote === undefined) {
      for (const item of group) item.reject(new Error('no remote writer'));
      return;
    }
    this.inFlight = remote(group.map((item) => item.job)).then(
      (outcomes) => {
        this.settle(group, outcomes);
      },
      (err: unknown) => {
        for (const item of group) item.reject(err);
      },
    );
    void this.inFlight.finally(() => {
      this.inFlight = undefined;
      this.flush();
    });
  }

  private runHere(group: Pending[]): void {
    const outcomes: ItemOutcome[] = [];
    try {
      this.begin(() => {
        outcomes.length = 0;
        for (const item of group) {
          try {
            outcomes.push({ ok: true, value: this.db.transaction(item.work as () => unknown)() });
          } catch (err) {
            outcomes.push({ ok: false, err });
          }
        }
      });
    } catch (err) {
      // BEGIN or COMMIT failed: nothing of the group is stored.
      for (const item of group) item.reject(err);
      return;
    }
    this.settle(group, outcomes);
  }

  /** After a group's COMMIT: each item gets its own outcome. */
  private settle(group: readonly Pending[], outcomes: readonly ItemOutcome[]): void {
    this.committed();
    group.forEach((item, i) => {
      const o = outcomes[i];
      if (o?.ok === true) item.resolve(o.value);
      else item.reject(o === undefined ? new Error('group commit lost a result') : o.err);
    });
  }
}
