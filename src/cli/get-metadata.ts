/**
 * esmond-ps-get-metadata: one row per matching metadata; with `-M` every metadata field except
 * `event-types`, `uri` and `metadata-key`, underscored and sorted (the original's tool descriptions; the original's filters).
 * @module
 */
import type { Row } from '../format/index.js';
import type { Metadata } from '../query/types.js';
import type { ToolMain } from './io.js';
import { metadataListingTool, type QueryToolDeps } from './query-tool.js';

const PROG = 'esmond-ps-get-metadata';
/** Output columns, in order (with `-M` the human format prints the other keys after them). */
export const METADATA_COLUMNS = [
  'source',
  'destination',
  'measurement_agent',
  'input_source',
  'input_destination',
  'tool_name',
];
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
export const createRun: (deps?: QueryToolDeps) => ToolMain = metadataListingTool(PROG, METADATA_COLUMNS, (md, s) =>
  metadataRow(md, s.extended),
);

/** esmond-ps-get-metadata. */
export const run: ToolMain = createRun();
