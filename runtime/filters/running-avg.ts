import { Filter, thunk, type Thunk } from '../core/filter';
import { addFluentMethod } from '../core/fluent';
import type { OutputThing } from '../core/output-thing';
import { WindowMean } from './window-mean';

/**
 * The mean of the last `n` numbers (fewer while the window fills), emitted for
 * every input (`WindowMean`). A non-finite input (NaN, ±Infinity) is dropped
 * and counted in `nonFinite`: nothing is emitted for it and the mean of the
 * finite numbers carries on.
 */
export class RunningAverage extends Filter<number, number> {
  private readonly window: WindowMean;

  constructor(previous: OutputThing<number>, n: number) {
    const window = new WindowMean(n, 'runningAvg');
    super(previous);
    this.window = window;
  }

  /** Non-finite inputs dropped so far. */
  get nonFinite(): number {
    return this.window.nonFinite;
  }

  override onNext(x: number): void {
    const w = this.window;
    if (w.push(x)) this.out.onNext(w.mean);
  }
}

export function runningAvg(n: number): Thunk<number, number> {
  return thunk((source: OutputThing<number>) => new RunningAverage(source, n));
}

declare module '../core/output-thing' {
  interface OutputThing<T> {
    /** The mean of the last `n` numbers, for each input number. */
    runningAvg(this: OutputThing<number>, n: number): Filter<number, number>;
  }
}
addFluentMethod('runningAvg', function (this: OutputThing<number>, n: number) {
  return new RunningAverage(this, n);
});
