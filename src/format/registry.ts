/**
 * The output formats, looked up by name. Adding a format is one module in `formatters/` and one
 * line here; the query tools' `-o` accepts it, and esmond-ps-get-bulk when its `file` is true.
 * The order is the one `--output-format` errors list.
 * @module
 */
import { csv } from './formatters/csv.js';
import { human } from './formatters/human.js';
import { json } from './formatters/json.js';
import { ndjson } from './formatters/ndjson.js';
import type { OutputFormatter } from './formatters/types.js';

const FORMATTERS = [human, json, csv, ndjson] as const;

type Registered = (typeof FORMATTERS)[number];

/** Output format names of the query tools. */
export type OutputFormat = Registered['name'];
/** Formats esmond-ps-get-bulk writes files in. */
export type FileFormat = Extract<Registered, { file: true }>['name'];

/** Every output format name, in registry order. */
export const OUTPUT_FORMATS: readonly OutputFormat[] = FORMATTERS.map((f) => f.name);
/** The formats esmond-ps-get-bulk can write, in registry order. */
export const FILE_FORMATS: readonly FileFormat[] = FORMATTERS.filter(
  (f): f is Extract<Registered, { file: true }> => f.file,
).map((f) => f.name);

const BY_NAME: ReadonlyMap<string, OutputFormatter> = new Map(FORMATTERS.map((f) => [f.name, f]));

/** True when `name` is a registered output format. */
export function isOutputFormat(name: string): name is OutputFormat {
  return BY_NAME.has(name);
}

/** The formatter of a registered format. */
export function formatterFor(name: OutputFormat): OutputFormatter {
  const f = BY_NAME.get(name);
  if (f === undefined) throw new Error(`unknown output format ${name}`);
  return f;
}
