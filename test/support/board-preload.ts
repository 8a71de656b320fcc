/**
 * A board's preload, on Node: every Map and Set made while `load` evaluates
 * modules is read-only afterwards, as Moddable's preload makes the tables a
 * preloaded module creates (docs/moddable.md, findings on real XS: a write,
 * even a delete of an absent key or a clear of an empty table, throws
 * "read-only Map instance"). Node and xsnap never show that; a board does.
 * Installs itself on the global Map and Set: run it in a process of its own.
 */
const frozen = new WeakSet<object>();
let preloading = false;

function check(table: object, kind: string): void {
  if (frozen.has(table)) throw new TypeError(`this: read-only ${kind} instance`);
}

const NativeMap = globalThis.Map;
const NativeSet = globalThis.Set;

class BoardMap<K, V> extends NativeMap<K, V> {
  constructor(entries?: readonly (readonly [K, V])[] | null) {
    super(entries);
    if (preloading) frozen.add(this);
  }
  override set(key: K, value: V): this {
    check(this, 'Map');
    return super.set(key, value);
  }
  override delete(key: K): boolean {
    check(this, 'Map');
    return super.delete(key);
  }
  override clear(): void {
    check(this, 'Map');
    super.clear();
  }
}

class BoardSet<T> extends NativeSet<T> {
  constructor(values?: readonly T[] | null) {
    super(values);
    if (preloading) frozen.add(this);
  }
  override add(value: T): this {
    check(this, 'Set');
    return super.add(value);
  }
  override delete(value: T): boolean {
    check(this, 'Set');
    return super.delete(value);
  }
  override clear(): void {
    check(this, 'Set');
    super.clear();
  }
}

/** Evaluate what `load` imports as a board's preload would: its tables read-only from then on. */
export async function preload<T>(load: () => Promise<T>): Promise<T> {
  globalThis.Map = BoardMap as unknown as MapConstructor;
  globalThis.Set = BoardSet as unknown as SetConstructor;
  preloading = true;
  try {
    return await load();
  } finally {
    preloading = false;
  }
}
