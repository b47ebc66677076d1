/**
 * Starts the embedded archive in a child process (bench/support/archive-server.ts) so a
 * benchmark's load generator does not share the server's CPU. Shared by every bench file.
 * @module
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** A running archive child process. */
export interface ChildArchive {
  /** `http://127.0.0.1:PORT`. */
  url: string;
  /** Closes the server (stdin end) and waits for the process to exit. */
  stop(): Promise<void>;
}

/** Serves the SQLite file or postgres:// URL `dbPath` from a child process; resolves once it listens. */
export function startChildArchive(dbPath: string): Promise<ChildArchive> {
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', join(root, 'bench', 'support', 'archive-server.ts'), dbPath],
    { cwd: root, stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const stop = (): Promise<void> =>
    new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) {
        resolve();
        return;
      }
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      child.stdin?.end();
    });
  return new Promise((resolve, reject) => {
    let out = '';
    const fail = (why: string): void => {
      void stop();
      reject(new Error(`archive server did not start: ${why}`));
    };
    const timer = setTimeout(() => {
      fail('no answer within 30 s');
    }, 30_000);
    child.once('error', (e) => {
      fail(e.message);
    });
    child.once('exit', (code) => {
      fail(`exited with ${code}`);
    });
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split('\n')[0];
      if (!out.includes('\n') || line === undefined) return;
      clearTimeout(timer);
      child.removeAllListeners('exit');
      try {
        resolve({ url: (JSON.parse(line) as { url: string }).url, stop });
      } catch {
        fail(`unexpected output ${line}`);
      }
    });
  });
}
