/**
 * Recognises `bwctl … --parsable --verbose` output (stdout and stderr merged) as the original
 * pipe does (the original esmond-ps-pipe): the tool name, the sender and receiver addresses, and the JSON
 * block between `bwctl: start_tool:` and `bwctl: stop_tool:`. Unlike the original, `local`
 * sender/receiver lines count too (B27).
 * @module
 */

/** What the bwctl output says. */
export interface BwctlRun {
  toolName: string;
  inputSource: string;
  inputDestination: string;
  /** The tool's JSON output, parsed. */
  json: unknown;
}

/** Extraction problems, each a message in the original's words where it had one. */
export type ExtractResult = { ok: true; run: BwctlRun } | { ok: false; errors: string[] };

const USING = /^bwctl: Using (\S+) as the address for (?:local|remote) (sender|receiver)\s*$/;

/** Reads the whole bwctl output. */
export function extractBwctl(text: string): ExtractResult {
  let toolName: string | undefined;
  let inputSource: string | undefined;
  let inputDestination: string | undefined;
  let sawStart = false;
  let scanning = false;
  let verbose = false;
  const block: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '');
    if (line.trim() === '') continue;
    if (!scanning && !line.startsWith('bwctl:')) continue;
    if (line.startsWith('bwctl: Using tool:')) {
      toolName = line.trim().split(/\s+/)[3];
      continue;
    }
    const using = USING.exec(line.trim());
    if (using) {
      if (using[2] === 'sender') inputSource = using[1];
      else inputDestination = using[1];
      continue;
    }
    if (line.startsWith('bwctl: stop_tool:')) {
      verbose = true;
      if (scanning) break;
      continue;
    }
    if (scanning) {
      block.push(line);
      continue;
    }
    if (line.startsWith('bwctl: start_tool:')) {
      sawStart = true;
      verbose = true;
      scanning = true;
    }
  }
  const errors: string[] = [];
  if (!sawStart) errors.push('did not find bwctl: start_tool token to extract JSON from output');
  if (!verbose) errors.push('bwctl must be run with the --verbose flag');
  if (toolName === undefined) errors.push('could not extract tool_name');
  if (inputSource === undefined) errors.push('could not extract input_source');
  if (inputDestination === undefined) errors.push('could not extract input_destination');
  let json: unknown;
  if (sawStart) {
    const textBlock = block.join('\n');
    try {
      if (textBlock.trim() === '') throw new Error('empty');
      json = JSON.parse(textBlock);
    } catch {
      errors.push(`could not load json_block: ${textBlock.slice(0, 200)}`);
    }
  }
  // (a missing field has already added its error: the checks only tell TypeScript so)
  if (errors.length > 0 || toolName === undefined || inputSource === undefined || inputDestination === undefined)
    return { ok: false, errors };
  return { ok: true, run: { toolName, inputSource, inputDestination, json } };
}
