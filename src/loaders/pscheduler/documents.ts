/**
 * pScheduler results as they come in files or on stdin: one JSON document (pretty-printed or
 * not; a list is several results), or one document per line (JSON lines, RFC 7464 sequences).
 * Line-per-document input is streamed, so a large export never sits in memory whole.
 * @module
 */

/** One document and where it came from (`file:line`, `file[i]`), or why it could not be read. */
export interface SourceDoc {
  where: string;
  doc?: unknown;
  error?: string;
}

function* expand(value: unknown, where: string): Generator<SourceDoc> {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) yield { where: `${where}[${i}]`, doc: value[i] };
  } else yield { where, doc: value };
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
    yield* expand(doc, `${name}:${n}`);
  }
  if (mode === 'lines') return;
  if (mode === 'unknown') {
    yield { where: name, error: 'no JSON document' };
    return;
  }
  try {
    yield* expand(JSON.parse(whole.join('\n')), name);
  } catch (err) {
    yield { where: name, error: `not valid JSON (${(err as Error).message})` };
  }
}
