/**
 * esmond-ps-get-endpoints: one row per matching metadata with its endpoints, tool and every event
 * type on it (the original's tool descriptions; the original's columns per event type).
 * @module
 */
import type { Row } from '../format/index.js';
import type { Metadata } from '../query/types.js';
import type { ToolMain } from './io.js';
import { metadataListingTool, type QueryToolDeps } from './query-tool.js';

const PROG = 'esmond-ps-get-endpoints';
/** Output columns, in order. */
export const ENDPOINT_COLUMNS = ['source', 'destination', 'measurement_agent', 'tool_name', 'event_type'];

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
export const createRun: (deps?: QueryToolDeps) => ToolMain = metadataListingTool(PROG, ENDPOINT_COLUMNS, (md) =>
  endpointRow(md),
);

/** esmond-ps-get-endpoints. */
export const run: ToolMain = createRun();
