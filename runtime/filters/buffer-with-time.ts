import { Filter, thunk, type Thunk } from '../core/filter';
import { addFluentMethod } from '../core/fluent';
import type { OutputThing } from '../core/output-thing';
import type { Scheduler, SchedulerTimer } from '../scheduler/scheduler';

/**
 * Collect events and emit them as an array every `intervalSec` seconds, or as
 * soon as `count` have arrived (the timer then restarts), as ThingFlow's
 * `BufferEventUntilTimeoutOrCount`. Empty batches are not emitted. The
 * remainder is flushed when the stream ends.
 */
export class BufferWithTimeOrCount<T> extends Filter<T, T[]> {
  private batch: T[] = [];
  private readonly timer: SchedulerTimer;

  constructor(
    previous: OutputThing<T>,
    private readonly intervalSec: number,
    private readonly count: number,
    private readonly scheduler: Scheduler,
  ) {
    super(previous);
    if (!(intervalSec > 0)) throw new RangeError(`buffer interval must be > 0 s, got ${intervalSec}`);
    if (!(count >= 1)) throw new RangeError(`buffer count must be >= 1, got ${count}`);
    this.timer = scheduler.createTimer(() => this.onTimeout());
    this.timer.start(intervalSec);
  }

  override onNext(x: T): void {
    this.batch.push(x);
    if (this.batch.length >= this.count) {
      this.flush();
      this.timer.start(this.intervalSec);
    }
  }

  override onCompleted(): void {
    this.scheduler.disposeTimer(this.timer);
    this.flush();
    this.dispatchCompleted();
  }

  override onError(e: unknown): void {
    this.scheduler.disposeTimer(this.timer);
    this.flush();
    this.dispatchError(e);
  }

  private onTimeout(): void {
    this.timer.start(this.intervalSec);
    this.flush();
  }

  private flush(): void {
    if (this.batch.length === 0) return;
    const full = this.batch;
    this.batch = [];
    this.dispatchNext(full);
  }
}

export function bufferWithTime(intervalSec: number, scheduler: Scheduler) {
  return thunk(<T>(source: OutputThing<T>) => new BufferWithTimeOrCount(source, intervalSec, Infinity, scheduler));
}
export function bufferWithTimeOrCount(intervalSec: number, count: number, scheduler: Scheduler) {
  return thunk(<T>(source: OutputThing<T>) => new BufferWithTimeOrCount(source, intervalSec, count, scheduler));
}

declare module '../core/output-thing' {
  interface OutputThing<T> {
    /** Emit what arrived in each `intervalSec` window, as an array. */
    bufferWithTime(intervalSec: number, scheduler: Scheduler): Filter<T, T[]>;
    /** Emit a batch every `intervalSec` or as soon as `count` events arrived, whichever is first. */
    bufferWithTimeOrCount(intervalSec: number, count: number, scheduler: Scheduler): Filter<T, T[]>;
  }
}
addFluentMethod('bufferWithTime', function (this: OutputThing<unknown>, intervalSec: number, scheduler: Scheduler) {
  return new BufferWithTimeOrCount(this, intervalSec, Infinity, scheduler);
});
addFluentMethod('bufferWithTimeOrCount', function (this: OutputThing<unknown>, intervalSec: number, count: number, scheduler: Scheduler) {
  return new BufferWithTimeOrCount(this, intervalSec, count, scheduler);
});
