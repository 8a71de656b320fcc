import { classNameOf } from '../core/class-name';
import { Filter } from '../core/filter';
import type { OutputThing } from '../core/output-thing';
import { reportError } from '../core/report-error';
import type { Scheduler, SchedulerTimer } from '../scheduler/scheduler';

/**
 * The base of every filter that works with time (`bufferWithTime`,
 * `timeout`, `supplyEventWhenTimeout`, `throttle`): it owns at most one
 * scheduler timer and gives it back when the filter is done with it, so a
 * finished or abandoned branch never keeps the board awake:
 * - the timer is disposed when the filter closes (completed or errored) and
 *   when it is abandoned (its last consumer went away);
 * - a timer callback that throws ends this filter's branch with the error,
 *   as a throwing sensor or map function does; the scheduler keeps running;
 * - `now()` is the scheduler's unwrapped time, right across tick wrap-around.
 */
export abstract class TimedFilter<I, O = I> extends Filter<I, O> {
  private timer: SchedulerTimer | undefined;
  /** Bound once, so arming and firing allocate nothing. */
  private readonly timerFired = (): void => this.onTimer();
  private readonly timerThrew = (e: unknown): void => this.timerFailed(e);

  constructor(previous: OutputThing<I>, protected readonly scheduler: Scheduler) {
    super(previous);
  }

  /** (Re-)arm this filter's timer to call `onTimer` in `ms` milliseconds. */
  protected startTimer(ms: number): void {
    let timer = this.timer;
    if (timer === undefined) {
      if (this.closed) return; // a filter that is done does not take a timer again
      timer = this.timer = this.scheduler.createTimer(this.timerFired, this.timerThrew);
    }
    this.scheduler.armTimer(timer, ms);
  }

  /** Disarm the timer (it stays this filter's, ready to start again). */
  protected stopTimer(): void {
    if (this.timer !== undefined) this.timer.armed = false;
  }

  /** Scheduler time in ms (see `Scheduler.now`): for comparing instants without tick arithmetic. */
  protected now(): number {
    return this.scheduler.now();
  }

  /** The timer fired. What it throws ends this branch (see `timerFailed`). */
  protected onTimer(): void {}

  protected override onClose(): void {
    this.releaseTimer();
  }

  protected override onAbandoned(): void {
    this.releaseTimer();
    super.onAbandoned();
  }

  private releaseTimer(): void {
    const timer = this.timer;
    if (timer === undefined) return;
    this.timer = undefined;
    this.scheduler.disposeTimer(timer);
  }

  /** `onTimer` threw (the scheduler has disposed the timer): end the branch with the error, as a throwing map would. */
  private timerFailed(e: unknown): void {
    this.timer = undefined;
    if (this.closed) reportError(`thingflow: ${classNameOf(this, 'a timed filter')}: its timer threw after the stream ended`, e);
    else this.failed(e);
  }
}
