import { Filter, checkCount, thunk, type Thunk } from '../core/filter';
import { addFluentMethod } from '../core/fluent';
import type { OutputThing } from '../core/output-thing';

/**
 * The mean of the last `n` numbers (fewer while the window fills), emitted for
 * every input. This is the one sliding-mean implementation: the `SlidingMean`
 * transducer runs it too.
 *
 * A non-finite input (NaN, ±Infinity: a failed read, a glitch) is dropped and
 * counted in `nonFinite`: nothing is emitted for it and the mean of the finite
 * numbers carries on. Added to the running sum it would poison it for good.
 *
 * A running sum makes each step O(1); it is recomputed from the window every
 * 60 laps of the ring, so rounding error cannot build up over months of
 * samples (every lap would cost ~10 computrons per event on XS for n = 5). The
 * code is inline in `onNext`: a helper call would cost ~16 computrons per event.
 */
export class RunningAverage extends Filter<number, number> {
  /** Non-finite inputs dropped so far. */
  nonFinite = 0;
  private readonly window: number[];
  private next = 0;
  private sum = 0;
  private laps = 0;

  constructor(previous: OutputThing<number>, private readonly n: number, what = 'runningAvg') {
    checkCount(n, what, 'window', 1);
    super(previous);
    // A plain array of numbers: on XS its element access costs less than a Float64Array's, and holds no per-write allocation.
    const zeros: number[] = [];
    for (let i = 0; i < n; i++) zeros.push(0); // not `fill`: a built-in the firmware would link for this alone
    this.window = zeros;
    // Until the window is full the mean is over fewer numbers: a separate method for the first lap
    // keeps a fill count and its test out of every later event (about 6 computrons each on XS).
    // Defined, not assigned: on a board the preloaded prototype is frozen, and assigning over its
    // `onNext` throws "not writable"; an own property defined here can be reassigned when full.
    Object.defineProperty(this, 'onNext', { value: this.fillWindow, writable: true, configurable: true });
  }

  override onNext(x: number): void {
    if (x - x !== 0) {
      // NaN - NaN and Infinity - Infinity are NaN: one subtraction tests both, cheaper than Number.isFinite on XS.
      this.nonFinite++;
      return;
    }
    const w = this.window;
    const i = this.next;
    this.sum += x - w[i];
    w[i] = x;
    if (i + 1 < this.n) {
      this.next = i + 1;
    } else {
      this.next = 0;
      if (++this.laps === 60) {
        this.laps = 0;
        let s = 0;
        for (let k = 0; k < this.n; k++) s += w[k];
        this.sum = s;
      }
    }
    this.out.onNext(this.sum / this.n);
  }

  /** `onNext` during the first lap: the window is still filling, the mean is over the numbers seen so far. */
  private fillWindow(x: number): void {
    if (x - x !== 0) {
      this.nonFinite++;
      return;
    }
    const i = this.next;
    this.window[i] = x;
    this.sum += x;
    if (i + 1 < this.n) {
      this.next = i + 1;
    } else {
      this.next = 0;
      this.onNext = RunningAverage.prototype.onNext; // full: the steady-state method from now on
    }
    this.out.onNext(this.sum / (i + 1));
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
