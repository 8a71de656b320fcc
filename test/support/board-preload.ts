/**
 * A board's preload, on Node. Moddable's XS linker runs the preloaded modules
 * at build time and puts what they made in flash, read-only:
 *
 * - every Map and Set made while `load` evaluates modules is read-only
 *   afterwards (findings on real XS: a write, even a delete of an absent key
 *   or a clear of an empty table, throws "read-only Map instance");
 * - every object they made and every built-in is frozen: what `load`
 *   returns, everything reachable from it (its classes, their prototypes,
 *   module-level objects), and the built-ins' prototypes, Error's included.
 *   Assigning a property that an object inherits from a frozen prototype
 *   then throws (the "override mistake"): `this.name = 'X'` in an Error
 *   subclass's constructor threw "set name: not writable" on an emulated
 *   Pico W, so the error the code meant was never made.
 *
 * Node and xsnap never show either; a board does. Installs itself on the
 * global Map and Set and freezes Node's built-ins: run it in a process of its
 * own.
 */
const frozen = new WeakSet<object>();
let preloading = false;

function check(table: object, kind: string): void {
  if (frozen.has(table)) throw new TypeError(`this: read-only ${kind} instance`);
}

/** `Native` whose instances made while preloading refuse every call of `mutators` afterwards. */
function boardTable<C extends new (...args: any[]) => object>(Native: C, kind: string, mutators: readonly string[]): C {
  const Board = class extends Native {
    constructor(...args: any[]) {
      super(...args);
      if (preloading) frozen.add(this);
    }
  };
  for (const name of mutators) {
    const native = (Native.prototype as Record<string, (...args: unknown[]) => unknown>)[name];
    Object.defineProperty(Board.prototype, name, {
      value(this: object, ...args: unknown[]) {
        check(this, kind);
        return native.apply(this, args);
      },
      writable: true,
      configurable: true,
    });
  }
  return Board;
}

const BoardMap = boardTable(globalThis.Map, 'Map', ['set', 'delete', 'clear']);
const BoardSet = boardTable(globalThis.Set, 'Set', ['add', 'delete', 'clear']);

const NativeSet = globalThis.Set;

/** Freeze `root` and everything reachable from it: property values, accessors, prototypes. */
function freezeReachable(root: unknown): void {
  const seen = new NativeSet<unknown>();
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const o = stack.pop();
    if ((typeof o !== 'object' && typeof o !== 'function') || o === null || seen.has(o)) continue;
    seen.add(o);
    // A typed array's elements are its buffer's (read-only in flash, not modelled): freeze refuses a non-empty one.
    // A module namespace cannot be frozen (its bindings are live): what it holds is.
    if (!ArrayBuffer.isView(o) && (o as { [Symbol.toStringTag]?: unknown })[Symbol.toStringTag] !== 'Module') Object.freeze(o);
    stack.push(Object.getPrototypeOf(o));
    for (const key of Reflect.ownKeys(o)) {
      const d = Object.getOwnPropertyDescriptor(o, key)!;
      if ('value' in d) stack.push(d.value);
      else stack.push(d.get, d.set);
    }
  }
}

/** The built-ins a runtime module may inherit from, as the preload leaves them: frozen. */
const BUILT_INS: unknown[] = [
  Object, Function, Array, String, Number, Boolean, Symbol, BigInt, Math, JSON, Reflect, Date, RegExp, Promise,
  Error, TypeError, RangeError, SyntaxError, ReferenceError, EvalError, URIError, AggregateError,
  ArrayBuffer, DataView, Uint8Array, Int8Array, Uint16Array, Int16Array, Uint32Array, Int32Array, Float32Array, Float64Array, Uint8ClampedArray,
  WeakMap, WeakSet, WeakRef,
];

/** Evaluate what `load` imports as a board's preload would: its tables read-only, it and the built-ins frozen from then on. */
export async function preload<T>(load: () => Promise<T>): Promise<T> {
  globalThis.Map = BoardMap;
  globalThis.Set = BoardSet;
  preloading = true;
  let loaded: T;
  try {
    loaded = await load();
  } finally {
    preloading = false;
  }
  freezeReachable([loaded, BUILT_INS, BoardMap, BoardSet]);
  return loaded;
}
