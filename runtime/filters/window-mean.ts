/**
 * The mean of the last `n` numbers, in O(1) per number and no allocation: the
 * one implementation behind the `runningAvg` filter and the `SlidingMean`
 * transducer.
 *
 * A non-finite number (NaN, ±Infinity: a failed read, a glitch) is not
 * added: it would poison the running sum for good. `push` returns false for
 * it and counts it in `nonFinite`; the mean stays that of the finite numbers.
 *
 * A running sum makes each step O(1); it is recomputed from the window every
 * 60 laps of the ring, so rounding error cannot build up over months of
 * samples (every lap would cost ~10 computrons per number on XS for n = 5).
 */
export class WindowMean {
  /** The mean after the latest accepted number (NaN before the first). */
  mean = NaN;
  /** Non-finite numbers refused so far. */
  nonFinite = 0;
  private readonly window: Float64Array;
  private next = 0;
  private count = 0;
  private sum = 0;
  private laps = 0;

  constructor(readonly n: number, what: string) {
    if (!(n >= 1) || !Number.isInteger(n)) throw new RangeError(`${what}(${n}): window must be a positive integer`);
    this.window = new Float64Array(n);
  }

  /** Add `x` and update `mean`; false (and nothing changes) when `x` is not finite. */
  push(x: number): boolean {
    if (x - x !== 0) {
      // NaN - NaN and Infinity - Infinity are NaN: one subtraction tests both, cheaper than Number.isFinite on XS.
      this.nonFinite++;
      return false;
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
    if (this.count < this.n) this.count++;
    this.mean = this.sum / this.count;
    return true;
  }
}
