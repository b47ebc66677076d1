/** Declarations of pg-cluster.mjs, for the tests and benches that start their own cluster. */
export interface PgCluster {
  /** `postgres://esmond@127.0.0.1:PORT/postgres`. */
  url: string;
  bin: string;
  data: string;
  port: number;
  /** Stops the server and waits (fast: clients are disconnected; immediate: a crash). */
  stopServer(mode?: 'smart' | 'fast' | 'immediate'): Promise<string>;
  /** Starts it again on the same port with the same settings; resolves once it accepts connections. */
  startServer(): Promise<string>;
  /** Stops the server (immediate) and removes its directory. */
  stop(): void;
}
/** The directory holding initdb/pg_ctl, or undefined. */
export function findPgBinDir(): string | undefined;
/** Starts a throw-away cluster; undefined when PostgreSQL is not installed. */
export function startPgCluster(options?: { durable?: boolean }): Promise<PgCluster | undefined>;
