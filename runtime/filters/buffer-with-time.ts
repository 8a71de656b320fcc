import { checkCount, thunk, type Filter } from '../core/filter';
import { addFluentMethod } from '../core/fluent';
import type { OutputThing } from '../core/output-thing';
import { waitMs, type Scheduler } from '../scheduler/scheduler';
import { TimedFilter } from './timed-filter';

/**
 * Collect events and emit them as an array every `intervalSec` seconds, or as
 * soon as `count` have arrived (the timer then restarts), as ThingFlow's
 * `BufferEventUntilTimeoutOrCount`. Empty batches are not emitted. The
 * remainder is flushed when the stream ends. Its timer goes when the stream
 * ends or nobody listens any more (`TimedFilter`).
 */
export class BufferWithTimeOrCount<T> extends TimedFilter<T, T[]> {
  private batch: T[] = [];
  private readonly intervalMs: number;

  constructor(previous: OutputThing<T>, intervalSec: number, private readonly count: number, scheduler: Scheduler) {
    const intervalMs = waitMs(intervalSec, 'buffer interval');
    checkCount(count, 'bufferWithTimeOrCount', 'count', 1, true);
    super(previous, scheduler);
    this.intervalMs = intervalMs;
    this.startTimer(intervalMs);
  }

  override onNext(x: T): void {
    this.batch.push(x);
    if (this.batch.length >= this.count) {
      this.flush();
      this.startTimer(this.intervalMs);
    }
  }

  override onCompleted(): void {
    this.flush();
    this.dispatchCompleted();
  }

  override onError(e: unknown): void {
    this.flush();
    this.dispatchError(e);
  }

  protected override onTimer(): void {
    this.startTimer(this.intervalMs);
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
