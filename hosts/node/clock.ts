import { performance } from 'node:perf_hooks';
import type { Clock } from '../../runtime/scheduler/clock';

/** Real time on Node: `performance.now()` ticks and one `setTimeout`. */
export class NodeClock implements Clock {
  readonly epochMs = performance.timeOrigin;
  private timer: NodeJS.Timeout | undefined;

  now(): number {
    return performance.now();
  }

  wake(ms: number, fn: () => void): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      fn();
    }, ms);
  }

  cancel(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
