/**
 * pScheduler results as they come in files or on stdin: one JSON document (pretty-printed or
 * not; a list is several results), or one document per line (JSON lines, RFC 7464 sequences).
 * Line-per-document input is streamed, so a large export never sits in memory whole.
 * @module
 */

import { parse as parseLossless } from 'lossless-json';
import { PyFloat } from '../../model/py-float.js';

/** One document and where it came from (`file:line`, `file[i]`), or why it could not be read. */
export interface SourceDoc {
  where: string;
  doc?: unknown;
  /**
   * The same document as Python's `json.loads` reads it, when that differs: whole numbers written
   * as floats (`2.0`) are {@link PyFloat}s here. Present only when the text has such a number.
   */
  typed?: unknown;
  error?: string;
}

/** Text that may hold a whole number written as a float (`2.0`, `1e3`): worth a second, exact read. */
const MAY_HAVE_WHOLE_FLOAT = /\d\.0+(?!\d)|\d[eE]/;

/** {@link SourceDoc.typed} of a text that parsed, or undefined when it would equal the plain parse. */
function typedParse(text: string): unknown {
  if (!MAY_HAVE_WHOLE_FLOAT.test(text)) return undefined;
  try {
    return parseLossless(text, null, (t: string) => {
      const n = Number(t);
      return /[.eE]/.test(t) && Number.isInteger(n) ? new PyFloat(n) : n;
    });
  } catch {
    return undefined; // e.g. a key given twice, which JSON.parse accepts: the plain read stands
  }
}

function* expand(value: unknown, typed: unknown, where: string): Generator<SourceDoc> {
  const entry = (doc: unknown, t: unknown, w: string): SourceDoc =>
    t === undefined ? { where: w, doc } : { where: w, doc, typed: t };
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++)
      yield entry(value[i], Array.isArray(typed) ? typed[i] : undefined, `${where}[${i}]`);
  } else yield entry(value, typed, where);
}

/**
 * The documents of one input, given its lines.
 * @param name - what to call the input in `where` (a file name or `<stdin>`).
 */
export async function* documentsFromLines(lines: AsyncIterable<string>, name: string): AsyncGenerator<SourceDoc> {
  let mode: 'unknown' | 'lines' | 'whole' = 'unknown';
  const whole: string[] = [];
  let n = 0;
  for await (const line of lines) {
    n += 1;
    const t = (line.startsWith('\x1e') ? line.slice(1) : line).trim(); // RFC 7464 record separator
    if (mode === 'whole') {
      whole.push(line);
      continue;
    }
    if (t === '') {
      if (mode === 'unknown') whole.push(line);
      continue;
    }
    let doc: unknown;
    try {
      doc = JSON.parse(t);
    } catch (err) {
      if (mode === 'unknown') {
        // The first line is not a document by itself: the input is one multi-line document.
        mode = 'whole';
        whole.push(line);
        continue;
      }
      yield { where: `${name}:${n}`, error: `not valid JSON (${(err as Error).message})` };
      continue;
    }
    mode = 'lines';
    whole.length = 0;
    yield* expand(doc, typedParse(t), `${name}:${n}`);
  }
  if (mode === 'lines') return;
  if (mode === 'unknown') {
    yield { where: name, error: 'no JSON document' };
    return;
  }
  try {
    const text = whole.join('\n');
    yield* expand(JSON.parse(text), typedParse(text), name);
  } catch (err) {
    yield { where: name, error: `not valid JSON (${(err as Error).message})` };
  }
}
