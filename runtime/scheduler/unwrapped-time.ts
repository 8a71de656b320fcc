import type { Clock } from './clock';

/**
 * A clock's ticks as unwrapped milliseconds: the one place raw ticks are
 * compared. Every deadline, timer and throttle works in these milliseconds,
 * so nothing else has to think about wrap-around.
 *
 * On a clock with a `period` (Moddable's `Time.ticks >>> 0` wraps every
 * 2^32 ms, 49.7 days) the difference between two reads is only known modulo
 * the period, and is taken in `[-period/2, period/2)`: reads must come less
 * than half a period apart. The scheduler guarantees it while it runs by never
 * sleeping longer than `maxSleepMs` (a quarter period), which leaves a wake a
 * quarter period of lateness before time would be misread.
 */
export class UnwrappedTime {
  /** The longest the scheduler may sleep between two reads: a quarter period, or unbounded. */
  readonly maxSleepMs: number;
  /** The raw tick of the latest read. */
  lastTick: number;
  private ms = 0;
  /**
   * The clock's period (read once: it is readonly), 0 for a clock that does not
   * wrap (not `undefined`: on XS, reading `undefined` is a global lookup, ~500
   * cycles on a Cortex-M0+), and half of it.
   */
  private readonly period: number;
  private readonly halfPeriod: number;

  constructor(private readonly clock: Clock) {
    this.lastTick = clock.now();
    const period = clock.period ?? 0;
    this.period = period;
    this.halfPeriod = period === 0 ? Infinity : period / 2;
    this.maxSleepMs = period === 0 ? Infinity : period / 4;
  }

  /**
   * Read the clock: milliseconds since this object was made, never wrapping.
   * `ticksDiff` inline (the same arithmetic): this runs twice per wake, and on
   * XS a call costs more than the arithmetic.
   */
  read(): number {
    const tick = this.clock.now();
    const period = this.period;
    if (period === 0) {
      this.ms += tick - this.lastTick;
    } else {
      let d = tick - this.lastTick;
      const half = this.halfPeriod;
      // Reads come less than half a period apart, so `d` is usually in range as it is: the remainder
      // (a floating-point `%` on XS, as ticks pass 2^31) only for a wrap or a tick outside [0, period).
      if (d >= half || d < -half) {
        d %= period;
        if (d >= half) d -= period;
        else if (d < -half) d += period;
      }
      this.ms += d;
    }
    this.lastTick = tick;
    return this.ms;
  }
}
