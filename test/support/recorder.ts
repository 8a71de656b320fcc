import type { InputThing } from '../../runtime/core/input-thing';
import { fromIterable } from '../../runtime/core/from-iterable';
import type { OutputThing } from '../../runtime/core/output-thing';
import { Scheduler } from '../../runtime/scheduler/scheduler';
import { VirtualClock } from '../../runtime/scheduler/virtual-clock';
import '../../runtime/filters/index';

/** An input thing that remembers everything it received, in order. */
export class Recorder<T = unknown> implements InputThing<T> {
  readonly values: T[] = [];
  /** Every notification as text, e.g. `next 1`, `completed`, `error boom`: for timeline-style assertions. */
  readonly log: string[] = [];
  completed = false;
  error: unknown = undefined;

  onNext(x: T): void {
    if (this.completed || this.error !== undefined) throw new Error(`onNext(${String(x)}) after the stream ended`);
    this.values.push(x);
    this.log.push(`next ${JSON.stringify(x)}`);
  }
  onCompleted(): void {
    this.completed = true;
    this.log.push('completed');
  }
  onError(e: unknown): void {
    this.error = e;
    this.log.push(`error ${e instanceof Error ? e.message : String(e)}`);
  }
}

/**
 * Push `values` through `build(source)` on a virtual clock (one value per
 * second) and return what reached the end of the chain.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- OutputThing is invariant in T; tests compare values, not types
export function runThrough<I>(values: I[], build: (source: OutputThing<I>) => OutputThing<any>): Recorder<any> {
  const clock = new VirtualClock();
  const scheduler = new Scheduler(clock);
  const source = fromIterable(values);
  const rec = new Recorder<any>();
  build(source).connect(rec);
  scheduler.schedulePeriodic(source, 1);
  scheduler.run();
  clock.runUntilIdle();
  return rec;
}
