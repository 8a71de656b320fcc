import type { Clock } from './clock';

export interface VirtualClockOptions {
  /** Tick value at creation (to test wrap-around, start just below `period`). */
  start?: number;
  /** Wrap `now()` modulo this many ticks. */
  period?: number;
  /** Wall-clock milliseconds at tick 0, for event timestamps. */
  epochMs?: number;
  /**
   * Offer `wakeEvery`, a repeating alarm, as a board's clock does
   * (hosts/moddable): a scheduler in a steady rhythm then arms it once instead
   * of calling `wake` after every wake. Off by default, so that each wake of
   * a scheduler is one `wake` call, as tests count them.
   */
  repeating?: boolean;
}

/**
 * A clock that moves only when told to: tests and the simulator run a day of
 * sensor readings in milliseconds, deterministically. It counts the wakes it
 * delivers, which is how many times a board would have left sleep.
 */
export class VirtualClock implements Clock {
  readonly period: number | undefined;
  readonly epochMs: number;
  /** Wakes delivered so far. */
  wakes = 0;
  private time: number;
  private pendingAt = -1;
  private pendingFn: (() => void) | undefined;
  /** Present when made with `repeating: true` (declared, not a field: a clock without it carries no slot for it). */
  declare readonly wakeEvery?: (ms: number, everyMs: number, fn: () => void) => void;
  /** The callback of a repeating wake, its interval, and `cancel` calls (a repeat goes on unless its callback cancelled). */
  private repeatFn: (() => void) | undefined;
  private repeatEvery = 0;
  private cancels = 0;

  constructor(opts: VirtualClockOptions = {}) {
    this.time = opts.start ?? 0;
    this.period = opts.period;
    this.epochMs = opts.epochMs ?? 0;
    if (opts.repeating) {
      this.wakeEvery = (ms, everyMs, fn) => {
        this.repeatFn = fn;
        this.repeatEvery = Math.max(1, everyMs);
        this.pendingAt = this.time + Math.max(0, ms);
        this.pendingFn = this.fireRepeating;
      };
    }
  }

  now(): number {
    return this.period === undefined ? this.time : this.time % this.period;
  }

  /** Unwrapped milliseconds since the clock's start value. */
  get elapsed(): number {
    return this.time;
  }

  /** Milliseconds until the pending wake, or `undefined` when none is pending. */
  get nextWakeIn(): number | undefined {
    return this.pendingFn ? this.pendingAt - this.time : undefined;
  }

  wake(ms: number, fn: () => void): void {
    this.pendingAt = this.time + Math.max(0, ms);
    this.pendingFn = fn;
  }

  cancel(): void {
    this.pendingFn = undefined;
    this.cancels++;
  }

  /** Move time forward by `ms`, delivering every wake that falls due on the way. */
  advance(ms: number): void {
    const target = this.time + ms;
    while (this.pendingFn && this.pendingAt <= target) this.fire();
    // A wake may itself move time on (a driver's blocking delay in the simulator): never go back.
    if (target > this.time) this.time = target;
  }

  /** Deliver wakes until none is pending, or until `maxMs` of virtual time have passed. */
  runUntilIdle(maxMs = Infinity): void {
    const limit = this.time + maxMs;
    while (this.pendingFn && this.pendingAt <= limit) this.fire();
    if (this.pendingFn && Number.isFinite(limit) && limit > this.time) this.time = limit;
  }

  /**
   * A repeating wake, delivered as a one-shot one: it is not pending while its
   * callback runs (a board's timer does not fire inside its own callback, even
   * through a blocking delay); then, unless the callback armed or cancelled a
   * wake, it goes on from this deadline, not from now (no drift), so a callback
   * that ran past the next deadline gets that wake at once, as on a board.
   */
  private readonly fireRepeating = (): void => {
    const deadline = this.pendingAt;
    const cancels = this.cancels;
    this.repeatFn!();
    if (this.pendingFn === undefined && this.cancels === cancels) {
      this.pendingFn = this.fireRepeating;
      this.pendingAt = deadline + this.repeatEvery;
    }
  };

  private fire(): void {
    const fn = this.pendingFn!;
    this.time = Math.max(this.time, this.pendingAt);
    this.pendingFn = undefined;
    this.wakes++;
    fn();
  }
}
