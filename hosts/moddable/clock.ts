/**
 * The scheduler's clock on a Moddable board: `Time.ticks` for time and one
 * reusable `Timer` for the alarm.
 *
 * `Time.ticks` is a signed 32-bit millisecond counter on most
 * microcontrollers (a growing float on the desktop simulator), so `now()`
 * folds it into `[0, 2^32)` and declares `period` 2^32: the scheduler then
 * unwraps ticks into milliseconds (`UnwrappedTime`), which is right across the
 * wrap, and never asks for a sleep longer than a quarter period (2^30 ms,
 * 12.4 days): longer waits come as several wakes, and every delay given to
 * `Timer.schedule` fits its 32-bit argument.
 */
import Time from 'time';
import Timer from 'timer';
import { PLAUSIBLE_EPOCH_MS, type Clock } from '../../runtime/scheduler/clock';

/** 2^32: `Time.ticks >>> 0` wraps here. */
export const MODDABLE_TICKS_PERIOD = 4294967296;

/**
 * The repeat interval the timer is armed with. Moddable frees a timer whose
 * repeat interval is 0 when its callback returns, even if the callback
 * re-armed it with `Timer.schedule(timer, ms)` (repeat defaults to 0), so
 * the clock arms with a nonzero repeat it never reaches: every firing first
 * unschedules the timer, then the scheduler re-arms it or not.
 */
const KEEP_ALIVE_REPEAT = 0x3fffffff;

/** Reads wall-clock milliseconds, where the app has a wall clock (`./wall-clock`); unset, timestamps count from boot. */
let readWallClock: (() => number) | undefined;

/** Called at link time by `./wall-clock`, so the firmware links `Date` only where it is used. */
export function setWallClock(read: () => number): void {
  readWallClock = read;
}

/**
 * The global where the clocks of a board with a wall clock are told each time it is set (`./wall-clock`'s
 * `wallClockWasSet`: the time learnt, or set again by a re-sync): a preloaded module's own variables and
 * objects cannot change at run time, the global object's properties can.
 */
export const WALL_CLOCKS = 'thingflowWallClocks';

export class ModdableClock implements Clock {
  readonly period = MODDABLE_TICKS_PERIOD;
  /** Wall-clock ms at tick 0; 0 until the board knows the time, new each time it is set (`wallClockWasSet`). */
  epochMs: number;
  /** The one-shot wakes' timer, made once and re-armed: it calls `fire`, which calls `pending`. */
  private timer: Timer | undefined;
  private pending: (() => void) | undefined;
  /**
   * The repeating wake's timer (`wakeEvery`): it calls the scheduler's handler
   * itself, with no `fire` in between (one JavaScript call less per wake on a
   * board). Made once per handler and re-armed or parked (unscheduled) when
   * the rhythm changes: no allocation per change.
   */
  private repeater: Timer | undefined;
  /** The function the repeater calls. */
  private repeaterFn: (() => void) | undefined;
  /** The repeater is armed (not parked). */
  private repeating = false;
  /** Bound once: re-arming allocates nothing. */
  private readonly fire: () => void;

  constructor() {
    const wall = readWallClock === undefined ? 0 : readWallClock();
    this.epochMs = wall >= PLAUSIBLE_EPOCH_MS ? wall - this.now() : 0;
    if (readWallClock !== undefined) {
      const g = globalThis as { [WALL_CLOCKS]?: ModdableClock[] };
      (g[WALL_CLOCKS] ??= []).push(this);
    }
    this.fire = () => {
      const fn = this.pending;
      this.pending = undefined;
      if (fn !== undefined) fn();
      // Not re-armed by `fn` (the scheduler stopped, or moved to the repeater): unscheduled, the timer waits for the next wake
      // instead of repeating. Re-armed, it needs no second host call: Moddable keeps the time
      // `Timer.schedule` set from inside the callback. (Should `fn` throw, the timer fires once more
      // after KEEP_ALIVE_REPEAT with nothing pending, and is unscheduled then.)
      if (this.pending === undefined && this.timer !== undefined) Timer.schedule(this.timer);
    };
  }

  now(): number {
    return Time.ticks >>> 0;
  }

  wake(ms: number, fn: () => void): void {
    if (this.repeating) this.parkRepeater();
    this.pending = fn;
    const delay = wholeMs(ms);
    if (this.timer === undefined) this.timer = Timer.set(this.fire, delay, KEEP_ALIVE_REPEAT);
    else Timer.schedule(this.timer, delay, KEEP_ALIVE_REPEAT);
  }

  /**
   * Moddable repeats a timer from its previous deadline (modTimer.c:
   * `triggerTime += repeatInterval`), so the rhythm does not drift. (Its
   * desktop simulators' timers repeat from when they ran; the scheduler
   * notices the lateness and re-arms.)
   */
  wakeEvery(ms: number, everyMs: number, fn: () => void): void {
    if (this.pending !== undefined) this.cancelOneShot();
    const delay = wholeMs(ms);
    const every = everyMs >= 1 ? Math.ceil(everyMs) : 1;
    // Re-armed from inside its own callback too: Moddable keeps the time and repeat set there.
    if (this.repeater !== undefined && this.repeaterFn === fn) Timer.schedule(this.repeater, delay, every);
    else {
      if (this.repeater !== undefined) Timer.clear(this.repeater);
      this.repeater = Timer.set(fn, delay, every);
      this.repeaterFn = fn;
    }
    this.repeating = true;
  }

  cancel(): void {
    if (this.repeating) this.parkRepeater();
    this.cancelOneShot();
  }

  /** Free the timers (a clock that is no longer used). */
  close(): void {
    this.cancel();
    // Told no more of the wall time (a copy without it: `splice` would link its built-in into every board app).
    const g = globalThis as { [WALL_CLOCKS]?: ModdableClock[] };
    const clocks = g[WALL_CLOCKS];
    if (clocks !== undefined) {
      const kept: ModdableClock[] = [];
      for (let i = 0; i < clocks.length; i++) if (clocks[i] !== this) kept.push(clocks[i]);
      g[WALL_CLOCKS] = kept;
    }
    if (this.timer !== undefined) Timer.clear(this.timer);
    if (this.repeater !== undefined) Timer.clear(this.repeater);
    this.timer = undefined;
    this.repeater = undefined;
    this.repeaterFn = undefined;
  }

  private cancelOneShot(): void {
    this.pending = undefined;
    if (this.timer !== undefined) Timer.schedule(this.timer);
  }

  /** Unscheduled, kept for the next `wakeEvery` (also from inside its own callback, as `fire` does with the one-shot timer). */
  private parkRepeater(): void {
    Timer.schedule(this.repeater!);
    this.repeating = false;
  }
}

/** A delay for `Timer`: whole milliseconds, at least 0 (the scheduler's usual sleep skips the Math.ceil call). */
function wholeMs(ms: number): number {
  return ms > 0 ? ((ms | 0) === ms ? ms : Math.ceil(ms)) : 0;
}
