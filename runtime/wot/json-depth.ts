/**
 * How deep a JSON value may nest, and the two checks that enforce it.
 *
 * A 5,000-level nested array fits in a 16 KiB body; once stored it cannot be
 * serialized again (the stack overflows), so every later read of the thing
 * fails. The limit is checked twice: on the request text before it is parsed
 * (a linear scan, no recursion, so an engine with a small native stack never
 * parses it), and on the value before it is stored, whatever its source (a
 * client, a flow, an MQTT `set`): a value is kept only if it can be written
 * back as the same JSON.
 */
import { asciiBytes } from '../core/ascii-bytes';

export const DEFAULT_MAX_JSON_DEPTH = 32;

/**
 * True when `text` (JSON, or anything) opens more than `limit` arrays/objects
 * inside one another. Brackets inside strings do not count.
 */
export function jsonTextDeeperThan(text: string, limit: number): boolean {
  // Each level takes two characters: a short text (every ordinary request) cannot be too deep.
  if (text.length <= 2 * limit) return false;
  // Its bytes, not `charCodeAt` in a loop: quadratic on a board (ascii-bytes.ts).
  const bytes = asciiBytes(text);
  const n = bytes.length;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < n; i++) {
    const c = bytes[i];
    if (inString) {
      if (c === 92) i++; // backslash: skip the escaped character
      else if (c === 34) inString = false;
    } else if (c === 34) {
      inString = true;
    } else if (c === 91 || c === 123) {
      if (++depth > limit) return true;
    } else if (c === 93 || c === 125) {
      depth--;
    }
  }
  return false;
}

/**
 * Why `value` cannot be stored and written back as the same JSON, or `null`:
 * nested deeper than `limit`, a non-finite number, or something JSON has no
 * form for (a function, `undefined` in an array, a symbol, a bigint).
 * The recursion stops at `limit`, so a cyclic or hostile value cannot overflow the stack.
 */
export function jsonValueProblem(value: unknown, limit: number, path: string): string | null {
  return problemAt(value, limit, path, 0);
}

function problemAt(value: unknown, limit: number, path: string, depth: number): string | null {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return null;
    case 'number':
      return Number.isFinite(value) ? null : `${path} is a non-finite number (JSON has no form for it)`;
    case 'object':
      break;
    case 'undefined':
      if (depth === 0) return null; // no value at all: the schema says whether one is required
      return `${path} has no JSON form (undefined)`;
    default:
      return `${path} has no JSON form (${typeof value})`;
  }
  if (value === null) return null;
  if (depth >= limit) return `${path} nests deeper than ${limit} levels (the limit is maxJsonDepth = ${limit})`;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const wrong = problemAt(value[i], limit, path, depth + 1);
      if (wrong !== null) return wrong;
    }
    return null;
  }
  const obj = value as { [k: string]: unknown };
  const keys = Object.keys(obj);
  for (let i = 0; i < keys.length; i++) {
    const v = obj[keys[i]];
    if (v === undefined) continue; // JSON.stringify leaves the key out, as a client would expect
    const wrong = problemAt(v, limit, path, depth + 1);
    if (wrong !== null) return wrong;
  }
  return null;
}
