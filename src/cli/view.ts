/**
 * `esmond-ps-view`: serves the mesh page for any archive the client can read. The page talks to
 * this server only; GETs of the archive API are proxied to the archive, so there is no CORS
 * problem and credentials stay here.
 *
 *   esmond-ps-view -u https://archive.example.net/esmond [--port 8090] [--host 127.0.0.1] [-k KEY]
 *   esmond-ps-view -u https://ps5.example.net --archive opensearch|auto
 *
 * Exit codes ({@link ExitCode}): 0 ok (stopped by SIGINT/SIGTERM), 1 runtime failure, 2 usage error.
 * @module
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { createClientApi } from '../pictures/client-api.js';
import { createArchiveProxy, type ArchiveProxy } from '../pictures/proxy.js';
import { createPicturesSite } from '../pictures/site.js';
import { createClient } from '../query/client.js';
import type { Credentials } from '../query/types.js';
import { resolveArchiveUrl } from '../query/url.js';
import { untilStopped } from './archive.js';
import { ExitCode } from './exit-codes.js';
import type { CliIo, ToolMain } from './io.js';

const TOOL = 'esmond-ps-view';
/** Where the page finds the archive API on this server. */
const API_BASE = '/esmond/perfsonar/archive/';

interface ViewFlags {
  url: string;
  host: string;
  port: number;
  user?: string;
  key?: string;
  sslVerify: boolean;
  timeout: number;
  refresh: number;
  archive: 'esmond' | 'opensearch' | 'auto';
}

function intIn(min: number, max: number) {
  return (raw: string): number => {
    const n = Number(raw);
    if (!/^\d+$/.test(raw.trim()) || n < min || n > max)
      throw new InvalidArgumentError(`expected an integer from ${min} to ${max}.`);
    return n;
  };
}

async function view(flags: ViewFlags, io: CliIo, stop: AbortSignal | undefined): Promise<number> {
  const loc = flags.archive === 'esmond' ? resolveArchiveUrl(flags.url) : { archiveUrl: flags.url };
  const apiKey = flags.key ?? io.env['ESMOND_KEY'];
  const username = flags.user ?? io.env['ESMOND_USER'];
  const credentials: Credentials | undefined =
    apiKey === undefined || apiKey === '' ? undefined : username ? { apiKey, username } : { apiKey };
  const common = {
    tlsVerify: flags.sslVerify,
    timeoutMs: flags.timeout * 1000,
    ...(credentials ? { credentials } : {}),
  };
  const esmond = flags.archive === 'esmond';
  // An esmond archive gets the page's reads forwarded as they are; any other backend has them
  // answered by the client, which speaks that backend.
  const client = createClient(
    esmond ? { url: loc.archiveUrl, ...common } : { url: flags.url, archive: flags.archive, ...common },
  );
  const proxy: ArchiveProxy = esmond
    ? createArchiveProxy({ archiveUrl: loc.archiveUrl, ...common })
    : createClientApi(client);
  const log = (line: string): void => void io.stderr.write(`${TOOL}: ${line}\n`);
  const site = createPicturesSite({
    reader: client,
    apiBase: API_BASE,
    archiveLabel: loc.archiveUrl,
    proxy,
    now: io.now,
    refreshMs: flags.refresh * 1000,
    log,
  });
  const server = createServer({ keepAlive: true }, (req, res) => {
    if (!site.handle(req, res)) {
      const body = JSON.stringify({ detail: 'Not found.' });
      res.writeHead(404, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
      res.end(body);
    }
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(flags.port, flags.host, () => {
        resolve();
      });
    });
    const port = (server.address() as AddressInfo).port;
    const host = flags.host.includes(':') ? `[${flags.host}]` : flags.host;
    io.stderr.write(`serving the mesh page of ${loc.archiveUrl} on http://${host}:${port}/\n`);
    await untilStopped(stop);
    return ExitCode.Ok;
  } finally {
    await new Promise<void>((resolve) => {
      server.close(() => {
        resolve();
      });
      server.closeAllConnections();
    });
    await Promise.all([client.close(), proxy.close()]);
  }
}

/** Runs the tool; `stop` lets in-process callers end it the way SIGTERM does. */
export async function runViewCli(argv: readonly string[], io: CliIo, stop?: AbortSignal): Promise<number> {
  let code: number = ExitCode.Ok;
  const program = new Command(TOOL)
    .description(
      'Serve the perfSONAR mesh page (grid and pair charts) for an esmond archive, proxying its API read-only.',
    )
    .requiredOption('-u, --url <url>', 'archive URL (http://host, http://host/esmond or the full archive URL)')
    .option('--host <addr>', 'interface to bind', '127.0.0.1')
    .option('--port <n>', 'TCP port, 0 for a free one', intIn(0, 65535), 8090)
    .option('--user <name>', 'user name for the API key (default: $ESMOND_USER)')
    .option('-k, --key <key>', 'API key sent to the archive, never to the browser (default: $ESMOND_KEY)')
    .option('--no-ssl-verify', "do not verify the archive's TLS certificate")
    .option('--timeout <s>', 'archive request timeout, seconds', intIn(1, 3600), 30)
    .addOption(
      new Option('--archive <kind>', 'archive kind: esmond API (proxied as is), opensearch, or auto (detect)')
        .choices(['esmond', 'opensearch', 'auto'])
        .default('esmond'),
    )
    .option('--refresh <s>', 'recompute the grid summary when older than this, seconds', intIn(1, 86400), 60)
    .exitOverride()
    .configureOutput({
      writeOut: (s) => void io.stdout.write(s),
      writeErr: (s) => void io.stderr.write(s),
      outputError: (s, write) => {
        write(`${TOOL}: ${s.replace(/^error: /, '')}`);
      },
    })
    .action(async (flags: ViewFlags) => {
      code = await view(flags, io, stop);
    });
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return code;
  } catch (err) {
    if (err instanceof CommanderError)
      return err.code === 'commander.helpDisplayed' || err.code === 'commander.version' ? ExitCode.Ok : ExitCode.Usage;
    io.stderr.write(`${TOOL}: ${err instanceof Error ? err.message : String(err)}\n`);
    return ExitCode.Failure;
  }
}

/** The tool entry point for the bin shim. */
export const run: ToolMain = (argv, io) => runViewCli(argv, io);
