/**
 * optparse's help layout (IndentedHelpFormatter with textwrap), so `--help` and the help text
 * printed after validation messages look exactly like the original tools' (client spec §1.1).
 * @module
 */

/** One option as optparse lists it in `--help`. */
export interface HelpEntry {
  short?: string;
  long: string;
  /** Shown after the option strings for options that take a value (optparse: `dest.upper()`). */
  metavar?: string;
  help: string;
}

const WS = '[\\t\\n\\x0b\\x0c\\r ]';
const NWS = '[^\\t\\n\\x0b\\x0c\\r ]';
const WP = '[\\w!"\'&.,?]';
const LT = '[A-Za-z_]';
// Python's textwrap.TextWrapper.wordsep_re (break_on_hyphens=True), ASCII edition.
const WORDSEP = new RegExp(
  `(${WS}+|(?<=${WP})-{2,}(?=\\w)|${NWS}+?(?:-(?:(?<=${LT}{2}-)|(?<=${LT}-${LT}-))(?=${LT}-?${LT})|(?=${WS}|$)|(?<=${WP})(?=-{2,}\\w)))`,
);

/** Python `textwrap.wrap(text, width)` with default options. */
export function textwrap(text: string, width: number): string[] {
  const chunks = text
    .replace(/\t/g, '        ')
    .replace(/[\n\v\f\r]/g, ' ')
    .split(WORDSEP)
    .filter((c) => c !== '');
  chunks.reverse();
  const lines: string[] = [];
  while (chunks.length > 0) {
    const cur: string[] = [];
    let len = 0;
    if (lines.length > 0 && chunks[chunks.length - 1]?.trim() === '') chunks.pop();
    while (chunks.length > 0) {
      const l = (chunks[chunks.length - 1] as string).length;
      if (len + l <= width) {
        cur.push(chunks.pop() as string);
        len += l;
      } else break;
    }
    const next = chunks[chunks.length - 1];
    if (next !== undefined && next.length > width) {
      // _handle_long_word: break the word, at a hyphen when one fits.
      const spaceLeft = width < 1 ? 1 : width - len;
      let end = spaceLeft;
      if (next.length > spaceLeft) {
        const hyphen = next.lastIndexOf('-', spaceLeft - 1);
        if (hyphen > 0 && /[^-]/.test(next.slice(0, hyphen))) end = hyphen + 1;
      }
      cur.push(next.slice(0, end));
      chunks[chunks.length - 1] = next.slice(end);
    }
    if (cur.length > 0 && cur[cur.length - 1]?.trim() === '') cur.pop();
    if (cur.length > 0) lines.push(cur.join(''));
  }
  return lines;
}

/** `-u URL, --url=URL` / `-h, --help` / `--ssl-verify`. */
function optionStrings(e: HelpEntry): string {
  const parts: string[] = [];
  if (e.short) parts.push(e.metavar ? `${e.short} ${e.metavar}` : e.short);
  parts.push(e.metavar ? `${e.long}=${e.metavar}` : e.long);
  return parts.join(', ');
}

/**
 * The `Options:` block of optparse help.
 * @param columns - the `COLUMNS` environment value optparse reads (default 80)
 */
export function formatOptionHelp(entries: readonly HelpEntry[], columns?: string): string {
  const parsed = Number.parseInt(columns ?? '', 10);
  const width = (Number.isFinite(parsed) ? parsed : 80) - 2;
  const strings = entries.map(optionStrings);
  const maxLen = Math.max(0, ...strings.map((s) => s.length + 2));
  const helpPosition = Math.min(maxLen + 2, 24);
  const helpWidth = Math.max(width - helpPosition, 11);
  const optWidth = helpPosition - 2 - 2;
  let out = 'Options:\n';
  entries.forEach((e, i) => {
    const opts = strings[i] as string;
    let indentFirst: number;
    if (opts.length > optWidth) {
      out += `  ${opts}\n`;
      indentFirst = helpPosition;
    } else {
      out += `  ${opts.padEnd(optWidth)}  `;
      indentFirst = 0;
    }
    const lines = textwrap(e.help, helpWidth);
    lines.forEach((line, j) => {
      out += `${' '.repeat(j === 0 ? indentFirst : helpPosition)}${line}\n`;
    });
    if (lines.length === 0 && !out.endsWith('\n')) out += '\n';
  });
  return out;
}
