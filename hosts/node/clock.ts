import { performance } from 'node:perf_hooks';
import type { Clock } from '../../runtime/scheduler/clock';

/**
 * The longest delay `setTimeout` honours: 2^31 − 1 ms (24.8 days). Node
 * turns a longer one into 1 ms (with a `TimeoutOverflowWarning`), which would
 * make a 30-day wait a busy loop.
 */
export const NODE_MAX_TIMEOUT_MS = 2147483647;

export interface NodeClockOptions {
  /** Longest single `setTimeout`; longer waits are slept in legs. Default (and maximum) 2^31 − 1 ms. */
  maxLegMs?: number;
}

/**
 * Real time on Node: `performance.now()` ticks and one `setTimeout`. A wait
 * longer than `setTimeout` allows is slept in legs of at most 2^31 − 1 ms;
 * only the last leg calls back.
 */
export class NodeClock implements Clock {
  readonly epochMs = performance.timeOrigin;
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
