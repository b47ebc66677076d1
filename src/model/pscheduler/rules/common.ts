/**
 * What every test type's rules share: the shape of a rules object (the archiver's record class
 * for one test type) and the Python semantics its checks rely on (truthiness, `int()`, `sorted()`).
 * @module
 */
import { isJsonObject as isObj, type JsonObject as Obj } from '../../json-object.js';
import { PyFloat } from '../../py-float.js';
import { isoDurationSeconds } from '../iso.js';

export { isObj, type Obj };

/** Adds one value of an event type to the data point. */
export type AddValue = (eventType: string, val: unknown) => void;

/** The test-type specifics: declared event types, spec → metadata map, data. */
export interface TypeRules {
  /** The event types the record declares (with their summaries). */
  eventTypes(spec: Obj): string[];
  /** Spec member → metadata parameter, copied when present and not null. */
  fieldMap: Readonly<Record<string, string>>;
  /** Parameters computed from the spec, written into `parameters`. */
  extraMetadata?(spec: Obj, parameters: Obj): void;
  /** Result member → event type, copied as the value when present. */
  dataFieldMap?: Readonly<Record<string, string>>;
  /** Values computed from the result. */
  extraData?(spec: Obj, result: Obj, add: AddValue): void;
}

/** `timedelta.total_seconds()` of an ISO duration: always a Python float (`1.0`, not `1`). */
export const floatSeconds = (v: unknown, field: string): PyFloat => new PyFloat(isoDurationSeconds(v, field));

/** Python truthiness, which the archiver's `if x:` tests rely on. */
export const truthy = (v: unknown): boolean =>
  v instanceof PyFloat
    ? v.value !== 0
    : !(
        v === undefined ||
        v === null ||
        v === false ||
        v === 0 ||
        v === '' ||
        (Array.isArray(v) && v.length === 0) ||
        (isObj(v) && isEmptyObject(v))
      );

/** No own enumerable member (`Object.keys(o).length === 0` without building the list: called per run). */
function isEmptyObject(o: Obj): boolean {
  for (const k in o) if (Object.prototype.hasOwnProperty.call(o, k)) return false;
  return true;
}

/** An own member (not one of the prototype's). */
export const has = (o: Obj, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

/** Python's `int(x)` succeeds (ints, integral-free floats truncated, integer strings). */
function intParsable(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return Math.trunc(v);
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string' && /^\s*[+-]?\d+(?:_\d+)*\s*$/.test(v)) return Number(v.replace(/_/g, ''));
  return undefined;
}

/** The rate rule: both present, non-null, int-parsable, denominator ≠ 0; values kept as given. */
export function addRate(add: AddValue, et: string, o: Obj, num: string, den: string): void {
  if (!has(o, num) || !has(o, den) || o[num] === null || o[den] === null) return;
  const n = intParsable(o[num]);
  const d = intParsable(o[den]);
  if (n === undefined || d === undefined || d === 0) return;
  add(et, { numerator: o[num], denominator: o[den] });
}

/** Adds `o[field]` when it is there and not null. */
export function addIfExists(add: AddValue, et: string, o: Obj, field: string): void {
  if (has(o, field) && o[field] !== null && o[field] !== undefined) add(et, o[field]);
}

/** Sort order of `sorted()` over stream ids (numbers numerically, otherwise as text). */
export function compareIds(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const x = String(a);
  const y = String(b);
  return x < y ? -1 : x > y ? 1 : 0;
}
