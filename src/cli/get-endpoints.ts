/**
 * esmond-ps-get-endpoints: one row per matching metadata with its endpoints, tool and every event
 * type on it (client spec §1.5, §3.4).
 * @module
 */
import { createRowWriter, type Row } from '../format/index.js';
import type { Metadata } from '../query/types.js';
import type { ToolMain } from './io.js';
import { isQueryExit, prepareQueryTool } from './query-options.js';
import { applyHostnames, clientFor, hostnamesFor, reportFailure, trace, traceSearch, type QueryToolDeps } from './query-tool.js';

const PROG = 'esmond-ps-get-endpoints';
/** Output columns, in order. */
export const ENDPOINT_COLUMNS = ['source', 'destination', 'measurement_agent', 'tool_name', 'event_type'];
/** Metadata rows are written in batches of this many (reverse DNS runs concurrently per batch). */
const BATCH = 200;

/** The row of one metadata (IPs not yet converted). */
export function endpointRow(md: Metadata): Row {
  return {
    source: md.source ?? null,
    destination: md.destination ?? null,
    measurement_agent: md.measurementAgent ?? null,
    tool_name: md.toolName ?? null,
    event_type: md.eventTypes.map((e) => e.eventType),
  };
}

/** The tool with injectable dependencies (tests). */
export function createRun(deps: QueryToolDeps = {}): ToolMain {
  return async (argv, io) => {
    const s = await prepareQueryTool(PROG, argv, io, {}, deps);
    if (isQueryExit(s)) return s.exitCode;
    const names = hostnamesFor(s, io, deps);
    const writer = createRowWriter(s.format, io.stdout, ENDPOINT_COLUMNS, { extended: s.extended });
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
        batch.push(endpointRow(md));
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

/** esmond-ps-get-endpoints. */
export const run: ToolMain = createRun();
