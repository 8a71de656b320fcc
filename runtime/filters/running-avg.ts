import { Filter, thunk, type Thunk } from '../core/filter';
import { addFluentMethod } from '../core/fluent';
import type { OutputThing } from '../core/output-thing';

/**
 * The mean of the last `n` numbers (fewer while the window fills), emitted for
 * every input. A running sum makes each step O(1); it is recomputed from the
 * window each time the ring wraps so rounding error cannot accumulate over
 * months of samples.
 */
export class RunningAverage extends Filter<number, number> {
  private readonly window: Float64Array;
  private next = 0;
  private count = 0;
  private sum = 0;
  private laps = 0;

  constructor(previous: OutputThing<number>, private readonly n: number) {
    super(previous);
    if (!(n >= 1) || !Number.isInteger(n)) throw new RangeError(`runningAvg(${n}): window must be a positive integer`);
    this.window = new Float64Array(n);
  }

  override onNext(x: number): void {
    const w = this.window;
    const i = this.next;
    this.sum += x - w[i];
    w[i] = x;
    if (i + 1 < this.n) {
      this.next = i + 1;
    } else {
      this.next = 0;
      // Re-sum every 60 laps so rounding error cannot build up; every lap would cost ~10 computrons/event for n=5.
      if (++this.laps === 60) {
        this.laps = 0;
        let s = 0;
        for (let k = 0; k < this.n; k++) s += w[k];
        this.sum = s;
      }
    }
    if (this.count < this.n) this.count++;
    this.out.onNext(this.sum / this.count);
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
