import { Filter, thunk, type Thunk } from '../core/filter';
import { addFluentMethod } from '../core/fluent';
import type { OutputThing } from '../core/output-thing';
import type { Scheduler, SchedulerTimer } from '../scheduler/scheduler';

/** The error `timeout()` ends a stream with when it goes quiet. */
export class TimeoutError extends Error {
  constructor(readonly intervalSec: number) {
    super(`no event within ${intervalSec} s`);
    this.name = 'TimeoutError';
  }
}

/**
 * Pass events through; if none arrives within `intervalSec` of the previous
 * one (or of the start), end the stream with a `TimeoutError` and stop
 * listening upstream. The clock starts when the scheduler runs.
 */
export class TimeoutFilter<T> extends Filter<T, T> {
  private readonly timer: SchedulerTimer;
  private readonly intervalMs: number;

  constructor(previous: OutputThing<T>, private readonly intervalSec: number, private readonly scheduler: Scheduler) {
    super(previous);
    this.intervalMs = Math.round(intervalSec * 1000);
    this.timer = scheduler.createTimer(() => this.onTimeout());
    this.timer.startMs(this.intervalMs);
  }

  override onNext(x: T): void {
    this.timer.startMs(this.intervalMs);
    this.out.onNext(x);
  }

  override onCompleted(): void {
    this.scheduler.disposeTimer(this.timer);
    this.dispatchCompleted();
  }

  override onError(e: unknown): void {
    this.scheduler.disposeTimer(this.timer);
    this.dispatchError(e);
  }

  private onTimeout(): void {
    this.scheduler.disposeTimer(this.timer);
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
 */
export class SupplyEventWhenTimeout<T> extends Filter<T, T> {
  private readonly timer: SchedulerTimer;
  private readonly intervalMs: number;

  constructor(
    previous: OutputThing<T>,
    private readonly watcher: EventWatcher<T>,
    private readonly scheduler: Scheduler,
    intervalSec: number,
  ) {
    super(previous);
    this.intervalMs = Math.round(intervalSec * 1000);
    this.timer = scheduler.createTimer(() => this.onTimeout());
    this.timer.startMs(this.intervalMs);
  }

  override onNext(x: T): void {
    this.watcher.onNext(x); // a throw unwinds to the chain's guard, whose onError reaches close()
    this.timer.startMs(this.intervalMs);
    this.out.onNext(x);
  }

  override onCompleted(): void {
    this.close();
    this.dispatchCompleted();
  }

  override onError(e: unknown): void {
    this.close();
    this.dispatchError(e);
  }

  private close(): void {
    this.scheduler.disposeTimer(this.timer);
    this.watcher.close?.();
  }

  private onTimeout(): void {
    let standIn: T;
    try {
      standIn = this.watcher.produceEventForTimeout();
    } catch (e) {
      this.close();
      this.failed(e);
      return;
    }
    this.timer.startMs(this.intervalMs);
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
