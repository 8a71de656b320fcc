import { connectStep, thunk, type ChainStep, type Thunk } from '../core/filter';
import { addFluentMethod } from '../core/fluent';
import type { OutputThing } from '../core/output-thing';

/**
 * Chain steps into one thunk: `compose(map(f), runningAvg(5))(source)` is
 * `source.map(f).runningAvg(5)`. A terminal step (a sink) may only come last.
 */
export function compose<I = any, O = any>(...steps: ChainStep<any>[]): Thunk<I, O> {
  return thunk((source: OutputThing<I>) => {
    let prev: OutputThing<any> | undefined = source;
    for (const step of steps) {
      if (!prev) throw new TypeError('compose: a sink can only be the last step');
      prev = connectStep(prev, step);
    }
    return prev as OutputThing<O>;
  });
}

/**
 * Connect every step to the same source as spurs, and continue the chain from
 * the source itself: `source.passthrough(parallel(toMqtt, toLog)).map(...)`.
 */
export function parallel<T>(...steps: ChainStep<T>[]): Thunk<T, T> {
  return thunk((source: OutputThing<T>) => {
    for (const step of steps) connectStep(source, step);
    return source;
  });
}

/** Connect `spur` to `source` as a side branch and return `source` to continue the chain. */
export function passthrough<T>(spur: ChainStep<T>): Thunk<T, T> {
  return thunk((source: OutputThing<T>) => {
    connectStep(source, spur);
    return source;
  });
}

declare module '../core/output-thing' {
  interface OutputThing<T> {
    /** Attach `spur` (a sink, input thing or thunk) as a side branch; returns this thing. */
    passthrough(spur: ChainStep<T>): this;
  }
}
addFluentMethod('passthrough', function (this: OutputThing<unknown>, spur: ChainStep<unknown>) {
  connectStep(this, spur);
  return this;
});
