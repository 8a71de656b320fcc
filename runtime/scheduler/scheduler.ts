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
 * - all times are unwrapped milliseconds (`UnwrappedTime`, the one place
 *   raw ticks are compared); on a clock with a `period` no sleep is longer than
 *   a quarter period, so waits of any length (a 30-day interval or timeout on
 *   a 2^32 ms clock) are slept in legs and wrap-around is never misread;
 * - a timer callback that throws is reported to its owner (a timed filter
 *   ends its branch with the error) or to `reportError`, and disposed: one
 *   failing timer does not stop the board;
 * - a task descheduled, closed or abandoned during a wake (by a sibling's
 *   sink, say) is not sampled again in that wake;
 * - a thing that closes (completes or errors on every port), or that lost
 *   every connection it had, is descheduled; the scheduler stops when nothing
 *   is left;
 * - on a clock with a repeating alarm (`Clock.wakeEvery`, as a Moddable
 *   board's), a steady rhythm (intervals that are multiples of the smallest,
 *   no timers) is armed once: each wake then samples and sleeps again without
 *   a second clock read or a host call. Any change, or a wake over 1 ms late,
 *   sets the next wake from the deadlines as usual, so the rhythm cannot drift.
 */
import { connectStep, type ChainStep } from '../core/filter';
import { isFatal } from '../core/errors';
import { indexIn, withInserted, withRemoved } from '../core/list-copy';
import type { SensorEvent } from '../core/input-thing';
import type { OutputThing } from '../core/output-thing';
import { reportError } from '../core/report-error';
import { SensorAsOutputThing, type Sensor, type SensorOptions } from '../core/sensor';
import { PLAUSIBLE_EPOCH_MS, defaultClock, type Clock } from './clock';
import { UnwrappedTime } from './unwrapped-time';

/**
 * A wait in milliseconds from seconds: at least 1 ms, finite. Intervals and
 * timers of any length are fine (they are slept in legs); what is refused is
 * what cannot be a wait.
 */
export function waitMs(sec: number, what: string): number {
  const ms = Math.round(sec * 1000);
  if (!(ms >= 1 && ms < Infinity)) throw new RangeError(`${what} must be a finite number of seconds, at least 0.001, got ${sec}`);
  return ms;
}

/**
 * A one-shot alarm owned by a filter (timeouts, time-based buffers). It is
 * allocated once and re-armed per event without allocating; the scheduler
 * folds armed timers into its single pending wake.
 */
export class SchedulerTimer {
  /** Scheduler time (unwrapped ms, see `Scheduler.now`) at which it fires, when armed. */
  due = 0;
  armed = false;
  /** Armed before `run()`: `due` holds a delay that counts from the start. */
  startsAtRun = false;
  constructor(
    private readonly scheduler: Scheduler,
    readonly fire: () => void,
    /** Gets what `fire` threw (an ordinary error); without it the error goes to `reportError`. The timer is disposed either way. */
    readonly onError?: (e: unknown) => void,
  ) {}

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

/** The scheduler's callbacks, read once when it is made. */
export interface SchedulerOptions {
  /** Called with a `FatalError` after the scheduler stopped because of it; without it, the error is rethrown. */
  onFatalError?: (e: unknown) => void;
  /** Called after every wake (and the first sampling at `run()`), e.g. for progress reports. */
  onWake?: (elapsedMs: number) => void;
}

/**
 * How late a wake on a repeating alarm may come and the alarm still be kept.
 * A board's timer (Moddable's modTimer.c) fires in the millisecond it is due
 * and repeats from that deadline, but it counts its first delay from when it
 * was armed, which can be a millisecond after the clock read the delay was
 * worked out from: so a wake 1 ms late is on time, and a steady rhythm stays
 * at most that much behind its deadlines without adding up.
 */
const REPEAT_LATENESS_MS = 1;

/**
 * "No deadline" in the searches for the earliest one. A module constant: on XS `Infinity` is a global,
 * and each read of it a lookup in the global object.
 */
const NO_DEADLINE = Infinity;

/**
 * A clock set again by no more than this is slewed to its new time, not stepped: a crystal's drift between
 * re-syncs (an RP2040's ±30 ppm is 0.65 s in the 6 h between a Pico W's SNTP answers). More is a clock that
 * was wrong, not drifting, and is stepped, as is the time first learnt.
 */
const SLEW_LIMIT_MS = 1000;
/** The slew's rate, adjtime(3)'s 500 ppm: a stamp moves by 0.9995 to 1.0005 s a second meanwhile, never back. */
const SLEW_RATE = 0.0005;

export class Scheduler {
  readonly clock: Clock;
  /** The clock's ticks as unwrapped ms: every deadline below is in these. */
  private readonly time: UnwrappedTime;
  /** Groups in ascending interval order; a new related interval joins the rhythm of the smallest related one. */
  private groups: IntervalGroup[] = [];
  /** Timers ever created; few and long-lived, so a flat list scanned per wake. */
  private timers: SchedulerTimer[] = [];
  /**
   * `timers.length`, kept as a field: every wake asks whether there are timers, and on XS an
   * array's `length` is a host getter call (~1,000 cycles on a Cortex-M0+), a field a few bytecodes.
   */
  private timerCount = 0;
  /** True while tasks are being sampled: wake scheduling waits until the end. */
  private sampling = false;
  /** The time of the wake being handled, while `sampling`: timers armed then count from it. */
  private sampleNow = 0;
  /** Time of the pending wake, valid while `wakePending`. */
  private wakeAt = 0;
  private wakePending = false;
  /**
   * The interval of the repeating alarm the clock holds (`Clock.wakeEvery`),
   * or 0 when the pending wake is a one-shot `wake`. While the scheduler is in
   * a steady rhythm (intervals that are multiples of the smallest, no timers,
   * wakes on time) the alarm already wakes it at each next deadline, so a wake
   * re-arms nothing and reads the clock once.
   */
  private repeatingMs = 0;
  /** The clock offers `wakeEvery` (read once: without it a wake pays nothing for the steady-rhythm mode). */
  private readonly clockRepeats: boolean;
  private running = false;
  /** Milliseconds since `run()`, as of the latest clock read. */
  private elapsedMs = 0;
  /** `time` at `run()`. */
  private runAt = 0;
  /**
   * Wall-clock ms at `run()` for event timestamps: the clock's `epochMs` (wall-clock time at tick 0)
   * plus the raw tick at `run()`, added once there and not at every wake; ms since the clock's tick 0
   * while the clock does not know the wall time (and from the wake it learns it, or is set again, the
   * wall time then less the time since `run()`).
   */
  private runEpochMs = 0;
  /** The clock's `epochMs` that `runEpochMs` comes from: a wake that finds another takes it (NaN while slewing to it). */
  private runEpochFrom: number | undefined;
  /** `runEpochMs` is on its way to the clock's newest time (`learnEpoch`), a little at each wake. */
  private slewing = false;
  /**
   * What the clock calls at a wake. The wake's own steps are inline here, not
   * a call to an `onWake` method: on a board each JavaScript call of a wake
   * costs ~2,000 CPU cycles (docs/performance.md, firmware).
   */
  private readonly wakeHandler = (): void => {
    this.wakePending = false;
    if (!this.running) return;
    this.wakeCount++;
    this.runDueTasks();
    this.scheduleNextWake();
  };
  /**
   * What a repeating alarm (`Clock.wakeEvery`) calls. In a steady rhythm the
   * alarm is already set for the next deadline: nothing to arm, and the wake
   * reads the clock once.
   */
  private readonly repeatingWakeHandler = (): void => {
    const due = this.wakeAt;
    this.wakeAt = due + this.repeatingMs;
    if (!this.running) return;
    this.wakeCount++;
    this.runDueTasks();
    // Still steady if this wake came on time and the alarm's next time is the earliest deadline. Else
    // the next wake is set as usual: a task came or went, a timer was made, the wake was late (a busy
    // board; or a host timer that repeats from when it ran, as GLib's on Moddable's desktop simulators,
    // whose lateness would add up).
    if (this.timerCount === 0 && this.sampleNow - due <= REPEAT_LATENESS_MS) {
      const groups = this.groups;
      let next = NO_DEADLINE;
      for (let i = 0, n = groups.length; i < n; i++) {
        if (groups[i].nextDue < next) next = groups[i].nextDue;
      }
      if (next === this.wakeAt) return;
    }
    this.scheduleNextWake();
  };
  /**
   * The options' callbacks, read once, `null` when not given: a wake tests a field instead of
   * looking the options object up for a property it may not have (on XS a miss walks the
   * prototype chain to `Object.prototype`).
   */
  private readonly onWake: ((elapsedMs: number) => void) | null;
  private readonly onFatalError: ((e: unknown) => void) | null;
  /** The fatal error that stopped the scheduler, if any. */
  fatalError: unknown = undefined;
  /** Wakes handled (not counting the first sampling at `run()`), legs of long sleeps included. */
  wakeCount = 0;
  /** Deadlines skipped because a wake came later than a whole interval. */
  missedDeadlines = 0;
  /** Timer callbacks that threw an ordinary error (each was reported and its timer disposed). */
  timerErrors = 0;
  /**
   * Stopped by itself: nothing was scheduled and no timer armed. A timer armed
   * later, outside a wake (a push source's debounce, from its pin's
   * callback), runs it again; `stop()` ends that. Declared last: on XS every
   * property after it would cost the wake's lookups a step more.
   */
  private finished = false;

  constructor(clock?: Clock, options: SchedulerOptions = {}) {
    this.clock = clock ?? defaultClock();
    this.time = new UnwrappedTime(this.clock);
    this.clockRepeats = this.clock.wakeEvery !== undefined;
    this.onWake = options.onWake ?? null;
    this.onFatalError = options.onFatalError ?? null;
    // Stamps before `run()` (`timestampNow`) count from here as `run()` will from its own read.
    this.runEpochFrom = this.clock.epochMs;
    this.runEpochMs = (this.runEpochFrom ?? 0) + this.time.lastTick;
  }

  /**
   * The timestamp of the time now, as this scheduler stamps its samples: Unix seconds once the clock knows
   * the wall time, seconds from the clock's tick 0 until then. For what is stamped between wakes (a pin's
   * edge, a replay's origin): on one time line with the samples, unwrapped across the clock's period (a
   * board's 32-bit ms count wraps after 49.7 days; the clock's epoch plus its raw tick falls back a period)
   * and slewed with them. Its clock is read, as a wake's is, often enough to unwrap while the scheduler
   * runs (a wake at least every quarter period); with nothing scheduled, between reads more than half a
   * period apart it cannot tell, and the clock's next set of the wall time puts it right.
   */
  timestampNow(): number {
    const elapsedMs = this.time.read() - this.runAt;
    // As a wake does (runDueTasks has these steps inline: a call costs a board's wake ~2,000 cycles).
    const epochMs = this.clock.epochMs;
    if (epochMs !== this.runEpochFrom) this.learnEpoch(epochMs as number, elapsedMs);
    this.elapsedMs = elapsedMs;
    return (this.runEpochMs + elapsedMs) / 1000;
  }

  /**
   * A one-shot timer for a filter; create once, `start(sec)` as often as needed.
   * `onError` receives what `fire` throws (the timer is then disposed).
   */
  createTimer(fire: () => void, onError?: (e: unknown) => void): SchedulerTimer {
    const timer = new SchedulerTimer(this, fire, onError);
    this.timers = withInserted(this.timers, this.timers.length, timer);
    this.timerCount = this.timers.length;
    return timer;
  }

  /** Forget a timer for good (its filter has closed or been abandoned). */
  disposeTimer(timer: SchedulerTimer): void {
    timer.armed = false;
    const at = indexIn(this.timers, timer);
    if (at < 0) return;
    this.timers = withRemoved(this.timers, at);
    this.timerCount = this.timers.length;
    // The pending wake may have been this timer's: let the scheduler sleep longer, or stop.
    if (this.running && !this.sampling && this.wakePending) this.scheduleNextWake();
  }

  /** @internal used by `SchedulerTimer.start` and timed filters. */
  armTimer(timer: SchedulerTimer, ms: number): void {
    if (!(ms >= 0 && ms < Infinity)) throw new RangeError(`timer delay must be a finite number of ms >= 0, got ${ms}`);
    timer.armed = true;
    if (!this.running) {
      timer.startsAtRun = true;
      timer.due = ms;
      if (this.finished) this.run();
      return;
    }
    timer.startsAtRun = false;
    if (this.sampling) {
      // The common case (a filter re-arming for an event of this wake): no clock read, no wake change.
      timer.due = this.sampleNow + ms;
      return;
    }
    timer.due = this.readTime() + ms;
    // Between wakes an earlier deadline must bring the wake forward.
    if (!this.wakePending || timer.due < this.wakeAt) this.scheduleNextWake();
  }

  /**
   * Scheduler time: milliseconds since the scheduler was made, unwrapped and
   * monotonic, for comparing instants (`throttle` uses it). During a wake it
   * is that wake's instant, without reading the clock again. On a wrapping
   * clock it is right as long as the clock is read at least once per half
   * period: always while the scheduler runs (it sleeps at most a quarter
   * period); a scheduler stopped for longer sees the gap modulo the period.
   */
  now(): number {
    return this.sampling ? this.sampleNow : this.readTime();
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
   * resolution, any length: long intervals are slept in legs). Returns a
   * function that deschedules it.
   */
  schedulePeriodic(thing: OutputThing<any>, intervalSec: number): () => void {
    this.addTask(thing, waitMs(intervalSec, 'interval'));
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
    this.finished = false;
    this.fatalError = undefined;
    const now = this.time.read();
    this.runAt = now;
    this.runEpochFrom = this.clock.epochMs;
    this.runEpochMs = (this.runEpochFrom ?? 0) + this.time.lastTick;
    this.slewing = false;
    this.elapsedMs = 0;
    for (let i = 0; i < this.groups.length; i++) this.groups[i].nextDue = now;
    for (let i = 0; i < this.timers.length; i++) {
      const timer = this.timers[i];
      if (timer.startsAtRun) timer.due += now;
      timer.startsAtRun = false;
    }
    this.runDueTasks();
    this.scheduleNextWake();
  }

  /** Cancel the pending wake; scheduled tasks stay scheduled for a later `run()`. */
  stop(): void {
    this.finished = false;
    if (!this.running) return;
    this.running = false;
    this.wakePending = false;
    this.repeatingMs = 0;
    this.clock.cancel?.();
  }

  /**
   * Take the clock's wall time, learnt or set again since `run()` (an SNTP answer): the wall time now (its
   * epoch plus the tick now) less the time since `run()`. The time first learnt, and a clock set again by
   * more than `SLEW_LIMIT_MS`, move the events after by the correction, back as well as forward. A smaller
   * correction is slewed: `runEpochMs` moves toward it by `SLEW_RATE` of the time since the last wake at each
   * wake (`runEpochFrom` is NaN meanwhile, so every wake comes here; a wake pays nothing otherwise), so
   * the stamps never go back; `this.elapsedMs` is still the last wake's.
   */
  private learnEpoch(epochMs: number, elapsedMs: number): void {
    const targetMs = epochMs + this.time.lastTick - elapsedMs;
    const offMs = targetMs - this.runEpochMs;
    const wasSet = this.slewing || (this.runEpochFrom !== undefined && this.runEpochFrom >= PLAUSIBLE_EPOCH_MS);
    const stepMs = (elapsedMs - this.elapsedMs) * SLEW_RATE;
    if (!wasSet || offMs > SLEW_LIMIT_MS || offMs < -SLEW_LIMIT_MS || (offMs <= stepMs && offMs >= -stepMs)) {
      this.runEpochFrom = epochMs;
      this.runEpochMs = targetMs;
      this.slewing = false;
      return;
    }
    this.runEpochFrom = NaN;
    this.runEpochMs += offMs > 0 ? stepMs : -stepMs;
    this.slewing = true;
  }

  /** Fire due timers and sample due tasks (the caller then sets the next wake). */
  private runDueTasks(): void {
    // `readTime()` inline (here and in scheduleNextWake, the two reads of every wake).
    const now = this.time.read();
    const elapsedMs = now - this.runAt;
    // The clock learnt the wall time since `run()`, or its time was set again (a board's SNTP re-sync), or a slew is on its way.
    const epochMs = this.clock.epochMs;
    if (epochMs !== this.runEpochFrom) this.learnEpoch(epochMs as number, elapsedMs);
    this.elapsedMs = elapsedMs;
    const timestampSec = (this.runEpochMs + elapsedMs) / 1000;
    this.sampleNow = now;
    this.sampling = true;
    try {
      // Timers first: a window that closes at this instant closes before this instant's samples arrive.
      // (No call at all without timers: on a board every call of a wake is ~25 bytecodes.)
      if (this.timerCount !== 0) this.fireDueTimers(now);
      // The group list is replaced, never mutated, when tasks come and go: walk this wake's snapshot,
      // its length read once (an array's `length` is a host call on XS).
      const groups = this.groups;
      for (let g = 0, groupCount = groups.length; g < groupCount; g++) {
        const group = groups[g];
        if (group.nextDue > now) continue;
        const tasks = group.tasks;
        for (let t = 0, taskCount = tasks.length; t < taskCount; t++) {
          const thing = tasks[t];
          // A task descheduled during this wake (by a sibling's sink) is not read again. The search is inline:
          // with `indexIn` named in this method, every wake cost ~160 cycles more on a board, called or not.
          if (group.tasks !== tasks) {
            const current = group.tasks;
            let k = 0;
            while (k < current.length && current[k] !== thing) k++;
            if (k === current.length) continue;
          }
          // Sampled here, not in a method of its own: on a board each call of a wake costs thousands of cycles.
          // Closed or abandoned since the last sampling (a sibling's sink let go of it): nobody wants the
          // reading. `retired` is `closed || abandoned` as one field: no getter calls per wake.
          if (thing.retired) {
            this.removeTask(thing);
            continue;
          }
          // No `continue` in the catch: on XS a jump out of a `catch` costs every pass through the `try`
          // a completion record. A thing that threw is descheduled there, and removeTask finds it gone.
          try {
            thing.observe(timestampSec);
          } catch (e) {
            this.observeFailed(thing, e);
          }
          if (thing.retired) this.removeTask(thing);
        }
        // Next deadline: the previous one plus the interval (no drift); a wake later than that skips deadlines.
        group.nextDue += group.intervalMs;
        if (now >= group.nextDue) this.skipMissedDeadlines(group, now);
      }
    } catch (e) {
      this.sampling = false;
      this.fail(e);
      return;
    }
    this.sampling = false;
    const onWake = this.onWake;
    if (onWake !== null) onWake(elapsedMs);
  }

  /** A thing threw out of observe(): it is broken, not just its data. Report and deschedule it; fatal errors go on. */
  private observeFailed(thing: OutputThing<any>, e: unknown): void {
    if (isFatal(e)) throw e;
    reportError(`thingflow: ${String(thing)} threw from observe(); descheduled`, e);
    this.removeTask(thing);
  }

  /** A wake came a whole interval late or more: skip the deadlines that already passed (counted). */
  private skipMissedDeadlines(group: IntervalGroup, now: number): void {
    const skipped = Math.floor((now - group.nextDue) / group.intervalMs) + 1;
    this.missedDeadlines += skipped;
    group.nextDue += skipped * group.intervalMs;
  }

  private fireDueTimers(now: number): void {
    const timers = this.timers;
    for (let i = 0; i < timers.length; i++) {
      const timer = timers[i];
      if (timer.armed && timer.due <= now) {
        timer.armed = false;
        try {
          timer.fire();
        } catch (e) {
          if (isFatal(e)) throw e;
          this.timerFailed(timer, e);
        }
      }
    }
  }

  /** One timer's callback threw: that timer is done, its owner hears of it, the board keeps running. */
  private timerFailed(timer: SchedulerTimer, e: unknown): void {
    this.timerErrors++;
    this.disposeTimer(timer);
    if (timer.onError === undefined) {
      reportError('thingflow: a timer callback threw; the timer is disposed', e);
      return;
    }
    try {
      timer.onError(e);
    } catch (inner) {
      if (isFatal(inner)) throw inner;
      reportError('thingflow: a timer\'s error handler threw', inner);
    }
  }

  private scheduleNextWake(): void {
    if (!this.running) return;
    const now = this.time.read();
    this.elapsedMs = now - this.runAt;
    let next = NO_DEADLINE;
    const groups = this.groups;
    for (let i = 0, n = groups.length; i < n; i++) {
      if (groups[i].nextDue < next) next = groups[i].nextDue;
    }
    const timers = this.timers;
    const timerCount = this.timerCount;
    for (let i = 0; i < timerCount; i++) {
      const timer = timers[i];
      if (timer.armed && timer.due < next) next = timer.due;
    }
    if (next === NO_DEADLINE) {
      // Nothing scheduled and no timer armed: the dataflow is finished, unless a push source arms a timer later.
      this.stop();
      this.finished = true;
      return;
    }
    let sleep = next > now ? next - now : 0;
    // A long wait is slept in legs, so a wrapping clock is read often enough to unwrap it.
    if (sleep > this.time.maxSleepMs) sleep = this.time.maxSleepMs;
    this.wakeAt = now + sleep;
    this.wakePending = true;
    if (this.clockRepeats) {
      // No timers, the wake at a deadline, a steady rhythm: the clock's repeating alarm keeps it by itself.
      const every = timerCount === 0 && this.wakeAt === next ? this.steadyIntervalMs() : 0;
      if (every !== 0) {
        this.repeatingMs = every;
        this.clock.wakeEvery!(sleep, every, this.repeatingWakeHandler);
        return;
      }
      this.repeatingMs = 0;
    }
    this.clock.wake(sleep, this.wakeHandler);
  }

  /**
   * The rhythm of the scheduled intervals, when they have one a repeating
   * alarm can keep: the smallest interval, if every other is a multiple of it
   * (related intervals share its wakes) and it needs no legs; else 0.
   */
  private steadyIntervalMs(): number {
    const groups = this.groups;
    if (groups.length === 0) return 0;
    const smallest = groups[0].intervalMs; // groups are kept in ascending interval order
    if (smallest > this.time.maxSleepMs) return 0;
    for (let i = 1; i < groups.length; i++) {
      if (groups[i].intervalMs % smallest !== 0) return 0;
    }
    return smallest;
  }

  /** Read the clock and advance the elapsed time; returns scheduler time (unwrapped ms). */
  private readTime(): number {
    const now = this.time.read();
    this.elapsedMs = now - this.runAt;
    return now;
  }

  private addTask(thing: OutputThing<any>, intervalMs: number): void {
    const groups = this.groups;
    let group: IntervalGroup | undefined;
    // ThingFlow-MicroPython's rule for a new interval: the next deadline of the first related interval, else now.
    let related: IntervalGroup | undefined;
    let at = groups.length;
    for (let i = 0; i < groups.length; i++) {
      const g = groups[i];
      if (indexIn(g.tasks, thing) >= 0) throw new Error(`${String(thing)} is already scheduled`);
      if (g.intervalMs === intervalMs) group = g;
      if (related === undefined && (g.intervalMs % intervalMs === 0 || intervalMs % g.intervalMs === 0)) related = g;
      if (at === groups.length && g.intervalMs > intervalMs) at = i;
    }
    if (!group) {
      const now = this.running ? this.now() : 0;
      group = new IntervalGroup(intervalMs, related ? related.nextDue : now);
      this.groups = withInserted(groups, at, group); // kept in ascending interval order
      if (this.running && !related && !this.sampling) this.scheduleNextWake();
    }
    group.tasks = withInserted(group.tasks, group.tasks.length, thing);
  }

  private removeTask(thing: OutputThing<any>): void {
    for (let i = 0; i < this.groups.length; i++) {
      const group = this.groups[i];
      const at = indexIn(group.tasks, thing);
      if (at < 0) continue;
      group.tasks = withRemoved(group.tasks, at);
      if (group.tasks.length === 0) this.groups = withRemoved(this.groups, i);
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
    const onFatalError = this.onFatalError;
    if (onFatalError !== null) onFatalError(e);
    else throw e;
  }
}
