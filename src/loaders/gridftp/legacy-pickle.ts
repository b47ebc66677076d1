/**
 * Reads the state the original loader left behind: a protocol-0 pickle (the Python 2 default) of
 * the last parsed log line as a dict of strings (`{'date': '2015…', 'type': 'RETR', …}`). Only
 * that shape is understood — a tiny stack machine over the text opcodes, never Python's
 * unpickler — so a migrating user resumes where the original stopped instead of starting over.
 * @module
 */

/** Python 2 `repr()` string literal body → text (`\\'`, `\\n`, `\\xNN`, …). */
function unescapePy2(body: string): string {
  return body.replace(/\\(x[0-9a-fA-F]{2}|[0-7]{1,3}|.)/g, (_, e: string) => {
    if (e[0] === 'x') return String.fromCharCode(parseInt(e.slice(1), 16));
    if (/^[0-7]/.test(e)) return String.fromCharCode(parseInt(e, 8));
    return ({ n: '\n', t: '\t', r: '\r', a: '\x07', b: '\b', f: '\f', v: '\v' } as Record<string, string>)[e] ?? e;
  });
}

/** `raw-unicode-escape` (opcode V): only `\uXXXX` / `\UXXXXXXXX` are escapes. */
function unescapeRawUnicode(body: string): string {
  return body.replace(/\\u([0-9a-fA-F]{4})|\\U([0-9a-fA-F]{8})/g, (_, u: string | undefined, U: string | undefined) =>
    String.fromCodePoint(parseInt(u ?? U ?? '0', 16)),
  );
}

const MARK = Symbol('mark');

/**
 * The dict of a protocol-0 pickle of string keys and values.
 * @returns the record, or `undefined` when the bytes are not such a pickle.
 */
export function parseLegacyPickle(bytes: Buffer): Record<string, string> | undefined {
  const text = bytes.toString('latin1');
  const stack: unknown[] = [];
  const memo = new Map<string, unknown>();
  let i = 0;
  const line = (): string => {
    const end = text.indexOf('\n', i);
    if (end < 0) throw new Error('truncated');
    const s = text.slice(i, end);
    i = end + 1;
    return s;
  };
  const popToMark = (): unknown[] => {
    const at = stack.lastIndexOf(MARK);
    if (at < 0) throw new Error('no mark');
    return stack.splice(at).slice(1);
  };
  try {
    while (i < text.length) {
      const op = text[i++];
      switch (op) {
        case '(':
          stack.push(MARK);
          break;
        case 'd': {
          const items = popToMark();
          const d: Record<string, unknown> = {};
          for (let k = 0; k + 1 < items.length; k += 2) d[String(items[k])] = items[k + 1];
          stack.push(d);
          break;
        }
        case '}':
          stack.push({});
          break;
        case 'p':
          memo.set(line(), stack.at(-1));
          break;
        case 'g': {
          const id = line();
          if (!memo.has(id)) return undefined;
          stack.push(memo.get(id));
          break;
        }
        case 'S': {
          const lit = line();
          const q = lit[0];
          if ((q !== "'" && q !== '"') || lit.at(-1) !== q) return undefined;
          stack.push(Buffer.from(unescapePy2(lit.slice(1, -1)), 'latin1').toString('utf8'));
          break;
        }
        case 'V':
          stack.push(Buffer.from(unescapeRawUnicode(line()), 'latin1').toString('utf8'));
          break;
        case 'I':
        case 'L':
          stack.push(Number(line().replace(/L$/, '')));
          break;
        case 'N':
          stack.push(null);
          break;
        case 's': {
          const v = stack.pop();
          const k = stack.pop();
          const d = stack.at(-1);
          if (typeof d !== 'object' || d === null) return undefined;
          (d as Record<string, unknown>)[String(k)] = v;
          break;
        }
        case 'u': {
          const items = popToMark();
          const d = stack.at(-1);
          if (typeof d !== 'object' || d === null) return undefined;
          for (let k = 0; k + 1 < items.length; k += 2) (d as Record<string, unknown>)[String(items[k])] = items[k + 1];
          break;
        }
        case '.': {
          const top = stack.pop();
          if (typeof top !== 'object' || top === null || Array.isArray(top)) return undefined;
          const out: Record<string, string> = {};
          for (const [k, v] of Object.entries(top)) {
            if (typeof v !== 'string') return undefined;
            out[k] = v;
          }
          return out;
        }
        default:
          return undefined;
      }
    }
  } catch {
    return undefined;
  }
  return undefined;
}
