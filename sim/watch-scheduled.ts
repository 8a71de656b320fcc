/**
 * See every thing an app schedules, without changing the app: `fn` is called with each thing
 * `scheduler` is asked to schedule from now on (by `schedulePeriodic`, or `scheduleSensor`, which
 * calls it). An own property shadows the prototype's method for this scheduler only. Used by the
 * simulator's `--record` (tap each sensor) and `--trace` (trace from each source).
 */
import type { OutputThing } from '../runtime/core/output-thing';
import type { Scheduler } from '../runtime/scheduler/scheduler';

export function watchScheduled(scheduler: Scheduler, fn: (thing: OutputThing<any>) => void): void {
  const schedulePeriodic = scheduler.schedulePeriodic.bind(scheduler);
  scheduler.schedulePeriodic = (thing: OutputThing<any>, intervalSec: number): (() => void) => {
    fn(thing);
    return schedulePeriodic(thing, intervalSec);
  };
}
