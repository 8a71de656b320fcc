/**
 * Equality of JSON values by content, as Python's `==` compares the dicts and
 * lists webthing-python keeps in its values: writing `{"r":1}` twice is no
 * change. Primitives compare with `===`, so the common case costs one test.
 */
export function sameJsonValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameJsonValue(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  for (let i = 0; i < ka.length; i++) {
    const k = ka[i];
    if (!Object.prototype.hasOwnProperty.call(b, k) || !sameJsonValue((a as any)[k], (b as any)[k])) return false;
  }
  return true;
}
