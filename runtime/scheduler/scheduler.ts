/**
 * A power-aware scheduler, after ThingFlow-MicroPython's.
 *
 * Scheduled things are grouped by interval. The scheduler keeps exactly one
 * pending wake with its clock and asks for nothing in between, so each wake is
 * one time a board leaves sleep:
 * - everything is sampled first at `run()`, then every interval, and a late
 *   wake does not shift later deadlines (no drift);
 * - intervals that divide one another share wakes: a task added while running
 *   starts at the next deadline of a related interval, not at a time of its own;
 * - tick arithmetic is wrap-safe for clocks with a `period`;
 * - a thing that closes (completes or errors on every port), or that lost
 *   every connection it had, is descheduled; the scheduler stops when nothing
 *   is left.
 */
import { connectStep, type ChainStep } from '../core/filter';
import { isFatal } from '../core/errors';
import type { SensorEvent } from '../core/input-thing';
import type { OutputThing } from '../core/output-thing';
import { reportError } from '../core/report-error';
import { SensorAsOutputThing, type Sensor, type SensorOptions } from '../core/sensor';
import { defaultClock, ticksAdd, ticksDiff, type Clock } from './clock';

/**
 * A one-shot alarm owned by a filter (timeouts, time-based buffers). It is
 * allocated once and re-armed per event without allocating; the scheduler
 * folds armed timers into its single pending wake.
 */
export class SchedulerTimer {
  /** Tick at which it fires, when armed. */
  due = 0;
  armed = false;
  /** Armed before `run()`: `due` holds a delay that counts from the start. */
  startsAtRun = false;
  constructor(private readonly scheduler: Scheduler, readonly fire: () => void) {}

  /** Fire once, `sec` seconds from now (re-arming replaces the previous deadline). */
  start(sec: number): void {
    this.scheduler.armTimer(this, Math.round(sec * 1000));
  }

  /** `start` in milliseconds: for filters that re-arm on every event and keep the interval in ms. */
  startMs(ms: number): void {
    this.scheduler.armTimer(this, ms);
  }

  clear(): void {
    this.armed = false;
  }
}

/** Tasks that share one interval and therefore one deadline. */
class IntervalGroup {
  /** Replaced, never mutated, so a task may be removed while the group is sampled. */
  tasks: readonly OutputThing<any>[] = [];
  constructor(readonly intervalMs: number, public nextDue: number) {}
}

export interface SchedulerOptions {
  /** Called with a `FatalError` after the scheduler stopped because of it; without it, the error is rethrown. */
  onFatalError?: (e: unknown) => void;
  /** Called after every wake (and the first sampling at `run()`), e.g. for progress reports. */
  onWake?: (elapsedMs: number) => void;
}

export class Scheduler {
  readonly clock: Clock;
  /** Groups in ascending interval order; a new related interval joins the rhythm of the smallest related one. */
  private groups: IntervalGroup[] = [];
  /** Timers ever created; few and long-lived, so a flat list scanned per wake. */
  private timers: SchedulerTimer[] = [];
  /** True while tasks are being sampled: wake scheduling waits until the end. */
  private sampling = false;
  /** The tick of the wake being handled, while `sampling`: timers armed then count from it. */
  private sampleNow = 0;
  /** Tick of the pending wake, valid while `wakePending`. */
  private wakeAt = 0;
  private wakePending = false;
  private running = false;
  private lastNow = 0;
  /** Milliseconds since `run()`, unwrapped. */
  private elapsedMs = 0;
  private startMs = 0;
  private readonly wakeHandler = (): void => this.onWake();
  private readonly options: SchedulerOptions;
  /** The fatal error that stopped the scheduler, if any. */
  fatalError: unknown = undefined;
  /** Wakes handled (not counting the first sampling at `run()`). */
  wakeCount = 0;
  /** Deadlines skipped because a wake came later than a whole interval. */
  missedDeadlines = 0;

  constructor(clock?: Clock, options: SchedulerOptions = {}) {
    this.clock = clock ?? defaultClock();
    this.options = options;
  }

  /** A one-shot timer for a filter; create once, `start(sec)` as often as needed. */
  createTimer(fire: () => void): SchedulerTimer {
    const timer = new SchedulerTimer(this, fire);
    this.timers = this.timers.concat(timer);
    return timer;
  }

  /** Forget a timer for good (its filter has closed). */
  disposeTimer(timer: SchedulerTimer): void {
    timer.armed = false;
    this.timers = this.timers.filter((t) => t !== timer);
  }

  /** @internal used by `SchedulerTimer.start`. */
  armTimer(timer: SchedulerTimer, ms: number): void {
    timer.armed = true;
    timer.startsAtRun = !this.running;
    if (!this.running) {
      timer.due = ms;
      return;
    }
    const period = this.clock.period;
    if (this.sampling) {
      // The common case (a filter re-arming for an event of this wake): no clock read, no wake change.
      timer.due = period === undefined ? this.sampleNow + ms : ticksAdd(this.sampleNow, ms, period);
      return;
    }
    timer.due = ticksAdd(this.updateTime(), ms, period);
    // Between wakes an earlier deadline must bring the wake forward; during sampling the wake is set at the end.
    if (this.running && !this.sampling && (!this.wakePending || ticksDiff(timer.due, this.wakeAt, this.clock.period) < 0)) {
      this.scheduleNextWake();
    }
  }

  /** Tasks still scheduled. */
  get pending(): number {
    let n = 0;
    for (let i = 0; i < this.groups.length; i++) n += this.groups[i].tasks.length;
    return n;
  }

  get isRunning(): boolean {
    return this.running;
  }

  /** Milliseconds of scheduler time since `run()`. */
  get elapsed(): number {
    return this.elapsedMs;
  }

  /**
   * Observe `thing` every `intervalSec` seconds (fractions allowed, millisecond
   * resolution). Returns a function that deschedules it.
   */
  schedulePeriodic(thing: OutputThing<any>, intervalSec: number): () => void {
    const intervalMs = Math.round(intervalSec * 1000);
    if (!(intervalMs > 0)) throw new RangeError(`interval must be at least 1 ms, got ${intervalSec} s`);
    if (this.clock.period !== undefined && intervalMs >= this.clock.period / 2) {
      throw new RangeError(`interval ${intervalMs} ms does not fit half the clock period ${this.clock.period}`);
    }
    this.addTask(thing, intervalMs);
    return () => this.removeTask(thing);
  }

  /**
   * Wrap `sensor` in a `SensorAsOutputThing`, chain `steps` after it (filters,
   * thunks, input things; the last may be a sink) and schedule it.
   * Returns the sensor's output thing.
   */
  scheduleSensor<T>(sensor: Sensor<T>, intervalSec: number, ...steps: ChainStep<any>[]): OutputThing<SensorEvent<T>> {
    return this.scheduleSensorWith(sensor, intervalSec, {}, ...steps);
  }

  /** `scheduleSensor` with options for the sensor wrapper (e.g. `readErrors: 'skip'`). */
  scheduleSensorWith<T>(sensor: Sensor<T>, intervalSec: number, opts: SensorOptions, ...steps: ChainStep<any>[]): OutputThing<SensorEvent<T>> {
    const source = new SensorAsOutputThing<T>(sensor, opts);
    let prev: OutputThing<any> | undefined = source;
    for (const step of steps) {
      if (!prev) throw new TypeError('scheduleSensor: a sink can only be the last step');
      prev = connectStep(prev, step);
    }
    this.schedulePeriodic(source, intervalSec);
    return source;
  }

  /** Sample everything once now, then let wakes drive the work. Returns at once. */
  run(): void {
    if (this.running) return;
    this.running = true;
    this.fatalError = undefined;
    const now = this.clock.now();
    this.lastNow = now;
    this.startMs = now;
    this.elapsedMs = 0;
    for (let i = 0; i < this.groups.length; i++) this.groups[i].nextDue = now;
    for (let i = 0; i < this.timers.length; i++) {
      const timer = this.timers[i];
      if (timer.startsAtRun) timer.due = ticksAdd(now, timer.due, this.clock.period);
      timer.startsAtRun = false;
    }
    this.runDueTasks();
  }

  /** Cancel the pending wake; scheduled tasks stay scheduled for a later `run()`. */
  stop(): void {
    if (!this.running) return;
    this.running = false;
    this.wakePending = false;
    this.clock.cancel?.();
  }

  private onWake(): void {
    this.wakePending = false;
    if (!this.running) return;
    this.wakeCount++;
    this.runDueTasks();
  }

  private runDueTasks(): void {
    const period = this.clock.period;
    const now = this.updateTime();
    const timestampSec = ((this.clock.epochMs ?? 0) + this.startMs + this.elapsedMs) / 1000;
    this.sampleNow = now;
    this.sampling = true;
    try {
      // Timers first: a window that closes at this instant closes before this instant's samples arrive.
      this.fireDueTimers(now);
      // The group list is replaced, never mutated, when tasks come and go: walk this wake's snapshot.
      const groups = this.groups;
      for (let g = 0; g < groups.length; g++) {
        const group = groups[g];
        if ((period === undefined ? group.nextDue - now : ticksDiff(group.nextDue, now, period)) > 0) continue;
        const tasks = group.tasks;
        for (let t = 0; t < tasks.length; t++) this.observe(tasks[t], timestampSec);
        this.advanceDeadline(group, now);
      }
    } catch (e) {
      this.sampling = false;
      this.fail(e);
      return;
    }
    this.sampling = false;
    this.options.onWake?.(this.elapsedMs);
    this.scheduleNextWake();
  }

  private observe(thing: OutputThing<any>, timestampSec: number): void {
    try {
      thing.observe(timestampSec);
    } catch (e) {
      if (isFatal(e)) throw e;
      // A thing that throws out of observe() is broken, not just its data: report and deschedule it.
      reportError(`thingflow: ${String(thing)} threw from observe(); descheduled`, e);
      this.removeTask(thing);
      return;
    }
    if (thing.closed || thing.abandoned) this.removeTask(thing);
  }

  /** Next deadline is the previous one plus the interval, skipping any that already passed. */
  private advanceDeadline(group: IntervalGroup, now: number): void {
    const period = this.clock.period;
    group.nextDue = period === undefined ? group.nextDue + group.intervalMs : ticksAdd(group.nextDue, group.intervalMs, period);
    const late = period === undefined ? now - group.nextDue : ticksDiff(now, group.nextDue, period);
    if (late >= 0) {
      const skipped = Math.floor(late / group.intervalMs) + 1;
      this.missedDeadlines += skipped;
      group.nextDue = ticksAdd(group.nextDue, skipped * group.intervalMs, period);
    }
  }

  private fireDueTimers(now: number): void {
    const timers = this.timers;
    const period = this.clock.period;
    for (let i = 0; i < timers.length; i++) {
      const timer = timers[i];
      if (timer.armed && (period === undefined ? timer.due - now : ticksDiff(timer.due, now, period)) <= 0) {
        timer.armed = false;
        timer.fire();
      }
    }
  }

  private scheduleNextWake(): void {
    if (!this.running) return;
    const period = this.clock.period;
    const now = this.updateTime();
    let sleep = Infinity;
    const groups = this.groups;
    for (let i = 0; i < groups.length; i++) {
      const due = groups[i].nextDue;
      const d = period === undefined ? due - now : ticksDiff(due, now, period);
      if (d < sleep) sleep = d;
    }
    const timers = this.timers;
    for (let i = 0; i < timers.length; i++) {
      const timer = timers[i];
      if (!timer.armed) continue;
      const d = period === undefined ? timer.due - now : ticksDiff(timer.due, now, period);
      if (d < sleep) sleep = d;
    }
    if (sleep === Infinity) {
      // Nothing scheduled and no timer armed: the dataflow is finished.
      this.stop();
      return;
    }
    if (sleep < 0) sleep = 0;
    this.wakeAt = period === undefined ? now + sleep : ticksAdd(now, sleep, period);
    this.wakePending = true;
    this.clock.wake(sleep, this.wakeHandler);
  }

  /** Read the clock and advance the unwrapped elapsed time; returns the raw tick. */
  private updateTime(): number {
    const now = this.clock.now();
    const period = this.clock.period;
    this.elapsedMs += period === undefined ? now - this.lastNow : ticksDiff(now, this.lastNow, period);
    this.lastNow = now;
    return now;
  }

  private addTask(thing: OutputThing<any>, intervalMs: number): void {
    for (let i = 0; i < this.groups.length; i++) {
      if (this.groups[i].tasks.includes(thing)) throw new Error(`${String(thing)} is already scheduled`);
    }
    let group = this.groups.find((g) => g.intervalMs === intervalMs);
    if (!group) {
      // ThingFlow-MicroPython's rule: take the next deadline of the first related interval, else now.
      const related = this.groups.find((g) => g.intervalMs % intervalMs === 0 || intervalMs % g.intervalMs === 0);
      const now = this.running ? this.updateTime() : 0;
      group = new IntervalGroup(intervalMs, related ? related.nextDue : now);
      this.groups = this.groups.concat(group).sort((a, b) => a.intervalMs - b.intervalMs);
      if (this.running && !related && !this.sampling) this.scheduleNextWake();
    }
    group.tasks = group.tasks.concat(thing);
  }

  private removeTask(thing: OutputThing<any>): void {
    for (let i = 0; i < this.groups.length; i++) {
      const group = this.groups[i];
      const at = group.tasks.indexOf(thing);
      if (at < 0) continue;
      group.tasks = group.tasks.filter((t) => t !== thing);
      if (group.tasks.length === 0) this.groups = this.groups.filter((g) => g !== group);
      // With no tasks left the scheduler stops once no timer is armed (checked when the wake is set).
      if (this.groups.length === 0 && this.running && !this.sampling) this.scheduleNextWake();
      return;
    }
  }

  private fail(e: unknown): void {
    if (!isFatal(e)) {
      reportError('thingflow: unexpected error in scheduler', e);
    }
    this.fatalError = e;
    this.stop();
    if (this.options.onFatalError) this.options.onFatalError(e);
    else throw e;
  }
}
