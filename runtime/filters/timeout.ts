import { thunk, type Filter, type Thunk } from '../core/filter';
import { addFluentMethod } from '../core/fluent';
import type { OutputThing } from '../core/output-thing';
import { waitMs, type Scheduler } from '../scheduler/scheduler';
import { TimedFilter } from './timed-filter';

/** The error `timeout()` ends a stream with when it goes quiet. */
export class TimeoutError extends Error {
  constructor(readonly intervalSec: number) {
    super(`no event within ${intervalSec} s`);
  }
}
// The name on the prototype, set once: on a board the preload freezes Error.prototype, and `this.name = ...`
// in the constructor would throw there ("set name: not writable", docs/moddable.md).
TimeoutError.prototype.name = 'TimeoutError';

/**
 * Pass events through; if none arrives within `intervalSec` of the previous
 * one (or of the start), end the stream with a `TimeoutError` and stop
 * listening upstream. The clock starts when the scheduler runs; waits of any
 * length work (the scheduler sleeps long ones in legs).
 */
export class TimeoutFilter<T> extends TimedFilter<T, T> {
  private readonly intervalMs: number;

  constructor(previous: OutputThing<T>, private readonly intervalSec: number, scheduler: Scheduler) {
    const intervalMs = waitMs(intervalSec, 'timeout');
    super(previous, scheduler);
    this.intervalMs = intervalMs;
    this.startTimer(intervalMs);
  }

  override onNext(x: T): void {
    this.startTimer(this.intervalMs);
    this.out.onNext(x);
  }

  protected override onTimer(): void {
    this.disconnectFromUpstream();
    this.dispatchError(new TimeoutError(this.intervalSec));
  }
}

/**
 * ThingFlow's `EventWatcher`: sees every event and makes the event that
 * stands in for a missing one.
 */
export interface EventWatcher<T> {
  onNext(x: T): void;
  produceEventForTimeout(): T;
  close?(): void;
}

/**
 * Pass events through; whenever `intervalSec` passes without one, emit
 * `watcher.produceEventForTimeout()` instead and start waiting again
 * (ThingFlow's `supply_event_when_timeout`), e.g. to report "no motion".
 * A watcher that throws ends the stream with its error; `watcher.close()`
 * is called when the stream ends or its last consumer goes.
 */
export class SupplyEventWhenTimeout<T> extends TimedFilter<T, T> {
  private readonly intervalMs: number;
  private watcherClosed = false;

  constructor(previous: OutputThing<T>, private readonly watcher: EventWatcher<T>, scheduler: Scheduler, intervalSec: number) {
    const intervalMs = waitMs(intervalSec, 'supplyEventWhenTimeout interval');
    super(previous, scheduler);
    this.intervalMs = intervalMs;
    this.startTimer(intervalMs);
  }

  override onNext(x: T): void {
    this.watcher.onNext(x); // a throw unwinds to the chain's guard, whose onError ends this stream
    this.startTimer(this.intervalMs);
    this.out.onNext(x);
  }

  protected override onClose(): void {
    super.onClose();
    this.closeWatcher();
  }

  /** Nobody listens any more: this stream is over as surely as if it had completed. */
  protected override onAbandoned(): void {
    super.onAbandoned();
    this.closeWatcher();
  }

  private closeWatcher(): void {
    if (this.watcherClosed) return;
    this.watcherClosed = true;
    this.watcher.close?.();
  }

  protected override onTimer(): void {
    // A throw here goes to TimedFilter's timer guard, which ends this stream with it.
    const standIn = this.watcher.produceEventForTimeout();
    this.startTimer(this.intervalMs);
    this.dispatchNext(standIn); // a timer callback is outside any dispatch: take the guarded path
  }
}

export function timeout(intervalSec: number, scheduler: Scheduler) {
  return thunk(<T>(source: OutputThing<T>) => new TimeoutFilter(source, intervalSec, scheduler));
}
export function supplyEventWhenTimeout<T>(watcher: EventWatcher<T>, scheduler: Scheduler, intervalSec: number): Thunk<T, T> {
  return thunk((source: OutputThing<T>) => new SupplyEventWhenTimeout(source, watcher, scheduler, intervalSec));
}

declare module '../core/output-thing' {
  interface OutputThing<T> {
    /** End the stream with a `TimeoutError` if no event arrives within `intervalSec`. */
    timeout(intervalSec: number, scheduler: Scheduler): Filter<T, T>;
    /** Emit `watcher.produceEventForTimeout()` each time `intervalSec` passes without an event. */
    supplyEventWhenTimeout(watcher: EventWatcher<T>, scheduler: Scheduler, intervalSec: number): Filter<T, T>;
  }
}
addFluentMethod('timeout', function (this: OutputThing<unknown>, intervalSec: number, scheduler: Scheduler) {
  return new TimeoutFilter(this, intervalSec, scheduler);
});
addFluentMethod('supplyEventWhenTimeout', function (this: OutputThing<unknown>, watcher: EventWatcher<unknown>, scheduler: Scheduler, intervalSec: number) {
  return new SupplyEventWhenTimeout(this, watcher, scheduler, intervalSec);
});
