/**
 * The flags esmond-ps-get-bulk adds to the shared query options: they are taken out of argv
 * before the shared parser sees the rest (which knows only the original option set).
 * @module
 */

/** get-bulk's own flags (long form only; `--flag value` or `--flag=value`). */
export interface BulkFlags {
  force: boolean;
  resume: boolean;
  quiet: boolean;
  safeNames: boolean;
  report?: string;
  checkpoint?: string;
  concurrency?: number;
  window?: number;
  pageSize?: number;
}

interface BulkFlagDef {
  long: string;
  key: keyof BulkFlags;
  kind: 'flag' | 'string' | 'int';
  metavar?: string;
  help: string;
}

/** In `--help` order. */
export const BULK_FLAG_DEFS: readonly BulkFlagDef[] = [
  { long: '--force', key: 'force', kind: 'flag', help: 'Rewrite output files that already exist (default: skip them).' },
  { long: '--resume', key: 'resume', kind: 'flag', help: 'Continue an interrupted run from its checkpoint; the files come out as if never interrupted.' },
  { long: '--checkpoint', key: 'checkpoint', kind: 'string', metavar: 'FILE', help: 'Checkpoint file (default: OUTPUT_DIR/.esmond-ps-get-bulk.checkpoint.json).' },
  { long: '--report', key: 'report', kind: 'string', metavar: 'FILE', help: 'Write the completeness report as JSON to FILE.' },
  { long: '--concurrency', key: 'concurrency', kind: 'int', metavar: 'N', help: 'Series fetched at the same time (default: 2, at most 16).' },
  { long: '--window', key: 'window', kind: 'int', metavar: 'SECONDS', help: 'Initial time window per request; adapts to the data (default: 86400).' },
  { long: '--page-size', key: 'pageSize', kind: 'int', metavar: 'N', help: 'Points per request, 1..10000 (default: 10000; lowered to 1000 if the archive refuses).' },
  { long: '--quiet', key: 'quiet', kind: 'flag', help: 'No progress output; the report only when something failed.' },
  { long: '--safe-names', key: 'safeNames', kind: 'flag', help: 'Replace ":" in file names (IPv6 addresses) with "-", for scp and Windows.' },
];

/** Short options of the shared set that take a value (their value is never one of our flags). */
export type ValueTaking = (arg: string) => boolean;

/** The outcome of {@link splitBulkFlags}. */
export type SplitResult = { kind: 'ok'; flags: BulkFlags; rest: string[] } | { kind: 'error'; message: string };

/**
 * Takes get-bulk's flags out of `argv`. `takesValue(option)` says whether a shared option
 * consumes the next argument (so `-F --force` keeps `--force` as the filter's value).
 */
export function splitBulkFlags(argv: readonly string[], takesValue: ValueTaking): SplitResult {
  const flags: BulkFlags = { force: false, resume: false, quiet: false, safeNames: false };
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === undefined) break;
    if (arg === '--') {
      rest.push(...argv.slice(i));
      break;
    }
    const eq = arg.indexOf('=');
    const name = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
    const def = BULK_FLAG_DEFS.find((d) => d.long === name);
    if (!def) {
      rest.push(arg);
      const value = argv[i + 1];
      if (!arg.includes('=') && takesValue(arg) && value !== undefined) {
        rest.push(value);
        i++;
      }
      continue;
    }
    if (def.kind === 'flag') {
      if (eq > 0) return { kind: 'error', message: `${def.long} option does not take a value` };
      (flags as unknown as Record<string, unknown>)[def.key] = true;
      continue;
    }
    let value: string | undefined;
    if (eq > 0) value = arg.slice(eq + 1);
    else if (i + 1 < argv.length) value = argv[++i];
    if (value === undefined) return { kind: 'error', message: `${def.long} option requires 1 argument` };
    if (def.kind === 'int') {
      if (!/^\s*\d+\s*$/.test(value)) return { kind: 'error', message: `option ${def.long}: invalid integer value: '${value}'` };
      (flags as unknown as Record<string, unknown>)[def.key] = Number(value);
    } else (flags as unknown as Record<string, unknown>)[def.key] = value;
  }
  return { kind: 'ok', flags, rest };
}

/** Words of `text` in lines of at most `width` characters. */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  if (line !== '') lines.push(line);
  return lines;
}

/** The help section of get-bulk's own flags (appended to the shared `--help`, same layout). */
export function bulkFlagsHelp(): string {
  const indent = 24;
  const lines = BULK_FLAG_DEFS.map((d) => {
    const left = `  ${d.long}${d.metavar ? `=${d.metavar}` : ''}`;
    const body = wrap(d.help, 79 - indent).map((l) => ' '.repeat(indent) + l);
    if (left.length <= indent - 2) body[0] = left.padEnd(indent) + (body[0] ?? '').trimStart();
    else body.unshift(left);
    return body.join('\n');
  });
  const notes = wrap(
    'Files are named <source>_<destination>_<event-type>_<start-date>_<end-date>.<csv|json|ndjson>. ' +
      'When several series would get the same name, each of them gets its tool name after the event type ' +
      '(..._failures_pscheduler-ping_...); those of the same tool also get _<first 8 characters of the metadata key> ' +
      '(the whole key if that is not enough) before the extension. Files are written as <name>.part and renamed ' +
      'when complete; existing files are skipped unless --force. Progress and the completeness report go to ' +
      'stderr. Ctrl-C stops at once and says how far the run got; --resume continues it. Exit status 1 when any series failed.',
    79,
  );
  return `\nBulk export options:\n${lines.join('\n')}\n\n${notes.join('\n')}\n`;
}
