/**
 * every tool has `--version`, a `--help` that starts with a one-line description
 * and two examples (golden files: a change is deliberate, `UPDATE_GOLDEN=1`), suggests the right
 * flag for a typo, and says what is missing in one line.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { run as archiveRun } from '../../src/cli/archive.js';
import { run as bulkRun } from '../../src/cli/get-bulk.js';
import { run as endpointsRun } from '../../src/cli/get-endpoints.js';
import { run as metadataRun } from '../../src/cli/get-metadata.js';
import { run as getRun } from '../../src/cli/get.js';
import type { ToolMain } from '../../src/cli/io.js';
import { run as gridftpRun } from '../../src/cli/load-gridftp.js';
import { run as pschedulerRun } from '../../src/cli/load-pscheduler.js';
import { run as pipeRun } from '../../src/cli/pipe.js';
import { run as viewRun } from '../../src/cli/view.js';
import { VERSION } from '../../src/http/version.js';
import { TOOL_HELP, type ToolName } from '../../src/cli/tool-help.js';
import { runCaptured } from '../helpers/capture-io.js';
import { checkGolden } from '../helpers/golden.js';

const TOOLS: ReadonlyArray<[ToolName, ToolMain]> = [
  ['esmond-ps-get', getRun],
  ['esmond-ps-get-bulk', bulkRun],
  ['esmond-ps-get-endpoints', endpointsRun],
  ['esmond-ps-get-metadata', metadataRun],
  ['esmond-ps-load-gridftp', gridftpRun],
  ['esmond-ps-load-pscheduler', pschedulerRun],
  ['esmond-ps-pipe', pipeRun],
  ['esmond-ps-archive', archiveRun],
  ['esmond-ps-view', viewRun],
];
/** A fixed working directory: get-bulk's help shows it as the -D default. */
const CWD = '/srv/export';

describe('--help and --version of every tool', () => {
  for (const [tool, main] of TOOLS) {
    test(`${tool} --help: description, two examples, golden`, async () => {
      const r = await runCaptured(main, ['--help'], { cwd: CWD, env: {} });
      assert.equal(r.code, 0, r.err);
      const h = TOOL_HELP[tool];
      assert.ok(r.out.includes(`${h.description}\n`), 'the one-line description');
      assert.equal(h.examples.length, 2);
      for (const e of h.examples) assert.ok(r.out.includes(`  ${e}\n`), e);
      assert.doesNotMatch(r.out, /python-dateutil|receiveing/);
      checkGolden(`${tool}/help.txt`, r.out);
    });
    test(`${tool} --version`, async () => {
      const r = await runCaptured(main, ['--version'], { cwd: CWD });
      assert.equal(r.code, 0, r.err);
      assert.equal(r.out, `${tool} (esmond-client) ${VERSION}\n`);
    });
  }
  test('the three query tools no longer print the same help', async () => {
    const texts = await Promise.all(
      [getRun, endpointsRun, metadataRun].map(async (m) => (await runCaptured(m, ['--help'])).out),
    );
    assert.equal(new Set(texts).size, 3);
  });
  for (const command of ['serve', 'add-user', 'disable-user', 'list-users', 'seed', 'import']) {
    test(`esmond-ps-archive ${command} --help, and help ${command}: golden`, async () => {
      const r = await runCaptured(archiveRun, [command, '--help'], { cwd: CWD, env: {} });
      assert.equal(r.code, 0, r.err);
      assert.ok(r.out.startsWith(`Usage: esmond-ps-archive ${command} `), r.out);
      checkGolden(`esmond-ps-archive/${command}-help.txt`, r.out);
      const viaHelp = await runCaptured(archiveRun, ['help', command], { cwd: CWD, env: {} });
      assert.equal(viaHelp.code, 0, viaHelp.err);
      assert.equal(viaHelp.out, r.out);
    });
  }
  test('get-bulk --help states the real -o rule (no default)', async () => {
    const r = await runCaptured(bulkRun, ['--help'], { cwd: CWD });
    assert.match(r.out, /Output format of the files \[csv, json, ndjson\] -\s+required, there is no default\./);
    assert.doesNotMatch(r.out, /default: human/);
  });
});

describe('flag typos suggest the right flag in every tool', () => {
  const CASES: ReadonlyArray<[ToolName, ToolMain, string[], RegExp]> = [
    ['esmond-ps-get', getRun, ['--urll', 'x'], /error: no such option: --urll \(did you mean --url\?\)\n$/],
    ['esmond-ps-get-endpoints', endpointsRun, ['--toool', 'x'], /did you mean --tool\?/],
    [
      'esmond-ps-get-metadata',
      metadataRun,
      ['--insecrue'],
      /error: no such option: --insecrue \(did you mean --insecure\?\)/,
    ],
    ['esmond-ps-get-bulk', bulkRun, ['--forse'], /error: no such option: --forse \(did you mean --force\?\)/],
    ['esmond-ps-get-bulk', bulkRun, ['--resme'], /did you mean --resume\?/],
    ['esmond-ps-load-gridftp', gridftpRun, ['--fiel', 'x'], /did you mean --file\?/],
    ['esmond-ps-load-pscheduler', pschedulerRun, ['--strat', '0'], /did you mean --start\?/],
    ['esmond-ps-pipe', pipeRun, ['--agnet', 'x'], /did you mean --agent\?/],
    [
      'esmond-ps-archive',
      archiveRun,
      ['serve', '--prot', '1'],
      /serve: error: no such option: --prot \(did you mean --port\?\)\n$/,
    ],
    ['esmond-ps-archive', archiveRun, ['serv'], /error: no such command: serv \(did you mean serve\?\)\n$/],
    ['esmond-ps-view', viewRun, ['--bogus'], /esmond-ps-view: error: no such option: --bogus\n$/],
  ];
  for (const [tool, main, argv, expected] of CASES) {
    test(`${tool} ${argv.join(' ')}`, async () => {
      const r = await runCaptured(main, argv);
      assert.equal(r.code, 2, r.err);
      assert.equal(r.out, '');
      assert.match(r.err, expected);
    });
  }
  test('something far from every flag gets no suggestion', async () => {
    const r = await runCaptured(getRun, ['--zzzzzzzz']);
    assert.match(r.err, /no such option: --zzzzzzzz\n$/);
  });
});

describe('flags are read left to right, as optparse reads them, in every optparse tool', () => {
  const OPTPARSE_TOOLS = TOOLS.filter(([tool]) => tool !== 'esmond-ps-archive' && tool !== 'esmond-ps-view');
  for (const [tool, main] of OPTPARSE_TOOLS) {
    test(`${tool}: -h before an unknown flag prints the help; after it, the flag is the error`, async () => {
      const help = await runCaptured(main, ['-h', '--bogus'], { cwd: CWD, env: {} });
      assert.equal(help.code, 0, help.err);
      assert.match(help.out, /^Usage: /);
      assert.equal(help.err, '');
      for (const argv of [
        ['--bogus', '-h'],
        ['-x', '--help'],
      ]) {
        const r = await runCaptured(main, argv, { cwd: CWD, env: {} });
        assert.equal(r.code, 2, `${argv.join(' ')}: ${r.err}`);
        assert.equal(r.out, '');
        assert.match(
          r.err,
          new RegExp(`\\n${tool}: error: no such option: ${argv[0] ?? ''}( \\(did you mean .*\\))?\\n$`),
        );
      }
    });
  }
  test('a prefix of several added flags is ambiguous (get-bulk --re), a unique one is the flag (get --re)', async () => {
    const bulk = await runCaptured(bulkRun, ['--re'], { cwd: CWD });
    assert.equal(bulk.code, 2, bulk.err);
    assert.match(
      bulk.err,
      /\nesmond-ps-get-bulk: error: ambiguous option: --re \(--report, --resume, --retries\?\)\n$/,
    );
    // esmond-ps-get has only --retries: the prefix takes its value and validation goes on (no --url).
    const get = await runCaptured(getRun, ['--re', '2'], { cwd: CWD });
    assert.equal(get.code, 255, get.err);
    assert.match(get.err, /--url is required/);
    const badValue = await runCaptured(getRun, ['--re', 'x'], { cwd: CWD });
    assert.match(badValue.err, /error: option --retries: invalid integer value: 'x'\n$/);
  });
});
