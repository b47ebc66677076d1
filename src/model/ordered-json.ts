/**
 * Histogram buckets in the archive's order. A JS object lists integer-like keys (`"10"`) first,
 * in numeric order, whatever order they were written or parsed in, so `JSON.parse` turns the
 * archive's `{"34.4": 3, "10": 1}` into `{"10": 1, "34.4": 3}`. esmond keeps the posted order
 * (Python dicts), and bucket order decides a histogram's printed form and its statistics' `mode`.
 *
 * {@link orderedRecord} is a plain-looking record (a Proxy whose own-key order is the given one):
 * `Object.keys`/`entries`, `for…in`, spread and `JSON.stringify` all see the archive's order, and
 * the type stays `Record<string, number>`. (`structuredClone` cannot copy a Proxy: copy with
 * `Object.fromEntries(Object.entries(h))` first, which loses the order again.)
 * {@link parseJsonKeepingOrder} is `JSON.parse` that builds such records for every object whose
 * keys JS would reorder.
 * @module
 */

/** True for a key that JS objects move to the front (an array index: `0` … `4294967294`). */
function isIndexKey(k: string): boolean {
  return /^(?:0|[1-9]\d{0,9})$/.test(k) && Number(k) < 4294967295;
}

/** A record whose keys keep the order of `entries` (see the module comment). */
export function orderedRecord<V>(entries: Iterable<readonly [string, V]>): Record<string, V> {
  const target: Record<string, V> = {};
  const order: string[] = [];
  for (const [k, v] of entries) {
    if (!Object.prototype.hasOwnProperty.call(target, k)) order.push(k);
    // defineProperty: a bucket may be called `__proto__` and must stay a plain key.
    Object.defineProperty(target, k, { value: v, enumerable: true, writable: true, configurable: true });
  }
  if (!order.some(isIndexKey)) return target; // JS keeps this order by itself
  return new Proxy(target, {
    ownKeys: (t) => [...order, ...Object.getOwnPropertySymbols(t)],
    defineProperty(t, k, desc) {
      if (typeof k === 'string' && !Object.prototype.hasOwnProperty.call(t, k)) order.push(k);
      return Reflect.defineProperty(t, k, desc);
    },
    deleteProperty(t, k) {
      const i = typeof k === 'string' ? order.indexOf(k) : -1;
      if (i >= 0) order.splice(i, 1);
      return Reflect.deleteProperty(t, k);
    },
  });
}

const WS = /[ \t\n\r]*/y;
/** An integer-like object key in JSON text (one `JSON.parse` would move to the front). */
export const INDEX_KEY_TEXT = /"(?:0|[1-9]\d{0,9})"\s*:/;
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

/**
 * `JSON.parse(text)`, except that objects with an integer-like key keep their key order
 * ({@link orderedRecord}). Throws `SyntaxError` for invalid JSON, like `JSON.parse`.
 */
export function parseJsonKeepingOrder(text: string): unknown {
  // Most histograms have no integer-like bucket ("34.4"): then JSON.parse keeps the order and is
  // about 9× faster than the parser below. (A key spelled with escapes, "\u0031", is not seen here.)
  if (!INDEX_KEY_TEXT.test(text)) return JSON.parse(text);
  let i = 0;
  const fail = (what: string): never => {
    throw new SyntaxError(`${what} at position ${i} of the JSON text`);
  };
  const skip = (): void => {
    WS.lastIndex = i;
    WS.test(text);
    i = WS.lastIndex;
  };
  const string = (): string => {
    const start = i; // at the opening quote
    let j = i + 1;
    let escaped = false;
    for (;;) {
      const c = text.charCodeAt(j);
      if (Number.isNaN(c)) return fail('Unterminated string');
      if (c === 0x22) break;
      if (c === 0x5c) {
        escaped = true;
        j++;
      } else if (c < 0x20) return fail('Bad control character in string');
      j++;
    }
    i = j + 1;
    return escaped ? (JSON.parse(text.slice(start, i)) as string) : text.slice(start + 1, j);
  };
  const value = (): unknown => {
    skip();
    const c = text[i];
    if (c === '{') {
      i++;
      const entries: Array<[string, unknown]> = [];
      skip();
      if (text[i] === '}') {
        i++;
        return {};
      }
      for (;;) {
        skip();
        if (text[i] !== '"') return fail('Expected a property name');
        const k = string();
        skip();
        if (text[i] !== ':') return fail("Expected ':'");
        i++;
        entries.push([k, value()]);
        skip();
        if (text[i] === ',') i++;
        else if (text[i] === '}') {
          i++;
          return orderedRecord(entries);
        } else return fail("Expected ',' or '}'");
      }
    }
    if (c === '[') {
      i++;
      const out: unknown[] = [];
      skip();
      if (text[i] === ']') {
        i++;
        return out;
      }
      for (;;) {
        out.push(value());
        skip();
        if (text[i] === ',') i++;
        else if (text[i] === ']') {
          i++;
          return out;
        } else return fail("Expected ',' or ']'");
      }
    }
    if (c === '"') return string();
    for (const [word, v] of [
      ['true', true],
      ['false', false],
      ['null', null],
    ] as const) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return v;
      }
    }
    NUMBER.lastIndex = i;
    const m = NUMBER.exec(text);
    if (m === null) return fail('Unexpected token');
    i = NUMBER.lastIndex;
    return Number(m[0]);
  };
  const result = value();
  skip();
  if (i !== text.length) fail('Unexpected text after JSON');
  return result;
}
