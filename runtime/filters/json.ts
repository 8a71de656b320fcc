import { Filter, checkFunction, thunk, type Thunk } from '../core/filter';
import { addFluentMethod } from '../core/fluent';
import type { OutputThing } from '../core/output-thing';

/** Serialise each event with `JSON.stringify`. */
export class ToJson<T> extends Filter<T, string> {
  override onNext(x: T): void {
    this.out.onNext(JSON.stringify(x)); // throws on cycles and BigInt: the chain's guard ends this branch
  }
}

/**
 * Parse each JSON string; a string that is not JSON fails the stream with the
 * parse error (isolated to this branch). With `construct`, a parsed array is
 * spread into it (ThingFlow's `from_json(constructor)`).
 */
export class FromJson<T> extends Filter<string, T> {
  constructor(previous: OutputThing<string>, private readonly construct?: (...fields: any[]) => T) {
    checkFunction(construct, 'fromJson', 'construct', true);
    super(previous);
  }

  override onNext(x: string): void {
    const parsed = JSON.parse(x);
    this.out.onNext(this.construct && Array.isArray(parsed) ? this.construct(...parsed) : parsed);
  }
}

export function toJson() {
  return thunk(<T>(source: OutputThing<T>) => new ToJson<T>(source));
}
export function fromJson<T>(construct?: (...fields: any[]) => T): Thunk<string, T> {
  return thunk((source: OutputThing<string>) => new FromJson<T>(source, construct));
}

declare module '../core/output-thing' {
  interface OutputThing<T> {
    /** `JSON.stringify` each event. */
    toJson(): Filter<T, string>;
    /** `JSON.parse` each string (optionally spreading arrays into `construct`). */
    fromJson<U = unknown>(this: OutputThing<string>, construct?: (...fields: any[]) => U): Filter<string, U>;
  }
}
addFluentMethod('toJson', function (this: OutputThing<unknown>) {
  return new ToJson(this);
});
addFluentMethod('fromJson', function (this: OutputThing<string>, construct?: (...fields: any[]) => unknown) {
  return new FromJson(this, construct);
});
