/**
 * What the two tools that serve HTTP (`esmond-ps-archive serve`, `esmond-ps-view`) share: the
 * `--host`/`--port` flags and their settings, and waiting for SIGINT/SIGTERM.
 * @module
 */
import type { FlagDef, FlagValues } from './flags.js';

/** `--host ADDR` (default 127.0.0.1: loopback only) and `--port N` (0: a free one). */
export function listenFlags(defaultPort: number) {
  return [
    {
      key: 'host',
      long: '--host',
      type: 'string',
      metavar: 'ADDR',
      default: '127.0.0.1',
      help: 'Interface to bind (default: 127.0.0.1).',
      original: false,
    },
    {
      key: 'port',
      long: '--port',
      type: 'uint',
      metavar: 'N',
      default: String(defaultPort),
      help: `TCP port, 0 for a free one (default: ${defaultPort}).`,
      original: false,
    },
  ] as const satisfies readonly FlagDef[];
}

/**
 * The address to listen on from {@link listenFlags}.
 * @throws UsageError for a port above 65535
 */
export function listenOf(v: FlagValues<'host' | 'port'>, defaultPort: number): { host: string; port: number } {
  return { host: v.string('host') ?? '127.0.0.1', port: v.intIn('port', 0, 65535) ?? defaultPort };
}

/** Resolves on SIGINT/SIGTERM, or when `stop` aborts (in-process callers). */
export function untilStopped(stop: AbortSignal | undefined): Promise<void> {
  return new Promise((done) => {
    const finish = () => {
      process.off('SIGINT', finish);
      process.off('SIGTERM', finish);
      stop?.removeEventListener('abort', finish);
      done();
    };
    process.once('SIGINT', finish);
    process.once('SIGTERM', finish);
    if (stop?.aborted === true) finish();
    else stop?.addEventListener('abort', finish, { once: true });
  });
}
