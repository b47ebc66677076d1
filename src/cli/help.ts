/**
 * The one help renderer of the tools. Every `--help` is the usage line, the tool's description
 * and examples, then paragraphs and option sections laid out as optparse's IndentedHelpFormatter
 * does (with Python's textwrap), so the help looks exactly like the original tools'. A section's
 * {@link HelpLayout} says how wide it is and how it wraps: the query tools follow `COLUMNS` as
 * optparse does, get-bulk's own section is 79 columns wide, the loaders' lines are not wrapped.
 * @module
 */
import type { CliIo } from './io.js';
import { helpIntro } from './tool-help.js';

/** One option as the help lists it. */
export interface HelpEntry {
  short?: string | undefined;
  long: string;
  /** Shown after the option strings for options that take a value (optparse: `dest.upper()`). */
  metavar?: string | undefined;
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

/** How a paragraph or an option section is wrapped. */
export interface HelpLayout {
  /** Line width: `columns` is optparse's (`$COLUMNS` − 2, default 78); `none` never wraps. */
  width: 'columns' | number | 'none';
  /**
   * Where help lines start: optparse's `min(longest option + 4, max)`, or a fixed column.
   * Ignored by paragraphs.
   */
  helpPosition?: { max: number } | { fixed: number };
  /** Fewest spaces between option strings and help on one line (optparse: 2). */
  gap?: 1 | 2;
  /** Python's textwrap (breaks after hyphens, splits long words) or plain words at spaces. */
  wrap: 'python' | 'words';
}

/** optparse's layout: wraps at `$COLUMNS`, help from column 24 at most. */
export const OPTPARSE_LAYOUT: HelpLayout = { width: 'columns', helpPosition: { max: 24 }, gap: 2, wrap: 'python' };

/** A paragraph of a help text. */
export interface HelpParagraph {
  text: string;
  layout: HelpLayout;
}

/** A titled list of options (`Options:`). */
export interface HelpSection {
  title: string;
  entries: readonly HelpEntry[];
  layout: HelpLayout;
}

/** What a tool's help shows after its description and examples. */
export interface HelpDoc {
  before?: readonly HelpParagraph[];
  sections: readonly HelpSection[];
  after?: readonly HelpParagraph[];
}

/** Words of `text` in lines of at most `width` characters, broken at spaces only. */
export function wrapWords(text: string, width: number): string[] {
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

function widthOf(layout: HelpLayout, env: CliIo['env']): number {
  if (layout.width === 'none') return Infinity;
  if (typeof layout.width === 'number') return layout.width;
  const parsed = Number.parseInt(env.COLUMNS ?? '', 10);
  return (Number.isFinite(parsed) ? parsed : 80) - 2;
}

function wrap(text: string, width: number, layout: HelpLayout): string[] {
  if (width === Infinity) return text === '' ? [] : [text];
  return layout.wrap === 'python' ? textwrap(text, width) : wrapWords(text, width);
}

/** A paragraph wrapped as its layout says (no final newline). */
export function renderParagraph(p: HelpParagraph, env: CliIo['env']): string {
  return wrap(p.text, widthOf(p.layout, env), p.layout).join('\n');
}

/** `-u URL, --url=URL` / `-h, --help` / `--ssl-verify`. */
function optionStrings(e: HelpEntry): string {
  const parts: string[] = [];
  if (e.short) parts.push(e.metavar ? `${e.short} ${e.metavar}` : e.short);
  parts.push(e.metavar ? `${e.long}=${e.metavar}` : e.long);
  return parts.join(', ');
}

/** A section: its title line, then one entry per option as optparse lays them out. */
export function renderSection(section: HelpSection, env: CliIo['env']): string {
  const { entries, layout } = section;
  const width = widthOf(layout, env);
  const strings = entries.map(optionStrings);
  const position = layout.helpPosition ?? { max: 24 };
  const helpPosition =
    'fixed' in position ? position.fixed : Math.min(Math.max(0, ...strings.map((s) => s.length + 4)), position.max);
  const helpWidth = Math.max(width - helpPosition, 11);
  // The longest option strings that still share a line with their help.
  const optWidth = helpPosition - 2 - (layout.gap ?? 2);
  let out = `${section.title}:\n`;
  entries.forEach((e, i) => {
    const opts = strings[i] ?? '';
    let indentFirst: number;
    if (opts.length > optWidth) {
      out += `  ${opts}\n`;
      indentFirst = helpPosition;
    } else {
      out += `  ${opts.padEnd(helpPosition - 2)}`;
      indentFirst = 0;
    }
    const lines = wrap(e.help, helpWidth, layout);
    lines.forEach((line, j) => {
      out += `${' '.repeat(j === 0 ? indentFirst : helpPosition)}${line}\n`;
    });
    if (lines.length === 0 && !out.endsWith('\n')) out += '\n';
  });
  return out;
}

/**
 * The `Options:` block of optparse help.
 * @param columns - the `COLUMNS` environment value optparse reads (default 80)
 */
export function formatOptionHelp(entries: readonly HelpEntry[], columns?: string): string {
  return renderSection(
    { title: 'Options', entries, layout: OPTPARSE_LAYOUT },
    columns === undefined ? {} : { COLUMNS: columns },
  );
}

/**
 * A whole `--help` text: `usage`, then (after a blank line) the tool's description and examples,
 * then the paragraphs and sections of `doc`, each after a blank line.
 */
export function renderHelp(usage: string, prog: string, doc: HelpDoc, env: CliIo['env']): string {
  // A subcommand (`esmond-ps-archive serve`) has no intro of its own: its description is a paragraph.
  const intro = helpIntro(prog);
  let out = `${usage}\n${intro === '' ? '' : `\n${intro}`}`;
  for (const p of doc.before ?? []) out += `\n${renderParagraph(p, env)}\n`;
  for (const s of doc.sections) out += `\n${renderSection(s, env)}`;
  for (const p of doc.after ?? []) out += `\n${renderParagraph(p, env)}\n`;
  return out;
}
