/**
 * A CSV writer that matches Python's `csv` module with its defaults (QUOTE_MINIMAL, `\r\n`
 * line ends): a field is quoted when it holds `,`, `"`, `\r` or `\n`, and quotes are doubled.
 * No dependency: this is the whole quoter (docs: dependencies).
 * @module
 */

const NEEDS_QUOTES = /[",\r\n]/;

/** One field, quoted the way Python's csv writer quotes it. */
export function csvField(text: string): string {
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One record with its `\r\n` terminator. A lone empty field is written `""`, as Python does. */
export function csvLine(fields: readonly string[]): string {
  if (fields.length === 1 && fields[0] === '') return '""\r\n';
  return `${fields.map(csvField).join(',')}\r\n`;
}
