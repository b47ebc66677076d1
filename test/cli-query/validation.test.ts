/**
 * Option parsing and the original's validation order and messages validation of the query tools: every message, its stream and its exit
 * code (diagnostics on stderr only, B14), plus the fixed bugs (IPv6, -F, start > end, -T/-W).
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { run as getRun } from '../../src/cli/get.js';
import { run as endpointsRun } from '../../src/cli/get-endpoints.js';
import { run as metadataRun } from '../../src/cli/get-metadata.js';
import { isQueryExit, prepareQueryTool, type QuerySettings } from '../../src/cli/query-options.js';
import { queryCommandLine, queryFlagTable } from '../../src/cli/query-flags.js';
import { helpTextOf, parseFlags, usageLine } from '../../src/cli/flags.js';
import { matchLong, normalizeArgv, parsePythonInt } from '../../src/cli/abbrev.js';
import { runTool, NOW_MS } from './run-tool.js';
import { captureIo } from '../helpers/capture-io.js';
import { PassThrough } from 'node:stream';
import type { CliIo } from '../../src/cli/io.js';

const U = ['-u', 'http://127.0.0.1:9'];
const USAGE = `${usageLine(queryCommandLine('esmond-ps-get', 'rows', '/'))}\n`;

async function prepare(
  argv: string[],
  req = {},
): Promise<{ settings?: QuerySettings; code?: number; stdout: string; stderr: string }> {
  const io = captureIo({ now: NOW_MS });
  const r = await prepareQueryTool('esmond-ps-get-metadata', argv, io, req);
  return isQueryExit(r)
    ? { code: r.exitCode, stdout: io.out(), stderr: io.err() }
    : { settings: r, stdout: io.out(), stderr: io.err() };
}

describe('option parser errors (exit 2, usage + error on stderr)', () => {
  const cases: Array<[string[], string]> = [
    [['--bogus'], 'no such option: --bogus'],
    [['-x'], 'no such option: -x'],
    [['-W', 'abc'], "option -W: invalid integer value: 'abc'"],
    [['--summary-w=1.5'], "option --summary-window: invalid integer value: '1.5'"],
    [['--timeout', 'x'], "option --timeout: invalid integer value: 'x'"],
    [['-u'], '-u option requires 1 argument'],
    [['--url'], '--url option requires 1 argument'],
    [['--ip=yes'], '--ip option does not take a value'],
    [['--in=1'], '--insecure option does not take a value'],
  ];
  for (const [argv, message] of cases) {
    test(argv.join(' '), async () => {
      const r = await runTool(getRun, argv);
      assert.equal(r.code, 2);
      assert.equal(r.stdout, '');
      assert.equal(r.stderr, `${USAGE}\nesmond-ps-get: error: ${message}\n`);
    });
  }
  test('ambiguous prefix lists the candidates (get-bulk style -D vs -o)', () => {
    assert.deepEqual(parseFlags(['--out', 'json'], queryFlagTable('files', '/tmp')), {
      kind: 'error',
      message: 'ambiguous option: --out (--output-directory, --output-format?)',
    });
  });
  test('unique prefixes, --opt=value, clusters and attached values', () => {
    const defs = queryFlagTable('rows', '/');
    const specs = defs.map((d) => ({
      ...(d.short !== undefined ? { short: d.short } : {}),
      long: d.long,
      takesValue: d.type !== 'flag',
      ...(d.type === 'int' ? { int: 'python' as const } : {}),
      original: d.original,
    }));
    const n = normalizeArgv(
      ['--ur', 'http://h', '--out=json', '-IvW', '10', '-Fa:b:c', 'pos', '--u', 'x', '--i', '--ins', '--us', 'bob'],
      specs,
    );
    assert.deepEqual(n, {
      kind: 'ok',
      argv: [
        '--url=http://h',
        '--output-format=json',
        '--ip',
        '--verbose',
        '--summary-window=10',
        '--filter=a:b:c',
        '--url=x',
        '--ip',
        '--insecure',
        '--user=bob',
      ],
      positional: ['pos'],
    });
    assert.equal(
      typeof matchLong('--u', specs) === 'object' && (matchLong('--u', specs) as { long: string }).long,
      '--url',
    );
  });
  test('Python int rules of optparse', () => {
    assert.equal(parsePythonInt('10'), 10);
    assert.equal(parsePythonInt('010'), 8);
    assert.equal(parsePythonInt('0x1f'), 31);
    assert.equal(parsePythonInt('0b101'), 5);
    assert.equal(parsePythonInt('-5'), -5);
    assert.equal(parsePythonInt('1_000'), 1000);
    assert.equal(parsePythonInt('08'), undefined);
    assert.equal(parsePythonInt('1.5'), undefined);
    assert.equal(parsePythonInt(''), undefined);
  });
});

describe('help and -L (stdout, exit 0)', () => {
  test('--help prints optparse-style help', async () => {
    const r = await runTool(endpointsRun, ['--he']);
    assert.equal(r.code, 0);
    assert.equal(r.stderr, '');
    assert.equal(r.stdout, helpTextOf(queryCommandLine('esmond-ps-get-endpoints', 'rows', process.cwd()), {}));
    assert.match(
      r.stdout,
      /^Usage: esmond-ps-get-endpoints \[ -u URL -s SRC -d DEST \| -a AGENT \| -e EVENT \| -t TOOL \| -L \| -o FORMAT \| -v \]\n\nList what is measured where/,
    );
    assert.match(
      r.stdout,
      /\nOptions:\n {2}-h, --help {12}show this help message and exit\n {2}--version {13}show the program's version number and exit\n {2}-u URL, --url=URL {5}URL of esmond API you want to talk to\.\n/,
    );
    assert.doesNotMatch(r.stdout, /python-dateutil|receiveing/);
    assert.match(
      r.stdout,
      /\n {2}-a AGENT, --agent=AGENT\n {24}Host that initiated the test - useful for central MAs\.\n/,
    );
  });
  test('-L lists the original 33 first, then the other archive types; before any other check', async () => {
    const r = await runTool(getRun, ['-L', '-o', 'bogus']);
    assert.equal(r.code, 0);
    assert.equal(r.stderr, '');
    const lines = r.stdout.split('\n');
    assert.equal(lines[0], '');
    assert.equal(lines[1], 'Valid event types:');
    assert.equal(lines[2], '    failures');
    assert.equal(lines[34], '    time-error-estimates');
    assert.equal(lines.length, 2 + 49 + 1);
    assert.ok(lines.includes('    pscheduler-run-href'));
  });
});

describe('validation messages of the original tools (stderr, exit 255)', () => {
  const cases: Array<[string, string[], string]> = [
    // One line each, not buried above the whole help.
    [
      'no --url',
      ['-s', '10.0.0.1'],
      'esmond-ps-get: --url is required: the archive to ask, e.g. -u http://archive.example.net (--help lists every option)\n',
    ],
    [
      'get without --dest',
      [...U, '-s', '10.0.0.1', '-e', 'throughput'],
      'esmond-ps-get: --src and --dest args are both required (ntp-* event types only require --src) (--help lists every option)\n',
    ],
    [
      'get without --src',
      [...U, '-d', '10.0.0.1', '-e', 'ntp-offset'],
      'esmond-ps-get: --src and --dest args are both required (ntp-* event types only require --src) (--help lists every option)\n',
    ],
    [
      'bad --src host',
      [...U, '-s', 'bad host!', '-d', '10.0.0.2', '-e', 'throughput'],
      '--src arg had invalid hostname: bad host!\n',
    ],
    [
      'bad --dest host',
      [...U, '-s', '::1', '-d', 'bad_host!', '-e', 'throughput'],
      '--dest arg had invalid hostname: bad_host!\n',
    ],
    [
      'bad --agent host',
      [...U, '-s', '::1', '-d', '2001:db8::2', '-a', '-x-', '-e', 'throughput'],
      '--agent arg had invalid hostname: -x-\n',
    ],
    [
      'unknown event type',
      [...U, '-s', 'a', '-d', 'b', '-e', 'bogus'],
      'bogus is not a valid event type (-L lists all 49)\n',
    ],
    [
      'mistyped event type',
      [...U, '-s', 'a', '-d', 'b', '-e', 'throughputt'],
      'throughputt is not a valid event type; did you mean throughput? (-L lists all 49)\n',
    ],
    [
      'get without -e',
      [...U, '-s', 'a', '-d', 'b'],
      'esmond-ps-get: The --event-type arg is required. Use -L to see a list. (--help lists every option)\n',
    ],
    [
      'bad -T',
      [...U, '-s', 'a', '-d', 'b', '-e', 'throughput', '-T', 'max'],
      "max is not a valid --summary-type arg (one of: ['aggregation', 'average', 'statistics'])\n",
    ],
    [
      'bad -o',
      [...U, '-s', 'a', '-d', 'b', '-e', 'throughput', '-o', 'xml'],
      "xml is not a valid --output-format arg (one of: ['human', 'json', 'csv', 'ndjson'])\n",
    ],
    [
      'csv with -M',
      [...U, '-s', 'a', '-d', 'b', '-e', 'throughput', '-o', 'csv', '-M'],
      '--output-format csv can not be used with --metadata-extended\n',
    ],
    [
      'bad -S',
      [...U, '-s', 'a', '-d', 'b', '-e', 'throughput', '-S', 'garbage', '-E', '1700000000'],
      'could not parse --start-time arg: garbage: not a date or time (e.g. 2024-05-01, "2024-05-01 10:00 -05:00", "2 days ago", yesterday, 1714557600)\n',
    ],
    [
      'ambiguous -E',
      [...U, '-s', 'a', '-d', 'b', '-e', 'throughput', '-E', 'monday'],
      'could not parse --end-time arg: monday: "monday" could be last or next monday; say "last monday"\n',
    ],
    [
      'start after end (B23)',
      [...U, '-s', 'a', '-d', 'b', '-e', 'throughput', '-S', '2023-11-16', '-E', '2023-11-14'],
      '--start-time (2023-11-16 00:00:00) is later than --end-time (2023-11-14 00:00:00)\n',
    ],
    [
      '-F without colon',
      [...U, '-s', 'a', '-d', 'b', '-e', 'throughput', '-F', 'novalue'],
      '--filter arg novalue should be of the format key:value\n',
    ],
    [
      '-F internal attribute (B6)',
      [...U, '-s', 'a', '-d', 'b', '-e', 'throughput', '-F', 'verbose:1'],
      '--filter arg verbose is not a valid filtering value\n',
    ],
    [
      '-F bad time value',
      [...U, '-s', 'a', '-d', 'b', '-e', 'throughput', '-F', 'time-range:abc'],
      '--filter arg time-range:abc: the timestamp value abc is not a valid integer\n',
    ],
    [
      '-W without -T (B15)',
      [...U, '-s', 'a', '-d', 'b', '-e', 'throughput', '-W', '3600'],
      '--summary-window requires --summary-type (base data has no summary window)\n',
    ],
    [
      '-T on a type without summaries (B15)',
      [...U, '-s', 'a', '-d', 'b', '-e', 'packet-trace', '-T', 'average'],
      '--summary-type can not be used with event type packet-trace: it has no summaries\n',
    ],
    [
      '-T of a type the event type lacks',
      [...U, '-s', 'a', '-d', 'b', '-e', 'throughput', '-T', 'statistics'],
      'throughput has no statistics summaries (one of: aggregation, average)\n',
    ],
    [
      'url without scheme',
      ['-u', 'localhost:8085', '-s', 'a', '-d', 'b', '-e', 'throughput'],
      '--url arg must be an http:// or https:// URL: localhost:8085\n',
    ],
    ['--user without key', [...U, '--user', 'bob'], '--user requires --key (or ESMOND_KEY)\n'],
    ['non-positive timeout', [...U, '--timeout', '0'], '--timeout must be a positive number of seconds\n'],
  ];
  for (const [name, argv, expected] of cases) {
    test(name, async () => {
      const r = await runTool(name.includes('user') || name.includes('timeout') ? endpointsRun : getRun, argv);
      assert.equal(r.code, 255, r.stderr);
      assert.equal(r.stdout, '', 'nothing on stdout');
      assert.equal(r.stderr, expected);
    });
  }
  test('the validation order of the original tools: --url before --src, --src before -e, -T before -o, -S before -E', async () => {
    assert.match((await runTool(getRun, ['-e', 'bogus'])).stderr, /^esmond-ps-get: --url is required/);
    assert.match((await runTool(getRun, [...U, '-e', 'bogus'])).stderr, /^esmond-ps-get: --src and --dest/);
    assert.match(
      (await runTool(getRun, [...U, '-s', 'a', '-d', 'b', '-T', 'x', '-o', 'y'])).stderr,
      /^esmond-ps-get: The --event-type arg is required/,
    );
    assert.match(
      (await runTool(getRun, [...U, '-s', 'a', '-d', 'b', '-e', 'throughput', '-T', 'x', '-o', 'y'])).stderr,
      /^x is not a valid --summary-type/,
    );
    assert.match(
      (await runTool(getRun, [...U, '-s', 'a', '-d', 'b', '-e', 'throughput', '-S', 'x', '-E', 'y'])).stderr,
      /^could not parse --start-time arg: x/,
    );
  });
  test('URL trim notice goes to stderr', async () => {
    const r = await prepare(['-u', 'http://h:1/esmond/perfsonar/archive/']);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, '\n not necessary to add /esmond/perfsonar/archive to --url arg - trimming\n');
    assert.equal(r.settings?.client.url, 'http://h:1');
  });
});

describe('get-bulk requirements (the validation order of the original tools)', () => {
  test('-o human (the default) is refused in one line', async () => {
    const r = await prepare([...U], { requireOutput: true });
    assert.equal(r.code, 255);
    assert.equal(
      r.stderr,
      'esmond-ps-get-metadata: please specify either json, csv or ndjson --output-format for bulk output (--help lists every option)\n',
    );
  });
  test('a missing -D directory is refused with its absolute path', async () => {
    const r = await prepare([...U, '-o', 'csv', '-D', 'no/such/dir'], { requireOutput: true });
    assert.equal(r.code, 255);
    assert.equal(r.stderr, `output path ${process.cwd()}/no/such/dir does not exist.\n`);
  });
  test('-D defaults to the cwd and is returned absolute', async () => {
    const r = await prepare([...U, '-o', 'json'], { requireOutput: true });
    assert.equal(r.settings?.outputDirectory, process.cwd());
  });
});

describe('query building', () => {
  test('defaults: last 24 h, timeout 30 s, TLS verified, no credentials', async () => {
    const { settings } = await prepare([...U]);
    assert.ok(settings);
    assert.equal(settings.timeEnd, NOW_MS / 1000);
    assert.equal(settings.timeStart, NOW_MS / 1000 - 86400);
    // The metadata search is narrowed by the window's start only (time-updated: last write).
    assert.deepEqual(settings.metadataQuery, { timeStart: 1699963600 });
    assert.deepEqual(settings.dataQuery, { timeStart: 1699963600, timeEnd: 1700050000 });
    assert.equal(settings.client.timeoutMs, 30000);
    assert.equal(settings.client.tlsVerify, true);
    assert.equal(settings.client.credentials, undefined);
    assert.equal(settings.format, 'human');
  });
  test('flags map to the metadata query in the original order; IPv6 accepted (B5)', async () => {
    const { settings } = await prepare([
      ...U,
      '-s',
      '2001:db8::1',
      '-d',
      '::1',
      '-a',
      '10.0.0.1',
      '-e',
      'throughput',
      '-t',
      'bwctl/iperf3',
      '-T',
      'average',
      '-W',
      '86400',
      '-S',
      '2023-11-14',
      '-E',
      '2023-11-16',
    ]);
    assert.deepEqual(settings?.metadataQuery, {
      source: '2001:db8::1',
      destination: '::1',
      measurementAgent: '10.0.0.1',
      eventType: 'throughput',
      toolName: 'bwctl/iperf3',
      summaryType: 'average',
      summaryWindow: 86400,
      timeStart: 1699920000,
    });
  });
  test('-F splits at the first colon, takes dashed/underscored keys, free-form and time filters (B6)', async () => {
    const { settings } = await prepare([
      ...U,
      '-F',
      'input-source:host1',
      '-F',
      'ip_transport_protocol:tcp',
      '-F',
      'bw-parallel-streams:2',
      '-F',
      'source:2001:db8::5',
      '-F',
      'pscheduler-uri:http://x:8/y',
      '-F',
      'time-range:3600',
      '-F',
      'summary_window:60',
      '-F',
      'dns-match-rule:only-v6',
    ]);
    assert.deepEqual(settings?.metadataQuery, {
      inputSource: 'host1',
      source: '2001:db8::5',
      summaryWindow: 60,
      dnsMatchRule: 'only-v6',
      filters: [
        ['ip_transport_protocol', 'tcp'],
        ['bw-parallel-streams', '2'],
        ['pscheduler-uri', 'http://x:8/y'],
      ],
      timeStart: 1699963600,
      timeRange: 3600,
    });
    assert.equal(settings.dataQuery.timeRange, 3600);
  });
  test('credentials from flags or ESMOND_USER/ESMOND_KEY; --insecure and --no-ssl-verify; --timeout', async () => {
    let r = await prepare([...U, '--user', 'bob', '-k', 'sekrit', '--insecure', '--timeout', '5']);
    assert.deepEqual(r.settings?.client.credentials, { apiKey: 'sekrit', username: 'bob' });
    assert.equal(r.settings.client.tlsVerify, false);
    assert.equal(r.settings.client.timeoutMs, 5000);
    r = await prepare([...U, '--no-ssl-verify', '--ssl-verify']);
    assert.equal(r.settings?.client.tlsVerify, false);
    r = await prepare([...U, '--ssl-verify']);
    assert.equal(r.settings?.client.tlsVerify, true);
    const stdout = new PassThrough();
    const io: CliIo = {
      stdout,
      stderr: new PassThrough(),
      stdin: new PassThrough(),
      env: { ESMOND_USER: 'eve', ESMOND_KEY: 'k2' },
      now: () => NOW_MS,
      cwd: '/',
    };
    const s = await prepareQueryTool('esmond-ps-get-endpoints', [...U], io, {});
    assert.ok(!isQueryExit(s));
    assert.deepEqual(s.client.credentials, { apiKey: 'k2', username: 'eve' });
  });
  test('the key never appears in output or messages', async () => {
    const r = await runTool(metadataRun, [...U, '-k', 'sekrit-key', '--timeout', '1', '-S', '2023-11-14']);
    assert.equal(r.code, 1);
    assert.doesNotMatch(r.stderr + r.stdout, /sekrit-key/);
  });
});
