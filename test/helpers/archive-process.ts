/**
 * `esmond-ps-archive serve` as a real child process (node --import tsx), for tests that need a
 * separate process: two servers on one SQLite file, or the server with its real defaults.
 *
 *   const p = await spawnArchiveServer(['--db', file, '--no-dns']);
 *   try { ... fetch(p.url) ... } finally { await p.stop(); }
 * @module
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';

const BIN = join(import.meta.dirname, '../../src/bin/esmond-ps-archive.ts');
// Absolute, so the child resolves tsx whatever its cwd.
const TSX = import.meta.resolve('tsx');

/** A running server process. */
export interface ArchiveProcess {
  /** `http://127.0.0.1:PORT`. */
  url: string;
  pid: number;
  /** Everything the process wrote to stderr so far. */
  stderr(): string;
  /** SIGTERM, then waits for the exit; resolves with the exit code. */
  stop(): Promise<number | null>;
}

/**
 * Starts `serve --port 0 …args` on 127.0.0.1 and resolves once it printed its address (on
 * stdout or stderr). Rejects when it exits first.
 */
export function spawnArchiveServer(args: readonly string[], cwd?: string): Promise<ArchiveProcess> {
  const child = spawn(
    process.execPath,
    ['--import', TSX, BIN, 'serve', '--port', '0', '--host', '127.0.0.1', ...args],
    {
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  let err = '';
  const exited = new Promise<number | null>((resolve) =>
    child.on('close', (code) => {
      resolve(code);
    }),
  );
  return new Promise((resolve, reject) => {
    let found = false;
    const look = (): void => {
      const url = found ? undefined : /http:\/\/127\.0\.0\.1:\d+/.exec(out + err)?.[0];
      if (url === undefined) return;
      found = true;
      resolve({
        url,
        pid: child.pid ?? 0,
        stderr: () => err,
        async stop() {
          if (child.exitCode === null) child.kill('SIGTERM');
          return exited;
        },
      });
    };
    // Both pipes are drained for the whole life of the process (a full pipe would block it).
    child.stdout.on('data', (c: Buffer) => {
      if (!found) out += c.toString();
      look();
    });
    child.stderr.on('data', (c: Buffer) => {
      err += c.toString();
      look();
    });
    void exited.then((code) => {
      reject(new Error(`archive server exited (${String(code)}) before listening: ${err}`));
    });
  });
}
