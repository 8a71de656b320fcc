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

/** Evaluate what `load` imports as a board's preload would: its tables read-only from then on. */
export async function preload<T>(load: () => Promise<T>): Promise<T> {
  globalThis.Map = BoardMap;
  globalThis.Set = BoardSet;
  preloading = true;
  try {
    return await load();
  } finally {
    preloading = false;
  }
}
