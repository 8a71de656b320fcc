import { Filter, checkFunction, thunk, type Thunk } from '../core/filter';
import { addFluentMethod } from '../core/fluent';
import type { OutputThing } from '../core/output-thing';

/**
 * Emit `true` and complete at the first event that satisfies `predicate` (any
 * event, without one); emit `false` and complete if the stream ends first.
 * As in ThingFlow, an upstream error also answers `false`.
 */
export class SomeFilter<T> extends Filter<T, boolean> {
  constructor(previous: OutputThing<T>, private readonly predicate?: (x: T) => boolean) {
    checkFunction(predicate, 'some', 'predicate', true);
    super(previous);
  }

  override onNext(x: T): void {
    if (this.predicate && !this.predicate(x)) return;
    this.answer(true);
  }

  override onCompleted(): void {
    this.answer(false);
  }

  override onError(): void {
    this.answer(false);
  }

  private answer(found: boolean): void {
    this.disconnectFromUpstream();
    this.dispatchNext(found);
    this.dispatchCompleted();
  }
}

export function some<T = unknown>(predicate?: (x: T) => boolean) {
  return thunk(<U extends T>(source: OutputThing<U>) => new SomeFilter<U>(source, predicate));
}

declare module '../core/output-thing' {
  interface OutputThing<T> {
    /** `true` at the first (matching) event, `false` if the stream ends without one. */
    some(predicate?: (x: T) => boolean): Filter<T, boolean>;
  }
}
addFluentMethod('some', function (this: OutputThing<unknown>, predicate?: (x: unknown) => boolean) {
  return new SomeFilter(this, predicate);
});
