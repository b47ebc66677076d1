/**
 * The start the three loaders share (startLoader): optparse errors and a URL the client refuses
 * end with the tool's usage and status 2, nothing on stdout; flags a tool lacks stay unknown to it.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeLoadGridftp } from '../../src/cli/load-gridftp.js';
import { makeLoadPscheduler } from '../../src/cli/load-pscheduler.js';
import { makePipe } from '../../src/cli/pipe.js';
import type { CliIo, ToolMain } from '../../src/cli/io.js';
import { runCaptured } from '../helpers/capture-io.js';

const run = (
  main: ToolMain,
  argv: string[],
  env: CliIo['env'] = {},
): Promise<{ code: number; out: string; err: string }> => runCaptured(main, argv, { env, cwd: tmpdir() });

const noDns = async () => undefined;
const TOOLS = [
  {
    prog: 'esmond-ps-load-gridftp',
    usage: 'esmond-ps-load-gridftp [ -f filename | -v ]',
    main: makeLoadGridftp({ resolve: noDns }),
    needs: ['-f', '/dev/null', '-d'],
  },
  {
    prog: 'esmond-ps-pipe',
    usage: ' bwctl ... |& esmond-ps-pipe [ -u USER -k API_KEY | -U ESMOND_REST_URL | -v ]',
    main: makePipe(),
    needs: ['-u', 'u', '-k', 'k'],
  },
  {
    prog: 'esmond-ps-load-pscheduler',
    usage: 'esmond-ps-load-pscheduler [-U URL] [-u USER] [-k KEY] [FILE...]',
    main: makeLoadPscheduler({ resolve: noDns }),
    needs: [],
  },
];

describe('the loaders start alike', () => {
  for (const t of TOOLS) {
    test(`${t.prog}: an unknown option`, async () => {
      const r = await run(t.main, ['--bogus']);
      assert.deepStrictEqual(r, {
        code: 2,
        out: '',
        err: `Usage: ${t.usage}\n\n${t.prog}: error: no such option: --bogus\n`,
      });
    });
    test(`${t.prog}: a URL the client refuses`, async () => {
      const r = await run(t.main, [...t.needs, '-U', 'not a url']);
      assert.equal(r.code, 2);
      assert.equal(r.out, '');
      assert.match(r.err, new RegExp(`^Usage: .*\\n\\n${t.prog}: error: Invalid archive URL: not a url \\(`));
    });
  }
  test('esmond-ps-load-pscheduler has no -l', async () => {
    const r = await run(TOOLS[2]!.main, ['-l', tmpdir()]);
    assert.equal(r.code, 2);
    assert.match(r.err, /esmond-ps-load-pscheduler: error: no such option: -l\n$/);
  });
});

describe('esmond-ps-load-gridftp warns when posts go out without a key', () => {
  const cases: [string, string[], CliIo['env'], boolean][] = [
    ['no -k, no ESMOND_KEY', [], {}, true],
    ['-k ""', ['-k', ''], {}, true],
    ['ESMOND_KEY', [], { ESMOND_KEY: 'k' }, false],
    ['-k', ['-k', 'k'], {}, false],
  ];
  for (const [name, extra, env, warns] of cases) {
    test(name, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'gridftp-key-'));
      try {
        const log = join(dir, 'empty.log');
        writeFileSync(log, '');
        const r = await run(TOOLS[0]!.main, ['-f', log, '-p', join(dir, 's.json'), '-d', '-P', ...extra], env);
        assert.equal(r.code, 0, r.err);
        assert.equal(r.err.includes('event=main.warn id=0 api_key not set (-k or ESMOND_KEY)'), warns, r.err);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});
