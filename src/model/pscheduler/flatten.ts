/**
 * Spec and reference members as metadata parameters, flattened the archiver's way
 * (`pscheduler-<type>-<field>-<key>`, `-<index>` for list items).
 * @module
 */
import { isJsonObject as isObj, type JsonObject as Obj } from '../json-object.js';
import { PyFloat } from '../py-float.js';
import { MappingError } from './iso.js';

/** Deepest object nesting a spec member may have (real specs nest two or three levels). */
const MAX_SPEC_DEPTH = 32;

/**
 * Flattens a value into metadata parameters: objects → `-key` (keys starting with `_` skipped),
 * lists → `-index` (list items kept whole). Nulls are dropped, since no archive can store them.
 * Iterative (an explicit stack in document order) and depth-bounded, so a hostile nesting is a
 * {@link MappingError}, not a stack overflow.
 */
export function flattenParameters(parameters: Obj, key: string, val: unknown): void {
  const stack: Array<{ key: string; val: unknown; depth: number }> = [{ key, val, depth: 0 }];
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    const v = item.val;
    if (Array.isArray(v)) {
      v.forEach((x, i) => {
        if (x !== null && x !== undefined) parameters[`${item.key}-${i}`] = x;
      });
    } else if (isObj(v) && !(v instanceof PyFloat)) {
      if (item.depth >= MAX_SPEC_DEPTH) throw new MappingError(`${key} is nested deeper than ${MAX_SPEC_DEPTH} levels`);
      const children = Object.entries(v).filter(([k]) => !k.startsWith('_'));
      for (let i = children.length - 1; i >= 0; i--) {
        const [k, x] = children[i] ?? ['', null];
        stack.push({ key: `${item.key}-${k}`, val: x, depth: item.depth + 1 });
      }
    } else if (v !== null && v !== undefined) parameters[item.key] = v;
  }
}

/** Every spec member as `pscheduler-<type>-<field>` (private `_` members left out). */
export function specAsParameters(testType: string, spec: Obj, parameters: Obj): void {
  for (const [field, val] of Object.entries(spec)) {
    if (!field.startsWith('_')) flattenParameters(parameters, `pscheduler-${testType}-${field}`, val);
  }
}
