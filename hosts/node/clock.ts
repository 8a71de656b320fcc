import { performance } from 'node:perf_hooks';
import type { Clock } from '../../runtime/scheduler/clock';

/**
 * The longest delay `setTimeout` honours: 2^31 − 1 ms (24.8 days). Node
 * turns a longer one into 1 ms (with a `TimeoutOverflowWarning`), which would
 * make a 30-day wait a busy loop.
 */
export const NODE_MAX_TIMEOUT_MS = 2147483647;

/**
 * A step of the system clock smaller than this is not followed: reading the wall clock and the
 * monotonic one a moment apart (a preempted process) must not move the events' time. NTP slews
 * smaller corrections, which move both clocks alike.
 */
const STEP_FOLLOWED_MS = 500;

export interface NodeClockOptions {
  /** Longest single `setTimeout`; longer waits are slept in legs. Default (and maximum) 2^31 − 1 ms. */
  maxLegMs?: number;
  /** The wall clock, in ms since 1970: `Date.now` unless given (another time source: GPS, a test's). */
  wallMs?: () => number;
}

/**
 * Real time on Node: `performance.now()` ticks and one `setTimeout`. A wait
 * longer than `setTimeout` allows is slept in legs of at most 2^31 − 1 ms;
 * only the last leg calls back. The events' wall time follows the system
 * clock when it is stepped (a Raspberry Pi boots without the time, and NTP
 * sets it after the app started): `epochMs` is checked against it at each
 * of the scheduler's wakes.
 */
export class NodeClock implements Clock {
  private epoch: number;
  private readonly wallMs: () => number;
  /** `setTimeout`s that ended a leg of a long wait without calling back. */
  legs = 0;
  private timer: NodeJS.Timeout | undefined;
  private pending: (() => void) | undefined;
  /** Milliseconds of the current wait still to sleep after the running leg. */
  private remainingMs = 0;
  private readonly maxLegMs: number;
  private readonly legDone = (): void => this.onLegDone();

  constructor(opts: NodeClockOptions = {}) {
    const max = opts.maxLegMs ?? NODE_MAX_TIMEOUT_MS;
    if (!(max >= 1 && max <= NODE_MAX_TIMEOUT_MS)) throw new RangeError(`NodeClock: maxLegMs must be in [1, ${NODE_MAX_TIMEOUT_MS}], got ${max}`);
    this.maxLegMs = max;
    this.wallMs = opts.wallMs ?? Date.now;
    this.epoch = this.wallMs() - performance.now();
  }

  /** Wall-clock ms at `now()`'s 0: the system clock less the monotonic one, taken again when the system clock was stepped. */
  get epochMs(): number {
    const epoch = this.wallMs() - performance.now();
    const moved = epoch - this.epoch;
    if (moved >= STEP_FOLLOWED_MS || moved <= -STEP_FOLLOWED_MS) this.epoch = epoch;
    return this.epoch;
  }

  now(): number {
    return performance.now();
  }

  wake(ms: number, fn: () => void): void {
    this.cancel();
    this.pending = fn;
    this.remainingMs = ms > 0 ? ms : 0;
    this.startLeg();
  }

  cancel(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.pending = undefined;
  }

  private startLeg(): void {
    const leg = this.remainingMs > this.maxLegMs ? this.maxLegMs : this.remainingMs;
    this.remainingMs -= leg;
    this.timer = setTimeout(this.legDone, leg);
  }

  private onLegDone(): void {
    this.timer = undefined;
    if (this.remainingMs > 0) {
      this.legs++;
      this.startLeg();
      return;
    }
    const fn = this.pending;
    this.pending = undefined;
    fn?.();
  }
}
