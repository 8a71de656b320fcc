import { Filter, checkFunction, thunk, type Thunk } from '../core/filter';
import { addFluentMethod } from '../core/fluent';
import type { OutputThing } from '../core/output-thing';

/** Pass an event only when it differs from the previous one (`===`, or `equals`). */
export class DistinctUntilChanged<T> extends Filter<T, T> {
  private hasPrevious = false;
  private previous: T | undefined;

  constructor(previous: OutputThing<T>, private readonly equals?: (a: T, b: T) => boolean) {
    checkFunction(equals, 'distinctUntilChanged', 'equals', true);
    super(previous);
  }

  override onNext(x: T): void {
    if (this.hasPrevious) {
      if (this.equals ? this.equals(this.previous as T, x) : this.previous === x) return;
    }
    this.hasPrevious = true;
    this.previous = x;
    this.out.onNext(x);
  }
}

export function distinctUntilChanged<T>(equals?: (a: T, b: T) => boolean): Thunk<T, T> {
  return thunk((source: OutputThing<T>) => new DistinctUntilChanged(source, equals));
}

declare module '../core/output-thing' {
  interface OutputThing<T> {
    /** Drop events equal to the one before. */
    distinctUntilChanged(equals?: (a: T, b: T) => boolean): Filter<T, T>;
  }
}
addFluentMethod('distinctUntilChanged', function (this: OutputThing<unknown>, equals?: (a: unknown, b: unknown) => boolean) {
  return new DistinctUntilChanged(this, equals);
});
