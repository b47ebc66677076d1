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
import type { AddressInfo } from 'node:net';
import type { ArchiveProxy } from '../pictures/proxy.js';
import type { Credentials } from '../query/types.js';
import { resolveArchiveUrl } from '../query/url.js';
import { ExitCode } from './exit-codes.js';
import {
  HELP_FLAG,
  pickFlags,
  runCommandLine,
  UsageError,
  VERSION_FLAG,
  type CommandLine,
  type FlagDef,
  type FlagValues,
  type KeyOf,
} from './flags.js';
import { OPTPARSE_LAYOUT } from './help.js';
import type { CliIo, ToolMain } from './io.js';
import { listenFlags, listenOf, untilStopped } from './listen.js';
import { CONNECTION_FLAGS, SELECTION_FLAGS } from './query-flags.js';

const TOOL = 'esmond-ps-view';
/** Where the page finds the archive API on this server. */
const API_BASE = '/esmond/perfsonar/archive/';

/** The kinds of archive the page can show; `esmond` is proxied as is. */
const VIEW_ARCHIVES = ['esmond', 'opensearch', 'auto'] as const;

/** The settings of a run. */
interface ViewFlags {
  url: string;
  host: string;
  port: number;
  user?: string | undefined;
  key?: string | undefined;
  sslVerify: boolean;
  timeout: number;
  refresh: number;
  archive: (typeof VIEW_ARCHIVES)[number];
}

/** The flags, in `--help` order (the query tools' connection flags where they mean the same). */
const VIEW_FLAGS = [
  HELP_FLAG,
  VERSION_FLAG,
  ...pickFlags(SELECTION_FLAGS, ['url']),
  ...listenFlags(8090),
  ...pickFlags(CONNECTION_FLAGS, ['user', 'key', 'noSslVerify']),
  {
    key: 'timeout',
    long: '--timeout',
    type: 'uint',
    metavar: 'SECONDS',
    default: '30',
    help: 'Archive request timeout, seconds, 1 to 3600 (default: 30).',
    original: false,
  },
  {
    key: 'archive',
    long: '--archive',
    type: 'string',
    metavar: 'KIND',
    default: 'esmond',
    help: `Archive kind [${VIEW_ARCHIVES.join(', ')}]: esmond API (proxied as is), opensearch, or auto (detect) (default: esmond).`,
    original: false,
  },
  {
    key: 'refresh',
    long: '--refresh',
    type: 'uint',
    metavar: 'SECONDS',
    default: '60',
    help: 'Recompute the grid summary when older than this, seconds, 1 to 86400 (default: 60).',
    original: false,
  },
] as const satisfies readonly FlagDef[];

const COMMAND_LINE: CommandLine<KeyOf<typeof VIEW_FLAGS>> = {
  prog: TOOL,
  usage: '%prog -u URL [options]',
  flags: VIEW_FLAGS,
  help: () => ({ sections: [{ title: 'Options', entries: VIEW_FLAGS, layout: OPTPARSE_LAYOUT }] }),
};

/**
 * The settings of a run from its flags.
 * @throws UsageError for a missing `-u` or a value out of range
 */
function viewFlagsOf(v: FlagValues<KeyOf<typeof VIEW_FLAGS>>): ViewFlags {
  v.args([]);
  const url = v.string('url');
  if (url === undefined || url === '') throw new UsageError('--url is required: the archive to show');
  return {
    url,
    ...listenOf(v, 8090),
    user: v.string('user'),
    key: v.string('key'),
    sslVerify: !v.flag('noSslVerify'),
    timeout: v.intIn('timeout', 1, 3600) ?? 30,
    refresh: v.intIn('refresh', 1, 86_400) ?? 60,
    archive: v.choice('archive', VIEW_ARCHIVES) ?? 'esmond',
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
  // The server, the page, the client and the proxy load now, not with the flag table (--help).
  const [{ createServer }, { createClientApi }, { createArchiveProxy }, { createPicturesSite }, { createClient }] =
    await Promise.all([
      import('node:http'),
      import('../pictures/client-api.js'),
      import('../pictures/proxy.js'),
      import('../pictures/site.js'),
      import('../client.js'),
    ]);
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
export function runViewCli(argv: readonly string[], io: CliIo, stop?: AbortSignal): Promise<number> {
  return runCommandLine(COMMAND_LINE, argv, io, (values) => view(viewFlagsOf(values), io, stop));
}

/** The tool entry point for the bin shim. */
export const run: ToolMain = (argv, io) => runViewCli(argv, io);
