/**
 * optparse's reading of argv, the first step of flags.ts's parser: expands unique prefixes of long
 * options (`--ur` → `--url`), splits `--opt=value`, unpacks short clusters (`-Iv`, `-uURL`),
 * checks integer values, and reports errors with optparse's exact messages. Arguments are read
 * left to right and the first of `-h/--help`, `--version` or an error ends the reading, as in
 * optparse. The result is a canonical argv (`--long=value` / `--long`) and the positional arguments.
 *
 * Options added by this successor are matched only when no original option fits a prefix, so
 * every abbreviation that worked with the original (`--u`, `--i`) still means what it meant.
 * @module
 */
import { pyStrRepr } from '../model/python-str.js';
import { closest } from './suggest.js';

/** What the pre-pass needs to know about one option. */
export interface ArgSpec {
  /** `-u`, if the option has a short form. */
  short?: string;
  /** `--url`. */
  long: string;
  takesValue: boolean;
  /** An integer value: optparse `type="int"` (`python`: Python's int syntax) or plain `digits`. */
  int?: 'python' | 'digits';
  /** Part of the original tool's option set (wins prefix matching). */
  original: boolean;
  /** `-h/--help`: stops processing at once. */
  help?: boolean;
  /** `--version`: stops processing at once. */
  version?: boolean;
}

/** The outcome of {@link normalizeArgv}. */
export type Normalized =
  | { kind: 'ok'; argv: string[]; positional: string[] }
  | { kind: 'help' }
  | { kind: 'version' }
  | { kind: 'error'; message: string };

/** Python `int(text, radix)` as optparse's `_parse_num` calls it (0x/0b/leading-0 octal). */
export function parsePythonInt(text: string): number | undefined {
  const t = text.trim();
  let radix = 10;
  let body = t;
  if (t.slice(0, 2).toLowerCase() === '0x') radix = 16;
  else if (t.slice(0, 2).toLowerCase() === '0b') {
    radix = 2;
    body = t.slice(2) || '0';
  } else if (t.startsWith('0')) radix = 8;
  const digits: Record<number, RegExp> = {
    10: /^[+-]?\d+(_\d+)*$/,
    8: /^[+-]?(0[oO]?)?_?[0-7]+(_[0-7]+)*$/,
    16: /^[+-]?0[xX]_?[0-9a-fA-F]+(_[0-9a-fA-F]+)*$/,
    2: /^[+-]?[01]+(_[01]+)*$/,
  };
  if (!digits[radix]?.test(body)) return undefined;
  const clean = body.replace(/_/g, '').replace(/^([+-]?)0[xXoObB]?/, '$1');
  const n = parseInt(clean === '' || clean === '+' || clean === '-' ? '0' : clean, radix);
  return Number.isSafeInteger(n) ? n : undefined;
}

/** Resolves a typed long option against the specs, optparse `_match_abbrev` style. */
export function matchLong(typed: string, specs: readonly ArgSpec[]): ArgSpec | string {
  const exact = specs.find((s) => s.long === typed);
  if (exact) return exact;
  for (const tier of [specs.filter((s) => s.original), specs.filter((s) => !s.original)]) {
    const hits = tier.filter((s) => s.long.startsWith(typed));
    if (hits.length === 1 && hits[0]) return hits[0];
    if (hits.length > 1) {
      return `ambiguous option: ${typed} (${hits
        .map((h) => h.long)
        .sort()
        .join(', ')}?)`;
    }
  }
  const near = closest(
    typed,
    specs.map((s) => s.long),
  );
  return `no such option: ${typed}${near !== undefined ? ` (did you mean ${near}?)` : ''}`;
}

/**
 * Normalises argv like optparse would parse it, or returns optparse's error message (the caller
 * prints usage + `<prog>: error: <message>` and exits 2).
 */
export function normalizeArgv(argv: readonly string[], specs: readonly ArgSpec[]): Normalized {
  const out: string[] = [];
  const positional: string[] = [];
  const rest = [...argv];
  const emit = (spec: ArgSpec, typed: string, value: string | undefined): string | undefined => {
    if (value === undefined) {
      out.push(spec.long);
      return undefined;
    }
    const valid =
      spec.int === 'python'
        ? parsePythonInt(value) !== undefined
        : spec.int === 'digits'
          ? /^\s*\d+\s*$/.test(value)
          : true;
    if (!valid) return `option ${typed}: invalid integer value: ${pyStrRepr(value)}`;
    out.push(`${spec.long}=${value}`);
    return undefined;
  };
  while (rest.length > 0) {
    const arg = rest.shift() as string;
    if (arg === '--') {
      positional.push(...rest);
      break;
    }
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const typed = eq >= 0 ? arg.slice(0, eq) : arg;
      const spec = matchLong(typed, specs);
      if (typeof spec === 'string') return { kind: 'error', message: spec };
      if (spec.help) return { kind: 'help' };
      if (spec.version) return { kind: 'version' };
      let value: string | undefined;
      if (spec.takesValue) {
        if (eq >= 0) value = arg.slice(eq + 1);
        else if (rest.length > 0) value = rest.shift();
        else return { kind: 'error', message: `${spec.long} option requires 1 argument` };
      } else if (eq >= 0) return { kind: 'error', message: `${spec.long} option does not take a value` };
      const err = emit(spec, spec.long, value);
      if (err) return { kind: 'error', message: err };
      continue;
    }
    if (arg.startsWith('-') && arg.length > 1) {
      for (let i = 1; i < arg.length; i++) {
        const typed = `-${arg[i]}`;
        const spec = specs.find((s) => s.short === typed);
        if (!spec) return { kind: 'error', message: `no such option: ${typed}` };
        if (spec.help) return { kind: 'help' };
        if (!spec.takesValue) {
          out.push(spec.long);
          continue;
        }
        let value: string | undefined;
        if (i + 1 < arg.length) value = arg.slice(i + 1);
        else if (rest.length > 0) value = rest.shift();
        else return { kind: 'error', message: `${typed} option requires 1 argument` };
        const err = emit(spec, typed, value);
        if (err) return { kind: 'error', message: err };
        break;
      }
      continue;
    }
    positional.push(arg);
  }
  return { kind: 'ok', argv: out, positional };
}
