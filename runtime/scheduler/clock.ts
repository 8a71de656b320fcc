/**
 * What the scheduler needs from a host: a millisecond tick count and one
 * alarm. On a board `wake` is a timer (and the chance to sleep until it
 * fires); in tests and the simulator it is a `VirtualClock`.
 */
export interface Clock {
  /** Milliseconds, monotonic; wraps modulo `period` when `period` is given. */
  now(): number;
  /** Tick counters on small chips wrap (MicroPython's ticks_ms wraps at 2^30). */
  readonly period?: number;
  /**
   * Wall-clock milliseconds since 1970 at tick 0, for event timestamps; 0 when unknown. It may become
   * known while the clock runs (a board's time set by SNTP once it joins a network, after its app
   * started), and change when the time is set again (a board re-syncs by SNTP: its crystal drifts):
   * the scheduler reads it at each wake and stamps the events after a change with the new one. On a
   * board a plain property read: a wake pays no call for it (Node's clock checks the system clock here).
   */
  readonly epochMs?: number;
  /** Call `fn` once after `ms`; a new call replaces the pending one. */
  wake(ms: number, fn: () => void): void;
  /**
   * Optional: call `fn` after `ms`, then every `everyMs` after that, without
   * drift (each time counts from the previous deadline, not from when `fn`
   * ran), until `wake`, `wakeEvery` or `cancel` replaces it. A scheduler in a
   * steady rhythm arms it once instead of re-arming after every wake: on a
   * board each re-arm is a clock read and a host call per wake.
   */
  wakeEvery?(ms: number, everyMs: number, fn: () => void): void;
  /** Drop the pending wake, if any. */
  cancel?(): void;
}

/**
 * `a - b` in ticks, safe across wrap-around: the answer is taken in
 * `[-period/2, period/2)`, like MicroPython's `ticks_diff`.
 */
export function ticksDiff(a: number, b: number, period: number | undefined): number {
  if (period === undefined) return a - b;
  const half = period / 2;
  let d = (a - b) % period;
  if (d >= half) d -= period;
  else if (d < -half) d += period;
  return d;
}

/** `t + ms` in ticks, wrapped into `[0, period)` when the clock wraps. */
export function ticksAdd(t: number, ms: number, period: number | undefined): number {
  if (period === undefined) return t + ms;
  const r = (t + ms) % period;
  return r < 0 ? r + period : r;
}

let hostClockFactory: (() => Clock) | undefined;

/** Hosts register the clock a `new Scheduler()` uses when given none. */
export function setDefaultClock(factory: () => Clock): void {
  hostClockFactory = factory;
}

export function defaultClock(): Clock {
  if (!hostClockFactory) {
    throw new Error('thingflow: no default clock; pass a Clock to new Scheduler(clock) or load a host binding');
  }
  return hostClockFactory();
}

/** Wall-clock milliseconds before this (2001-09-09) are a clock that was never set: ticks since boot, not a date. */
export const PLAUSIBLE_EPOCH_MS = 1e12;
