// A throw-away PostgreSQL cluster for the tests: initdb in a temporary directory, started with
// pg_ctl on a free loopback port, as an unprivileged user when run as root (PostgreSQL refuses
// to run as root). No network beyond 127.0.0.1; fsync off (the data is thrown away).
//
//   const pg = await startPgCluster();   // undefined when no PostgreSQL binaries are installed
//   ... pg.url (postgres://esmond@127.0.0.1:PORT/postgres) ...
//   pg.stop();
//
// `startPgCluster({ durable: true })` keeps synchronous_commit on, so a commit PostgreSQL
// acknowledged survives an immediate (crash) stop: the outage test stops and starts such a
// cluster with `await pg.stopServer('immediate')` / `await pg.startServer()`.
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The directory holding initdb/pg_ctl: $PG_BINDIR, Debian's /usr/lib/postgresql/N/bin, or PATH. */
export function findPgBinDir() {
  const candidates = [];
  if (process.env.PG_BINDIR) candidates.push(process.env.PG_BINDIR);
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian)) {
    for (const v of readdirSync(debian).sort((a, b) => Number(b) - Number(a))) candidates.push(join(debian, v, 'bin'));
  }
  for (const dir of (process.env.PATH ?? '').split(':')) if (dir) candidates.push(dir);
  return candidates.find((d) => existsSync(join(d, 'initdb')) && existsSync(join(d, 'pg_ctl')));
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** uid/gid of an unprivileged account to run PostgreSQL as (root only). */
function unprivileged() {
  for (const name of ['postgres', 'nobody']) {
    const r = spawnSync('id', ['-u', name], { encoding: 'utf8' });
    if (r.status === 0) {
      const gid = Number(spawnSync('id', ['-g', name], { encoding: 'utf8' }).stdout.trim());
      return { name, uid: Number(r.stdout.trim()), gid };
    }
  }
  throw new Error('running as root and neither a postgres nor a nobody account exists to run PostgreSQL as');
}

/**
 * Starts a cluster; resolves undefined when PostgreSQL is not installed.
 * @param {{ durable?: boolean }} [options] durable: synchronous_commit stays on (acknowledged
 *   commits survive an immediate stop; the OS keeps what fsync would flush, as nothing crashes it)
 */
export async function startPgCluster(options = {}) {
  const bin = findPgBinDir();
  if (!bin) return undefined;
  const dir = mkdtempSync(join(tmpdir(), 'esmond-pg-'));
  const data = join(dir, 'data');
  const asRoot = process.getuid?.() === 0;
  const user = asRoot ? unprivileged() : undefined;
  if (user) chownSync(dir, user.uid, user.gid);
  // PostgreSQL's programs run as the unprivileged owner when we are root.
  const command = (cmd, args) => {
    const full = join(bin, cmd);
    return user ? ['runuser', ['-u', user.name, '--', full, ...args]] : [full, args];
  };
  const run = (cmd, args) =>
    execFileSync(...command(cmd, args), { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  // The same without blocking the event loop (a test keeps its clients running meanwhile).
  const runAsync = (cmd, args) =>
    new Promise((resolve, reject) => {
      execFile(...command(cmd, args), { cwd: dir, encoding: 'utf8' }, (err, stdout, stderr) => {
        if (err) reject(new Error(`${cmd} ${args.join(' ')}: ${stderr || err.message}`, { cause: err }));
        else resolve(stdout);
      });
    });
  const port = await freePort();
  const commit = options.durable ? 'on' : 'off';
  const opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=${commit} -c full_page_writes=off -c max_connections=200`;
  const start = ['-D', data, '-o', opts, '-l', join(dir, 'server.log'), '-w', '-t', '60', 'start'];
  try {
    run('initdb', ['-D', data, '-U', 'esmond', '-A', 'trust', '-E', 'UTF8', '--no-sync', '--locale=C']);
    run('pg_ctl', start);
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`could not start PostgreSQL from ${bin}: ${err.stderr ?? err.message}`, { cause: err });
  }
  return {
    url: `postgres://esmond@127.0.0.1:${port}/postgres`,
    bin,
    data,
    port,
    /** Stops the server (mode fast: clients are disconnected; immediate: a crash) and waits. */
    stopServer: (mode = 'fast') => runAsync('pg_ctl', ['-D', data, '-m', mode, '-w', '-t', '60', 'stop']),
    /** Starts it again on the same port with the same settings and waits until it accepts connections. */
    startServer: () => runAsync('pg_ctl', start),
    stop() {
      try {
        run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } catch {
        // already stopped
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
