/**
 * Group commit for the SQLite store: the write transactions of requests that arrive together
 * (in one turn of the event loop) run in ONE database transaction, each inside its own
 * savepoint, so a commit's fixed cost (the WAL append and index update) is paid once per group
 * instead of once per request. Each request's promise settles only after the group's COMMIT
 * returned: a 2xx still means the data is in the database file (it survives `kill -9`). A work
 * item that throws is rolled back to its savepoint alone; the others commit.
 * @module
 */
import type Database from 'better-sqlite3';

interface Pending {
  work: () => unknown;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}

/** Upper bound of work items in one transaction (keeps one flush's event-loop time bounded). */
const MAX_GROUP = 256;

export class GroupCommit {
  private queue: Pending[] = [];
  private scheduled = false;

  /**
   * @param db the connection (better-sqlite3 nests `db.transaction` calls as savepoints)
   * @param begin runs a function in an IMMEDIATE transaction, mapping lock timeouts to the
   *   store's busy error
   * @param committed called after each group's COMMIT (the WAL grew)
   */
  constructor(
    private readonly db: Database.Database,
    private readonly begin: (fn: () => void) => void,
    private readonly committed: () => void = () => undefined,
  ) {}

  /** Runs `work` inside the next group's transaction; resolves with its result once committed. */
  run<T>(work: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
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

  /** Commits everything queued now (also called before the connection closes). */
  flush(): void {
    this.scheduled = false;
    while (this.queue.length > 0) {
      const group = this.queue.splice(0, MAX_GROUP);
      const outcomes: Array<{ ok: true; value: unknown } | { ok: false; err: unknown }> = [];
      try {
        this.begin(() => {
          outcomes.length = 0;
          for (const item of group) {
            try {
              outcomes.push({ ok: true, value: this.db.transaction(item.work)() });
            } catch (err) {
              outcomes.push({ ok: false, err });
            }
          }
        });
      } catch (err) {
        // BEGIN or COMMIT failed: nothing of the group is stored.
        for (const item of group) item.reject(err);
        continue;
      }
      this.committed();
      group.forEach((item, i) => {
        const o = outcomes[i];
        if (o?.ok === true) item.resolve(o.value);
        else item.reject(o === undefined ? new Error('group commit lost a result') : o.err);
      });
    }
  }
}
