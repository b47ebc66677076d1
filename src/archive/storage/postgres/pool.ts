/**
 * The PostgreSQL store's connection pool: its settings, the listeners that keep a lost
 * connection from crashing the process, and the translation of "cannot reach the database" into
 * {@link StoreUnavailableError} (a 503 for the client).
 * @module
 */
import pg from 'pg';
import type { PoolClient } from 'pg';
import { StoreUnavailableError } from '../store.js';
import { isRetryable, isUnavailable, PG_TYPES } from './rows.js';

/** Options of `openPostgresStore`. */
export interface PostgresStoreOptions {
  /** Most connections the pool opens (default 10). */
  poolSize?: number;
  /** Longest a statement may run, ms (default 30 000; 0 = no limit). */
  statementTimeoutMs?: number;
  /** Longest to wait for a connection, ms (default 5 000); then the request gets 503. */
  connectTimeoutMs?: number;
  /** Where pool errors of idle connections are reported (default: ignored; the pool replaces them). */
  log?: (line: string) => void;
}

/**
 * The size of the one large parameter each new connection sends first. glibc's malloc in the
 * server process hands the top of its heap back to the kernel whenever more than 128 KiB of it is
 * free, and every bulk write (COPY's buffers, a 60 KB message) grows the heap past that and frees
 * it again: about 40 brk calls per 2 000-point PUT, each growth paid again in page faults and each
 * shrink in a TLB shootdown across cores (measured: about a third of the backend's time per PUT).
 * Once a block this large has been mapped and freed, glibc raises that limit to twice its size
 * for the life of the process (its dynamic mmap threshold), and the backend keeps its heap
 * between statements. Elsewhere it costs one 1 MB round trip per connection and changes nothing.
 */
const HEAP_WARM_UP_BYTES = 1_000_000;

/** Sends the {@link HEAP_WARM_UP_BYTES} parameter; a lost connection fails its next statement as usual. */
async function warmUpHeap(client: pg.ClientBase): Promise<void> {
  await client.query('SELECT octet_length($1)', ['x'.repeat(HEAP_WARM_UP_BYTES)]).catch(() => undefined);
}

/** A pool for `url` with the store's settings and error listeners. */
export function createPool(url: string, options: PostgresStoreOptions): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 5000,
    statement_timeout: options.statementTimeoutMs ?? 30_000,
    idleTimeoutMillis: 30_000,
    application_name: 'esmond-ps-archive',
    types: PG_TYPES,
    // pg-pool awaits the promise before it hands the connection out; @types/pg says void.
    // eslint-disable-next-line @typescript-eslint/no-misused-promises
    onConnect: warmUpHeap,
  });
  const log = options.log;
  // An idle connection the server closed: the pool drops it and opens a new one when needed.
  pool.on('error', (err) => log?.(`esmond-ps-archive: database connection lost: ${err.message}`));
  // A connection lost while checked out (between the statements of a transaction) emits 'error'
  // with no pool listener attached, which would crash the process: its next statement fails
  // instead (a 503) and the transaction discards the connection.
  pool.on('connect', (client) => {
    client.on('error', (err) => log?.(`esmond-ps-archive: database connection lost in use: ${err.message}`));
  });
  return pool;
}

/** True when a string (or any string inside a value) contains NUL, which PostgreSQL text cannot hold. */
export function hasNul(value: unknown): boolean {
  return typeof value === 'string' ? value.includes('\u0000') : JSON.stringify(value).includes('\\u0000');
}

/** `err` as a {@link StoreUnavailableError} when it says the database cannot be reached. */
export function unavailable(err: unknown): unknown {
  return isUnavailable(err)
    ? new StoreUnavailableError(`the database is unavailable: ${err instanceof Error ? err.message : String(err)}`, {
        cause: err,
      })
    : err;
}

/** How often a transaction is re-run after a deadlock or serialization failure. */
export const MAX_ATTEMPTS = 8;

/**
 * Runs `fn` in a transaction on one connection of `pool`; re-runs it after a deadlock. `begin`
 * opens the transaction (and may do its first work in the same round trip); `commit` false:
 * `begin` ran one statement atomic by itself, there is nothing to commit.
 */
export async function inTransaction<T>(
  pool: pg.Pool,
  fn: (c: PoolClient) => Promise<T>,
  begin: (c: PoolClient) => Promise<unknown> = (c) => c.query('BEGIN'),
  commit = true,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    let client: PoolClient;
    try {
      client = await pool.connect();
    } catch (err) {
      throw unavailable(err);
    }
    let broken = false;
    try {
      await begin(client);
      const result = await fn(client);
      if (commit) await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {
        broken = true;
      });
      if (attempt < MAX_ATTEMPTS && isRetryable(err)) {
        await new Promise((done) => setTimeout(done, Math.random() * 20 * attempt));
        continue;
      }
      throw unavailable(err);
    } finally {
      client.release(broken);
    }
  }
}
