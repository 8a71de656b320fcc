import { Filter, checkCount, thunk, type Thunk } from '../core/filter';
import { addFluentMethod } from '../core/fluent';
import type { OutputThing } from '../core/output-thing';

/** Drop the first `count` events, pass the rest. */
export class SkipFilter<T> extends Filter<T, T> {
  private skipped = 0;

  constructor(previous: OutputThing<T>, private readonly count: number) {
    checkCount(count, 'skip', 'count', 0, true);
    super(previous);
  }

  override onNext(x: T): void {
    if (this.skipped < this.count) this.skipped++;
    else this.out.onNext(x);
  }
}

export function skip(count: number) {
  return thunk(<T>(source: OutputThing<T>) => new SkipFilter(source, count));
}

declare module '../core/output-thing' {
  interface OutputThing<T> {
    /** Drop the first `count` events. */
    skip(count: number): Filter<T, T>;
  }
}
addFluentMethod('skip', function (this: OutputThing<unknown>, count: number) {
  return new SkipFilter(this, count);
});
