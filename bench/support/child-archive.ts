/**
 * Starts the embedded archive (bench/support/archive-server.ts), or another bench server, in a
 * child process so a benchmark's load generator does not share the server's CPU. Shared by
 * every bench file.
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

/** A running bench server child process. */
export interface ChildServer extends ChildArchive {
  /** The first line it printed (`{"url": …, …}`), parsed. */
  hello: Record<string, unknown>;
  /** The process (with an IPC channel when asked for). */
  child: ChildProcess;
}

/** Serves the SQLite file or postgres:// URL `dbPath` from a child process; resolves once it listens. */
export function startChildArchive(dbPath: string): Promise<ChildArchive> {
  return startChildServer(join(root, 'bench', 'support', 'archive-server.ts'), [dbPath]);
}

/**
 * Runs the bench server `script` (a .ts file run through tsx) with `args`; resolves once it
 * prints its first line, a JSON object with the `url` it listens on. It stops when its stdin
 * closes. `ipc`: also open a message channel (`child.send`, `process.send`).
 */
export function startChildServer(script: string, args: readonly string[], ipc = false): Promise<ChildServer> {
  // `ESMOND_BENCH_CPU_PROF=<dir>`: the server writes a V8 CPU profile there when it exits
  // (NODE_OPTIONS refuses --cpu-prof).
  const profile = process.env['ESMOND_BENCH_CPU_PROF'];
  const prof = profile === undefined || profile === '' ? [] : ['--cpu-prof', `--cpu-prof-dir=${profile}`];
  const child: ChildProcess = spawn(process.execPath, [...prof, '--import', 'tsx', script, ...args], {
    cwd: root,
    stdio: ipc ? ['pipe', 'pipe', 'inherit', 'ipc'] : ['pipe', 'pipe', 'inherit'],
  });
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
        const hello = JSON.parse(line) as Record<string, unknown>;
        if (typeof hello.url !== 'string') throw new Error('no url');
        resolve({ url: hello.url, hello, child, stop });
      } catch {
        fail(`unexpected output ${line}`);
      }
    });
  });
}
