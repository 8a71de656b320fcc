import { thunk, type Filter, type Thunk } from '../core/filter';
import { addFluentMethod } from '../core/fluent';
import type { OutputThing } from '../core/output-thing';
import { waitMs, type Scheduler } from '../scheduler/scheduler';
import { TimedFilter } from './timed-filter';

/**
 * Pass at most one event per `intervalSec`: the first event passes, then
 * events are dropped until the interval has elapsed, by the scheduler's
 * unwrapped time (`Scheduler.now`), so a quiet spell longer than half a
 * wrapping clock's period does not shut the gate.
 */
export class ThrottleFilter<T> extends TimedFilter<T, T> {
  private readonly intervalMs: number;
  private lastPassed = 0;
  private passedAny = false;
  /** Events dropped so far. */
  dropped = 0;

  constructor(previous: OutputThing<T>, intervalSec: number, scheduler: Scheduler) {
    const intervalMs = waitMs(intervalSec, 'throttle interval');
    super(previous, scheduler);
    this.intervalMs = intervalMs;
  }

  override onNext(x: T): void {
    const now = this.scheduler.now();
    if (this.passedAny && now - this.lastPassed < this.intervalMs) {
      this.dropped++;
      return;
    }
    this.passedAny = true;
    this.lastPassed = now;
    this.out.onNext(x);
  }
}

export function throttle(intervalSec: number, scheduler: Scheduler) {
  return thunk(<T>(source: OutputThing<T>) => new ThrottleFilter(source, intervalSec, scheduler));
}

declare module '../core/output-thing' {
  interface OutputThing<T> {
    /** At most one event per `intervalSec`; the rest are dropped. */
    throttle(intervalSec: number, scheduler: Scheduler): Filter<T, T>;
  }
}
addFluentMethod('throttle', function (this: OutputThing<unknown>, intervalSec: number, scheduler: Scheduler) {
  return new ThrottleFilter(this, intervalSec, scheduler);
});
