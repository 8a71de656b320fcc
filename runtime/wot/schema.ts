/**
 * A small JSON Schema checker for property values and action inputs: the
 * subset that Web Thing metadata uses (type incl. integer, minimum, maximum,
 * exclusiveMinimum/Maximum, multipleOf, enum, const, minLength/maxLength,
 * required, properties, items, minItems/maxItems). webthing-python pulls in
 * the whole `jsonschema` package for this; a chip cannot afford that.
 *
 * `checkValue` returns `null` when the value fits, or a sentence saying what is
 * wrong (with the JSON path), so the caller can put it in an error body.
 * Keywords it does not know are ignored, as JSON Schema says they should be.
 */
import { DEFAULT_MAX_JSON_DEPTH, jsonValueProblem } from './json-depth';

export interface ValueSchema {
  type?: string | string[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  multipleOf?: number;
  enum?: unknown[];
  const?: unknown;
  minLength?: number;
  maxLength?: number;
  required?: string[];
  properties?: { [name: string]: ValueSchema };
  items?: ValueSchema;
  minItems?: number;
  maxItems?: number;
  readOnly?: boolean;
  [keyword: string]: unknown;
}

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

function hasType(v: unknown, t: string): boolean {
  switch (t) {
    case 'integer': return typeof v === 'number' && Number.isInteger(v);
    case 'number': return typeof v === 'number' && Number.isFinite(v);
    case 'string': return typeof v === 'string';
    case 'boolean': return typeof v === 'boolean';
    case 'null': return v === null;
    case 'array': return Array.isArray(v);
    case 'object': return typeof v === 'object' && v !== null && !Array.isArray(v);
    default: return true; // an unknown type name constrains nothing
  }
}

/** Deep equality of JSON values, for `enum` and `const`. */
function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  for (let i = 0; i < ka.length; i++) {
    if (!sameJson((a as any)[ka[i]], (b as any)[ka[i]])) return false;
  }
  return true;
}

function show(v: unknown): string {
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 40 ? `${s.slice(0, 37)}...` : s;
}

/**
 * Check `value` against `schema`; `null` when it fits, else what is wrong. The value must also be
 * one JSON can write back: nested at most `maxDepth` levels, finite numbers (see json-depth.ts).
 */
export function checkValue(value: unknown, schema: ValueSchema | undefined, path = 'value', maxDepth = DEFAULT_MAX_JSON_DEPTH): string | null {
  const unwritable = jsonValueProblem(value, maxDepth, path);
  return unwritable !== null ? unwritable : checkSchema(value, schema, path);
}

function checkSchema(value: unknown, schema: ValueSchema | undefined, path: string): string | null {
  if (schema === undefined || schema === null || typeof schema !== 'object') return null;
  const t = schema.type;
  if (t !== undefined) {
    const types = Array.isArray(t) ? t : [t];
    let ok = false;
    for (let i = 0; i < types.length && !ok; i++) ok = hasType(value, types[i]);
    // JSON Schema: an integer-valued number is a valid "number", any finite number that is whole is an "integer".
    if (!ok) return `${path} must be ${types.join(' or ')}, got ${typeOf(value) === 'number' && !Number.isFinite(value as number) ? 'a non-finite number' : show(value)}`;
  }
  if (schema.enum !== undefined && Array.isArray(schema.enum)) {
    let found = false;
    for (let i = 0; i < schema.enum.length && !found; i++) found = sameJson(value, schema.enum[i]);
    if (!found) return `${path} must be one of ${show(schema.enum)}, got ${show(value)}`;
  }
  if ('const' in schema && !sameJson(value, schema.const)) return `${path} must be ${show(schema.const)}, got ${show(value)}`;
  if (typeof value === 'number') {
    if (typeof schema.minimum === 'number' && value < schema.minimum) return `${path} must be >= ${schema.minimum}, got ${value}`;
    if (typeof schema.maximum === 'number' && value > schema.maximum) return `${path} must be <= ${schema.maximum}, got ${value}`;
    if (typeof schema.exclusiveMinimum === 'number' && value <= schema.exclusiveMinimum) return `${path} must be > ${schema.exclusiveMinimum}, got ${value}`;
    if (typeof schema.exclusiveMaximum === 'number' && value >= schema.exclusiveMaximum) return `${path} must be < ${schema.exclusiveMaximum}, got ${value}`;
    if (typeof schema.multipleOf === 'number' && schema.multipleOf > 0) {
      const q = value / schema.multipleOf;
      // Tolerate binary rounding: 0.3 is a multiple of 0.1.
      if (Math.abs(q - Math.round(q)) > 1e-9 * Math.max(1, Math.abs(q))) return `${path} must be a multiple of ${schema.multipleOf}, got ${value}`;
    }
  } else if (typeof value === 'string') {
    if (typeof schema.minLength === 'number' && value.length < schema.minLength) return `${path} must be at least ${schema.minLength} characters long`;
    if (typeof schema.maxLength === 'number' && value.length > schema.maxLength) return `${path} must be at most ${schema.maxLength} characters long`;
  } else if (Array.isArray(value)) {
    if (typeof schema.minItems === 'number' && value.length < schema.minItems) return `${path} must have at least ${schema.minItems} items`;
    if (typeof schema.maxItems === 'number' && value.length > schema.maxItems) return `${path} must have at most ${schema.maxItems} items`;
    if (schema.items !== undefined && typeof schema.items === 'object' && !Array.isArray(schema.items)) {
      for (let i = 0; i < value.length; i++) {
        const e = checkSchema(value[i], schema.items, `${path}[${i}]`);
        if (e !== null) return e;
      }
    }
  } else if (typeof value === 'object' && value !== null) {
    const obj = value as { [k: string]: unknown };
    if (Array.isArray(schema.required)) {
      for (let i = 0; i < schema.required.length; i++) {
        if (!Object.prototype.hasOwnProperty.call(obj, schema.required[i])) return `${path}.${schema.required[i]} is required`;
      }
    }
    const props = schema.properties;
    if (props !== undefined && typeof props === 'object') {
      const names = Object.keys(props);
      for (let i = 0; i < names.length; i++) {
        const n = names[i];
        if (!Object.prototype.hasOwnProperty.call(obj, n)) continue;
        const e = checkSchema(obj[n], props[n], `${path}.${n}`);
        if (e !== null) return e;
      }
    }
  }
  return null;
}
