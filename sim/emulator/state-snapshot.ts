/**
 * Saves and restores the plain state of simulation objects (a device model,
 * the board's random generator, a fault set, the bus statistics): own
 * numbers, booleans and strings, typed arrays and arrays by copy, plain
 * objects one level deep. References to other objects (the model's context)
 * are kept as they are.
 *
 * The I2C bridge needs it because the emulated master asks for a read byte by
 * byte and says which byte is the last only when it asks for it: the bridge
 * reads ahead from the model, serves the bytes, and once the length is known
 * restores the state and replays the read at that length, as the transaction
 * the model's register logic expects.
 */
type Saved = { obj: Record<string, unknown>; key: string; value: unknown }[];

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype;
}

function copy(v: unknown): unknown {
  if (ArrayBuffer.isView(v)) return (v as unknown as { slice(): unknown }).slice();
  if (Array.isArray(v)) return v.slice();
  return v;
}

export function snapshotState(objects: readonly object[]): () => void {
  const saved: Saved = [];
  for (const o of objects) {
    const obj = o as Record<string, unknown>;
    for (const key of Object.keys(obj)) {
      const v = obj[key];
      if (isPlainObject(v)) {
        for (const inner of Object.keys(v)) saved.push({ obj: v, key: inner, value: copy(v[inner]) });
      } else if (v === null || typeof v !== 'object' || ArrayBuffer.isView(v) || Array.isArray(v)) {
        saved.push({ obj, key, value: copy(v) });
      }
    }
  }
  return () => {
    for (const { obj, key, value } of saved) {
      const now = obj[key];
      if (ArrayBuffer.isView(now) && ArrayBuffer.isView(value)) (now as unknown as { set(a: unknown): void }).set(value);
      else obj[key] = copy(value);
    }
  };
}
