import { Filter, thunk, type Thunk } from '../core/filter';
import { addFluentMethod } from '../core/fluent';
import type { OutputThing } from '../core/output-thing';
import { ticksDiff } from '../scheduler/clock';
import type { Scheduler } from '../scheduler/scheduler';

/**
 * Pass at most one event per `intervalSec`: the first event passes, then
 * events are dropped until the interval has elapsed (by the scheduler's clock).
 */
export class ThrottleFilter<T> extends Filter<T, T> {
  private readonly intervalMs: number;
  private lastPassed = 0;
  private passedAny = false;
  /** Events dropped so far. */
  dropped = 0;

  constructor(previous: OutputThing<T>, intervalSec: number, private readonly scheduler: Scheduler) {
    super(previous);
    this.intervalMs = Math.round(intervalSec * 1000);
  }

  override onNext(x: T): void {
    const clock = this.scheduler.clock;
    const now = clock.now();
    if (this.passedAny && ticksDiff(now, this.lastPassed, clock.period) < this.intervalMs) {
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
