/**
 * esmond-ps-get-metadata: one row per matching metadata; with `-M` every metadata field except
 * `event-types`, `uri` and `metadata-key`, underscored and sorted (client spec §1.5, §5.4).
 * @module
 */
import { createRowWriter, type Row } from '../format/index.js';
import type { Metadata } from '../query/types.js';
import type { ToolMain } from './io.js';
import { isQueryExit, prepareQueryTool } from './query-options.js';
import { applyHostnames, clientFor, hostnamesFor, reportFailure, trace, traceSearch, type QueryToolDeps } from './query-tool.js';

const PROG = 'esmond-ps-get-metadata';
/** Output columns, in order (with `-M` the human format prints the other keys after them). */
export const METADATA_COLUMNS = ['source', 'destination', 'measurement_agent', 'input_source', 'input_destination', 'tool_name'];
const BATCH = 200;
const HIDDEN_IN_EXTENDED = new Set(['event-types', 'uri', 'metadata-key']);

/** The row of one metadata (IPs not yet converted). */
export function metadataRow(md: Metadata, extended: boolean): Row {
  if (!extended) {
    return {
      source: md.source ?? null,
      destination: md.destination ?? null,
      measurement_agent: md.measurementAgent ?? null,
      input_source: md.inputSource ?? null,
      input_destination: md.inputDestination ?? null,
      tool_name: md.toolName ?? null,
    };
  }
  const entries = Object.entries(md.raw)
    .filter(([k]) => !HIDDEN_IN_EXTENDED.has(k))
    .map(([k, v]) => [k.replace(/-/g, '_'), v ?? null] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(entries);
}

/** The tool with injectable dependencies (tests). */
export function createRun(deps: QueryToolDeps = {}): ToolMain {
  return async (argv, io) => {
    const s = await prepareQueryTool(PROG, argv, io, {}, deps);
    if (isQueryExit(s)) return s.exitCode;
    const names = hostnamesFor(s, io, deps);
    const writer = createRowWriter(s.format, io.stdout, METADATA_COLUMNS, { extended: s.extended });
    let client;
    try {
      client = clientFor(s, deps);
      let batch: Row[] = [];
      const flush = async (): Promise<void> => {
        await applyHostnames(batch, names);
        await writer.write(batch);
        batch = [];
      };
      traceSearch(io, s, client);
      let total = 0;
      for await (const md of client.searchMetadata(s.metadataQuery)) {
        total++;
        batch.push(metadataRow(md, s.extended));
        if (batch.length >= BATCH) await flush();
      }
      await flush();
      trace(io, s, `final result count: ${total}`);
      await writer.end();
      return 0;
    } catch (err) {
      return reportFailure(PROG, io, err);
    } finally {
      await client?.close();
    }
  };
}

/** esmond-ps-get-metadata. */
export const run: ToolMain = createRun();
