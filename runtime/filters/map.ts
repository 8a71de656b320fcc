import { Filter, checkFunction, thunk, type Thunk } from '../core/filter';
import { addFluentMethod } from '../core/fluent';
import type { OutputThing } from '../core/output-thing';

/** Transform each event; an `undefined` or `null` result is dropped (ThingFlow's `map`/`select`). */
export class MapFilter<I, O> extends Filter<I, O> {
  constructor(previous: OutputThing<I>, private readonly fn: (x: I) => O | null | undefined) {
    checkFunction(fn, 'map', 'fn');
    super(previous);
  }

  override onNext(x: I): void {
    // Unguarded: a throwing fn unwinds to the guard of the nearest dispatch (see OutputThing).
    const y = this.fn(x);
    if (y != null) this.out.onNext(y);
  }
}

export function map<I, O>(fn: (x: I) => O | null | undefined): Thunk<I, O> {
  return thunk((source: OutputThing<I>) => new MapFilter(source, fn));
}
export const select = map;

declare module '../core/output-thing' {
  interface OutputThing<T> {
    /** `src.map(e => e.val)`: transform each event; `undefined`/`null` results are dropped. */
    map<U>(fn: (x: T) => U | null | undefined): Filter<T, U>;
    /** Alias of `map`. */
    select<U>(fn: (x: T) => U | null | undefined): Filter<T, U>;
  }
}
function fluentMap<T, U>(this: OutputThing<T>, fn: (x: T) => U | null | undefined) {
  return new MapFilter(this, fn);
}
addFluentMethod('map', fluentMap);
addFluentMethod('select', fluentMap);
