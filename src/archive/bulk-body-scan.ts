/**
 * A scanner for the usual shape of a bulk data write body, read straight from its bytes:
 *
 *     {"data": [{"ts": 1700000000, "val": [{"event-type": "throughput", "val": 123}, …]}, …]}
 *
 * It builds no object per point and walks the text once, where `JSON.parse` plus the checks of
 * the plain path cost several times more per point. It only ACCEPTS bodies whose meaning it is
 * sure of, and gives up (undefined) on anything else, so the caller then takes the plain path
 * (`parseDataJson` and the full validation), which decides every other body and words every
 * error. An accepted body means exactly what the plain parse gives: the same keys (each once,
 * in this order), the same numbers (`JSON.parse`'s, and never one the plain parse would read
 * as a BigInt), ASCII strings without escapes (so valid UTF-8 without surrogates), every `ts`
 * an integer within the write range and, per event type, rising, so no ts repeats.
 * @module
 */
import { MAX_TIMESTAMP, MIN_TIMESTAMP } from './validate.js';

/** The points of one event type of a scanned body, in body order. */
export interface ScannedSeries {
  eventType: string;
  /** Strictly rising. */
  ts: number[];
  /** The `val` of each point, as `JSON.parse` reads it (a number, never past ±(2^53 − 1) if written as an integer). */
  values: number[];
}

/** A bulk body the scanner accepted: its points by event type, types in first-seen order. */
export interface ScannedBody {
  series: ScannedSeries[];
}

const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COLON = 0x3a;
const COMMA = 0x2c;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const MINUS = 0x2d;
const PLUS = 0x2b;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;

/** The quoted keys the shape has, as bytes. */
const KEY_DATA = Buffer.from('"data"');
const KEY_TS = Buffer.from('"ts"');
const KEY_VAL = Buffer.from('"val"');
const KEY_EVENT_TYPE = Buffer.from('"event-type"');

/** Integer literals up to this many digits are summed exactly in a double (10^15 < 2^53). */
const EXACT_DIGITS = 15;

/** Thrown (one instance, no stack) when the body is not of the scanned shape. */
const GIVE_UP: unknown = Object.freeze({ giveUp: true });

/** The value of a decimal digit byte; -1 for any other byte (or none). */
function digit(c: number | undefined): number {
  return c !== undefined && c >= ZERO && c <= NINE ? c - ZERO : -1;
}

function isDigit(c: number | undefined): boolean {
  return digit(c) >= 0;
}

/** The index of the first byte at or after `i` that is not JSON whitespace. */
function skipWs(b: Buffer, i: number): number {
  let c = b[i];
  while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = b[++i];
  return i;
}

/** The index just past `bytes` at `i` (after whitespace); gives up if they are not there. */
function skipOver(b: Buffer, i: number, bytes: Uint8Array): number {
  i = skipWs(b, i);
  for (let k = 0; k < bytes.length; k++) if (b[i + k] !== bytes[k]) throw GIVE_UP;
  return i + bytes.length;
}

/** The index just past `byte` at `i` (after whitespace); gives up if it is not there. */
function skipByte(b: Buffer, i: number, byte: number): number {
  i = skipWs(b, i);
  if (b[i] !== byte) throw GIVE_UP;
  return i + 1;
}

/** A series being scanned, with its name's bytes for matching. */
interface Scanning {
  series: ScannedSeries;
  /** The event type's bytes followed by the closing quote. */
  name: Buffer;
}

/** Reads one body; {@link scanBulkBody} is the entry point. */
class Scanner {
  /** Where the last {@link number} ended. */
  private end = 0;
  readonly scanning: Scanning[] = [];
  /** The series of the previous entry: bodies usually cycle through their types in one order. */
  private last = -1;

  constructor(private readonly b: Buffer) {}

  /** A JSON number at `i` as `JSON.parse` reads it; gives up on an integer the plain parse makes a BigInt. */
  private number(i: number): number {
    const b = this.b;
    i = skipWs(b, i);
    const start = i;
    const negative = b[i] === MINUS;
    if (negative) i++;
    let d = digit(b[i]);
    if (d < 0) throw GIVE_UP;
    let n = 0;
    const digitsAt = i;
    if (d === 0) i++;
    else
      while (d >= 0) {
        n = n * 10 + d;
        d = digit(b[++i]);
      }
    let c = b[i];
    if (isDigit(c)) throw GIVE_UP; // a leading zero: not JSON
    if (c !== DOT && c !== 0x65 && c !== 0x45) {
      this.end = i;
      if (i - digitsAt <= EXACT_DIGITS) return negative ? -n : n;
      const whole = Number(b.toString('latin1', start, i));
      if (Math.abs(whole) > Number.MAX_SAFE_INTEGER) throw GIVE_UP;
      return whole;
    }
    if (c === DOT) {
      if (!isDigit(b[++i])) throw GIVE_UP;
      while (isDigit(b[i])) i++;
      c = b[i];
    }
    if (c === 0x65 || c === 0x45) {
      c = b[++i];
      if (c === PLUS || c === MINUS) c = b[++i];
      if (!isDigit(c)) throw GIVE_UP;
      while (isDigit(b[i])) i++;
    }
    this.end = i;
    // JSON's number grammar is a subset of Number()'s; both round to the nearest double.
    return Number(b.toString('latin1', start, i));
  }

  /** Whether the name of `s` and its closing quote are at `i`. */
  private named(s: Scanning, i: number): boolean {
    const b = this.b;
    const name = s.name;
    for (let k = 0; k < name.length; k++) if (b[i + k] !== name[k]) return false;
    return true;
  }

  /**
   * The series of the event-type string whose first character is at `i` (printable ASCII, no
   * escapes); `this.end` is set past its closing quote.
   */
  private eventSeries(i: number): ScannedSeries {
    const list = this.scanning;
    // The next type in the cycle first, then every other one.
    for (let k = 0, s = this.last + 1; k < list.length; k++, s++) {
      if (s >= list.length) s = 0;
      const found = list[s] as Scanning;
      if (this.named(found, i)) {
        this.last = s;
        this.end = i + found.name.length;
        return found.series;
      }
    }
    const b = this.b;
    let j = i;
    let c = b[j];
    while (c !== QUOTE) {
      if (c === undefined || c < 0x20 || c > 0x7e || c === BACKSLASH) throw GIVE_UP;
      c = b[++j];
    }
    this.end = j + 1;
    const series: ScannedSeries = { eventType: b.toString('latin1', i, j), ts: [], values: [] };
    this.last = list.push({ series, name: b.subarray(i, j + 1) }) - 1;
    return series;
  }

  /** `{"event-type": "…", "val": N}` of an item at `ts`, at `i`; returns where it ends. */
  private entry(i: number, ts: number): number {
    const b = this.b;
    i = skipByte(b, i, OPEN_OBJECT);
    i = skipOver(b, i, KEY_EVENT_TYPE);
    i = skipByte(b, i, COLON);
    i = skipByte(b, i, QUOTE);
    const series = this.eventSeries(i);
    i = skipByte(b, this.end, COMMA);
    i = skipOver(b, i, KEY_VAL);
    i = skipByte(b, i, COLON);
    const value = this.number(i);
    i = skipByte(b, this.end, CLOSE_OBJECT);
    const previous = series.ts[series.ts.length - 1];
    if (previous !== undefined && ts <= previous) throw GIVE_UP;
    series.ts.push(ts);
    series.values.push(value);
    return i;
  }

  /** `{"ts": N, "val": [entries]}` at `i`; returns where it ends. */
  private item(i: number): number {
    const b = this.b;
    i = skipByte(b, i, OPEN_OBJECT);
    i = skipOver(b, i, KEY_TS);
    i = skipByte(b, i, COLON);
    // `-0` is the ts 0, as Python's int() (the plain path) makes it.
    const ts = this.number(i) + 0;
    if (!Number.isInteger(ts) || ts > MAX_TIMESTAMP || ts < MIN_TIMESTAMP) throw GIVE_UP;
    i = skipByte(b, this.end, COMMA);
    i = skipOver(b, i, KEY_VAL);
    i = skipByte(b, i, COLON);
    i = this.list(i, (at) => this.entry(at, ts));
    return skipByte(b, i, CLOSE_OBJECT);
  }

  /** `[e, …]` at `i`, each element read by `element` (which returns where it ends); returns where the list ends. */
  private list(i: number, element: (at: number) => number): number {
    const b = this.b;
    i = skipWs(b, skipByte(b, i, OPEN_ARRAY));
    if (b[i] === CLOSE_ARRAY) return i + 1;
    for (;;) {
      i = skipWs(b, element(i));
      const c = b[i++];
      if (c === CLOSE_ARRAY) return i;
      if (c !== COMMA) throw GIVE_UP;
    }
  }

  /** The whole body, nothing but whitespace after it. */
  body(): void {
    const b = this.b;
    let i = skipByte(b, 0, OPEN_OBJECT);
    i = skipOver(b, i, KEY_DATA);
    i = skipByte(b, i, COLON);
    i = this.list(i, (at) => this.item(at));
    i = skipByte(b, i, CLOSE_OBJECT);
    if (skipWs(b, i) !== b.length) throw GIVE_UP;
  }
}

/**
 * The points of a bulk body of the usual shape, or undefined when the plain path must read it
 * (any other shape, key order, spelling or number; see the module comment).
 */
export function scanBulkBody(body: Buffer): ScannedBody | undefined {
  const scanner = new Scanner(body);
  try {
    scanner.body();
  } catch (err) {
    if (err === GIVE_UP) return undefined;
    throw err;
  }
  return { series: scanner.scanning.map((s) => s.series) };
}
