import { Filter, thunk, type Thunk } from '../core/filter';
import { addFluentMethod } from '../core/fluent';
import { isolatesErrors } from '../core/output-thing';
import type { OutputThing } from '../core/output-thing';

/** Pass an event only when it differs from the previous one (`===`, or `equals`). */
export class DistinctUntilChanged<T> extends Filter<T, T> {
  private hasPrevious = false;
  private previous: T | undefined;

  constructor(previous: OutputThing<T>, private readonly equals?: (a: T, b: T) => boolean) {
    super(previous);
  }

  override onNext(x: T): void {
    if (this.hasPrevious) {
      let same: boolean;
      try {
        same = this.equals ? this.equals(this.previous as T, x) : this.previous === x;
      } catch (e) {
        this.failed(e);
        return;
      }
      if (same) return;
    }
    this.hasPrevious = true;
    this.previous = x;
    this.out.onNext(x);
  }
}
isolatesErrors(DistinctUntilChanged);

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
