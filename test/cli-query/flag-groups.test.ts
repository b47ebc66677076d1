/**
 * The reading tools' and the loaders' flag tables are made of shared groups: a flag added to a
 * group is in every tool of that family, parsed and validated the same way. `--archive` (in the
 * connection group) is the example: every reading tool refuses a bad value with one message.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FlagDef } from '../../src/cli/flags.js';
import { run as getRun } from '../../src/cli/get.js';
import { run as bulkRun } from '../../src/cli/get-bulk.js';
import { run as endpointsRun } from '../../src/cli/get-endpoints.js';
import { run as metadataRun } from '../../src/cli/get-metadata.js';
import type { ToolMain } from '../../src/cli/io.js';
import { run as gridftpRun } from '../../src/cli/load-gridftp.js';
import { run as pschedulerRun } from '../../src/cli/load-pscheduler.js';
import { ARCHIVE_FLAGS } from '../../src/cli/loader-options.js';
import { run as pipeRun } from '../../src/cli/pipe.js';
import { run as plotRun } from '../../src/cli/plot.js';
import {
  BULK_FLAGS,
  CONNECTION_FLAGS,
  DISPLAY_FLAGS,
  queryCommandLine,
  SELECTION_FLAGS,
  type QueryToolKind,
} from '../../src/cli/query-flags.js';
import { runTool } from './run-tool.js';
import { runCaptured } from '../helpers/capture-io.js';

const KINDS: readonly QueryToolKind[] = ['rows', 'chart-rows', 'files', 'chart-file'];

/** No two flags of a table are spelled alike (a long name or a short letter used twice). */
function assertUniqueSpellings(table: readonly FlagDef[]): void {
  const longs = table.map((d) => d.long);
  assert.equal(new Set(longs).size, longs.length, `long names: ${longs.join(' ')}`);
  const shorts = table.flatMap((d) => (d.short !== undefined ? [d.short] : []));
  assert.equal(new Set(shorts).size, shorts.length, `short names: ${shorts.join(' ')}`);
}

describe('reading tools: one table each, made of the shared groups', () => {
  for (const kind of KINDS) {
    test(`${kind}: every flag of every group, once`, () => {
      const { flags } = queryCommandLine('esmond-ps-x', kind, '/');
      for (const def of [...SELECTION_FLAGS, ...DISPLAY_FLAGS, ...CONNECTION_FLAGS])
        assert.ok(flags.includes(def), def.long);
      assert.equal(
        BULK_FLAGS.every((d) => flags.includes(d)),
        kind === 'files',
      );
      assertUniqueSpellings(flags);
    });
  }

  test('--archive of the connection group reaches every reading tool', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'esmond-flag-groups-'));
    try {
      const U = ['-u', 'http://127.0.0.1:9'];
      const runs: ReadonlyArray<[string, ToolMain, string[]]> = [
        ['esmond-ps-get', getRun, [...U, '-s', 'a', '-d', 'b', '-e', 'throughput']],
        ['esmond-ps-get-endpoints', endpointsRun, U],
        ['esmond-ps-get-metadata', metadataRun, U],
        ['esmond-ps-get-bulk', bulkRun, [...U, '-o', 'csv', '-D', dir]],
        ['esmond-ps-plot', plotRun, [...U, '-e', 'throughput', '-o', join(dir, 'x.svg')]],
      ];
      for (const [tool, main, argv] of runs) {
        const r = await runTool(main, [...argv, '--arch', 'mysql']);
        assert.equal(r.code, 255, `${tool}: ${r.stderr}`);
        assert.equal(r.stderr, '--archive must be one of auto, esmond, opensearch: mysql\n', tool);
        assert.match(
          (await runTool(main, ['--help'])).stdout,
          /\n {2}--archive=ARCHIVE {5}Archive type \[auto, esmond, opensearch\]/,
          tool,
        );
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('loaders: the archive group in each, with its spellings', () => {
  for (const [tool, main] of [
    ['esmond-ps-load-gridftp', gridftpRun],
    ['esmond-ps-load-pscheduler', pschedulerRun],
    ['esmond-ps-pipe', pipeRun],
  ] as const) {
    test(tool, async () => {
      const help = (await runCaptured(main, ['--help'])).out;
      for (const def of ARCHIVE_FLAGS as readonly FlagDef[]) {
        assert.ok(
          help.includes(`  ${def.short !== undefined ? `${def.short} ${def.metavar ?? ''}, ` : ''}${def.long}`),
          def.long,
        );
      }
      const r = await runCaptured(main, ['--script_alias']);
      assert.equal(r.code, 2);
      assert.equal(r.err.split('\n').at(-2), `${tool}: error: --script_alias option requires 1 argument`);
    });
  }
});
