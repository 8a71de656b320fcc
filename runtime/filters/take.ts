import { Filter, checkCount, thunk, type Thunk } from '../core/filter';
import { addFluentMethod } from '../core/fluent';
import type { OutputThing } from '../core/output-thing';

/**
 * Pass the first `count` events, then complete and disconnect from upstream
 * (so a scheduled source with nothing else downstream is descheduled).
 */
export class TakeFilter<T> extends Filter<T, T> {
  private taken = 0;

  constructor(previous: OutputThing<T>, private readonly count: number) {
    checkCount(count, 'take', 'count', 0, true);
    super(previous);
  }

  override onNext(x: T): void {
    if (this.taken < this.count) {
      this.taken++;
      this.out.onNext(x);
    }
    if (this.taken >= this.count) {
      this.disconnectFromUpstream();
      this.dispatchCompleted();
    }
  }
}

export function take(count: number) {
  return thunk(<T>(source: OutputThing<T>) => new TakeFilter(source, count));
}

/** The first event only: `take(1)`. */
export function first() {
  return take(1);
}

declare module '../core/output-thing' {
  interface OutputThing<T> {
    /** Pass the first `count` events, then complete. */
    take(count: number): Filter<T, T>;
    /** Pass the first event, then complete. */
    first(): Filter<T, T>;
  }
}
addFluentMethod('take', function (this: OutputThing<unknown>, count: number) {
  return new TakeFilter(this, count);
});
addFluentMethod('first', function (this: OutputThing<unknown>) {
  return new TakeFilter(this, 1);
});
